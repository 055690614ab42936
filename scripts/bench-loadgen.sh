#!/usr/bin/env bash
# Benchmarks the load generator itself (not a test; builds nothing):
#   1. plain GETs at 64 keep-alive connections against a trivial loopback server:
#      wrk's requests/s next to `deploybench probe --http-get`'s (target: probe >= half of wrk);
#   2. streamed chat completions from the loopback SSE server: the generator's CPU seconds per
#      1000 streamed tokens (target: < 0.03, i.e. under 3% of one core per 1000 tokens/s).
# Rounds alternate wrk and probe so machine noise hits both; medians are printed, with each
# client's CPU time per request (wrk's from /usr/bin/time, probe's own worker-thread CPU), which
# is steadier than requests/s when other processes share the cores.
# Usage: scripts/bench-loadgen.sh [BUILD_DIR]   env: SECONDS_PER_RUN=5 ROUNDS=3 THREADS="1 2" CONNECTIONS=64
set -euo pipefail
BUILD=${1:-build}
DUR=${SECONDS_PER_RUN:-5}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-"1 2"}  # one GET comparison per value; the streamed part uses the first
CONNS=${CONNECTIONS:-64}
PROBE="$BUILD/apps/deploybench/deploybench"
SERVER="$BUILD/tests/loadgen/deploybench_loopback_server"
for bin in "$PROBE" "$SERVER"; do
  [ -x "$bin" ] || { echo "bench-loadgen: $bin not built (ninja -C $BUILD deploybench deploybench_loopback_server)" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "bench-loadgen: wrk not installed (apt-get install wrk)" >&2; exit 1; }

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# Starts the loopback server in mode $1 (extra args follow) and sets PORT. Not run in a
# subshell, so its pid reaches PIDS and the EXIT trap stops it.
start_server() {
  local log
  log=$(mktemp)
  "$SERVER" "$@" >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do
    grep -q "listening on" "$log" && break
    sleep 0.05
  done
  PORT=$(awk '/listening on/ {print $3}' "$log")
  rm -f "$log"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# One comparison per thread count: both tools get the same threads and the same connections.
bench_get() {
  local threads=$1
  echo "== plain GET, like with like: wrk -t$threads -c$CONNS vs probe --threads $threads --concurrency $CONNS," \
       "${DUR}s x $ROUNDS rounds, loopback server on :$port"
  local wrk_all=() probe_all=() wrk_us=() probe_us=()
  for r in $(seq "$ROUNDS"); do
    tf=$(mktemp)
    wout=$(/usr/bin/time -f "%U %S" -o "$tf" wrk -t"$threads" -c"$CONNS" -d"${DUR}s" "$url")
    w=$(echo "$wout" | awk '/Requests\/sec/ {print $2}')
    wn=$(echo "$wout" | awk '/requests in/ {print $1}')
    wu=$(awk -v n="$wn" '{print ($1 + $2) / n * 1e6}' "$tf")
    rm -f "$tf"
    pout=$("$PROBE" probe --url "$url" --http-get --concurrency "$CONNS" --threads "$threads" --duration "${DUR}s" \
             --warmup 1s --quiet --json)
    p=$(echo "$pout" | json_field 'd["requests_per_s"]')
    pu=$(echo "$pout" | json_field 'd["generator"]["cpu_seconds"] / d["completed"] * 1e6')
    printf "round %d: wrk %8.0f req/s (%5.1f us CPU/req)   probe %8.0f req/s (%5.1f us CPU/req)\n" "$r" "$w" "$wu" "$p" "$pu"
    wrk_all+=("$w") probe_all+=("$p") wrk_us+=("$wu") probe_us+=("$pu")
  done
  wm=$(printf "%s\n" "${wrk_all[@]}" | median)
  pm=$(printf "%s\n" "${probe_all[@]}" | median)
  wum=$(printf "%s\n" "${wrk_us[@]}" | median)
  pum=$(printf "%s\n" "${probe_us[@]}" | median)
  printf "median:  wrk %8.0f req/s (%5.1f us CPU/req)   probe %8.0f req/s (%5.1f us CPU/req)\n" "$wm" "$wum" "$pm" "$pum"
  printf "%d thread(s): probe/wrk requests/s = %.2f (target >= 0.50); wrk/probe CPU per request = %.2f\n" "$threads" \
    "$(awk -v a="$pm" -v b="$wm" 'BEGIN {print a / b}')" "$(awk -v a="$wum" -v b="$pum" 'BEGIN {print a / b}')"
}

start_server plain
port=$PORT
url="http://127.0.0.1:$port/"
for t in $THREADS; do bench_get "$t"; done

start_server sse 0 0 1
sse_port=$PORT
echo "== streamed chat, loopback SSE server on :$sse_port (1 ms per token), 16 users, 256 tokens per request"
cpu_all=()
for r in $(seq "$ROUNDS"); do
  out=$("$PROBE" probe --url "http://127.0.0.1:$sse_port" --concurrency 16 --max-tokens 256 --threads "${THREADS%% *}" \
          --duration "${DUR}s" --warmup 1s --quiet --json)
  tokens=$(echo "$out" | json_field 'd["output_tokens"]')
  rate=$(echo "$out" | json_field 'd["output_tokens_per_s"]')
  cpu=$(echo "$out" | json_field 'd["generator"]["cpu_seconds"]')
  per_k=$(awk -v c="$cpu" -v t="$tokens" 'BEGIN {print c / (t / 1000)}')
  printf "round %d: %8.0f tokens/s streamed, generator %.3f CPU-s for %d tokens = %.4f CPU-s per 1000 tokens\n" \
    "$r" "$rate" "$cpu" "$tokens" "$per_k"
  cpu_all+=("$per_k")
done
cm=$(printf "%s\n" "${cpu_all[@]}" | median)
printf "median:  %.4f CPU-s per 1000 tokens = %.2f%% of one core per 1000 tokens/s (target < 3%%)\n" "$cm" \
  "$(awk -v c="$cm" 'BEGIN {print c * 100}')"
