#!/usr/bin/env bash
# Builds the refbot container image: FROM scratch with only the fully static refbot, run as a
# non-root user (65534). Containers run it with --read-only (the container target does).
# Usage: scripts/build-image.sh [--runtime podman|docker] [--refbot PATH] [--tag TAG]
#   --refbot  the static binary (default: build/apps/refbot/refbot-static)
#   --tag     default: localhost/deploybench/refbot:<first 12 hex of the binary's sha256>
# The deploybench container target calls this on demand when the tag does not exist yet.
# Prints the tag on the last line of stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNTIME=podman
REFBOT=build/apps/refbot/refbot-static
TAG=
while [ $# -gt 0 ]; do
  case $1 in
    --runtime) RUNTIME=$2; shift 2 ;;
    --refbot) REFBOT=$2; shift 2 ;;
    --tag) TAG=$2; shift 2 ;;
    *) echo "build-image.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ ! -x "$REFBOT" ]; then
  echo "build-image.sh: no static refbot at $REFBOT (build it: ninja -C build refbot-static)" >&2
  exit 1
fi
if ldd "$REFBOT" >/dev/null 2>&1; then  # ldd fails on a static binary
  echo "build-image.sh: $REFBOT is dynamically linked; a FROM scratch image needs the static build" >&2
  exit 1
fi
SUM=$(sha256sum "$REFBOT" | cut -c1-64)
[ -n "$TAG" ] || TAG="localhost/deploybench/refbot:${SUM:0:12}"
CTX=$(mktemp -d)
trap 'rm -rf "$CTX"' EXIT
cp "$REFBOT" "$CTX/refbot"
cat > "$CTX/Containerfile" <<CF
FROM scratch
COPY refbot /refbot
USER 65534:65534
EXPOSE 8080
LABEL deploybench.image="refbot" deploybench.refbot_sha256="$SUM"
ENTRYPOINT ["/refbot"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
CF
"$RUNTIME" build -q -f "$CTX/Containerfile" -t "$TAG" "$CTX" >&2
echo "$TAG"
