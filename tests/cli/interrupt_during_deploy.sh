#!/usr/bin/env bash
# SIGTERM (as Ctrl-C) while a target is still being waited for: the run stops within a second or
# two, not when ready_timeout (60 s) expires, tears the target down and exits 130.
# Usage: interrupt_during_deploy.sh DEPLOYBENCH SCENARIO WORK_DIR
set -u
deploybench=$1 scenario=$2 work=$3
rm -rf "$work"
mkdir -p "$work/state"
export DEPLOYBENCH_STATE_DIR="$work/state"
"$deploybench" run "$scenario" --out "$work/out" --run-id cut 2>&1 &
pid=$!
sleep 1
start=$(date +%s%N)
kill -TERM "$pid"
wait "$pid"
rc=$?
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
fail() { echo "FAIL: $*"; exit 1; }
[ "$rc" -eq 130 ] || fail "exit code $rc, expected 130 (interrupted)"
[ "$took_ms" -lt 3000 ] || fail "took ${took_ms} ms to stop after SIGTERM"
leftover=$(ls -A "$work/state")
[ -z "$leftover" ] || fail "state records left behind: $leftover"
echo "ok: exit 130 ${took_ms} ms after SIGTERM, nothing left"
