#!/usr/bin/env bash
# Installs, idempotently and as root, everything deploybench's build, tests and targets need on
# Debian 12, and configures podman for this kind of host (see README "Machine notes").
# A second run takes a few seconds: packages already present are not reinstalled.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git clang-format
  libcli11-dev libfmt-dev libyaml-cpp-dev libcurl4-openssl-dev nlohmann-json3-dev
  libcpp-httplib-dev catch2 libbenchmark-dev
  # targets: container, vm, network
  podman runc netavark aardvark-dns iptables slirp4netns qemu-system-x86 busybox-static linux-image-amd64
  docker.io
  cpio xz-utils iproute2 util-linux curl
  # tests and benchmarks
  wrk chromium python3 time openssl
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: must run as root (it installs Debian packages)" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  for _ in $(seq 60); do   # wait for a concurrent apt/dpkg
    fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1 || break
    sleep 5
  done
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# podman: crun fails on this cgroup-v1 hybrid host and podman's default rlimits exceed the hard
# limits (no CAP_SYS_RESOURCE), so use runc + cgroupfs and cap the ulimits at the hard limits.
HN=$(ulimit -Hn); HU=$(ulimit -Hu)
[ "$HN" = unlimited ] && HN=65536
[ "$HU" = unlimited ] && HU=16384
NOFILE=$(( HN < 65536 ? HN : 65536 )); NPROC=$(( HU < 16384 ? HU : 16384 ))
mkdir -p /etc/containers
conf=$(cat <<CONF
# written by deploybench scripts/setup.sh
[containers]
default_ulimits = ["nofile=${NOFILE}:${NOFILE}", "nproc=${NPROC}:${NPROC}"]
log_driver = "k8s-file"

[network]
network_backend = "netavark"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
)
if [ "$(cat /etc/containers/containers.conf 2>/dev/null)" != "$conf" ]; then
  printf '%s\n' "$conf" > /etc/containers/containers.conf
fi

# docker: without systemd nothing starts dockerd, so start it here when its socket does not answer
# (cgroupfs, as for podman). Its log: /var/log/deploybench-dockerd.log. Only docker targets need it.
docker_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! docker_up; then
  setsid dockerd --exec-opt native.cgroupdriver=cgroupfs </dev/null >>/var/log/deploybench-dockerd.log 2>&1 &
  for _ in $(seq 60); do docker_up && break; sleep 0.5; done
  docker_up || echo "setup.sh: warning: dockerd did not start (see /var/log/deploybench-dockerd.log); docker targets will fail" >&2
fi

# VM: an uncompressed kernel (ELF with a PVH note) boots under TCG without the real-mode setup
# and the in-guest xz decompression.
VMDIR=/var/lib/deploybench-vm
KV=$(ls /boot/vmlinuz-* | sort -V | tail -1); KVER=${KV#/boot/vmlinuz-}
mkdir -p "$VMDIR"
if ! head -c 4 "$VMDIR/vmlinux-$KVER" 2>/dev/null | grep -q ELF; then
  OFF=$(LC_ALL=C grep -aobUP '\xfd7zXZ\x00' "$KV" | head -1 | cut -d: -f1)
  tail -c +$((OFF + 1)) "$KV" | xz -dc > "$VMDIR/vmlinux-$KVER" 2>/dev/null || true  # rc 1: trailing bytes
  head -c 4 "$VMDIR/vmlinux-$KVER" | grep -q ELF || { echo "setup.sh: could not extract vmlinux from $KV" >&2; exit 1; }
fi
ln -sfn "vmlinux-$KVER" "$VMDIR/vmlinux"
echo "$KVER" > "$VMDIR/kernel-version"
echo "setup.sh: ok (kernel $KVER, podman runtime runc/cgroupfs, docker $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo 'not running'))"
