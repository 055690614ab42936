#!/usr/bin/env bash
# `deploybench run` whose output pipe closes mid-cell (as `| head` does): the harness must not die
# of SIGPIPE. It stops the load, tears its target down (no state record left), keeps the cell it
# was measuring in results.json (status "interrupted") and exits 130.
# Usage: broken_pipe.sh DEPLOYBENCH SCENARIO WORK_DIR
set -u
deploybench=$1 scenario=$2 work=$3
rm -rf "$work"
mkdir -p "$work/state"
export DEPLOYBENCH_STATE_DIR="$work/state"
# The reader leaves one second into the first cell.
"$deploybench" run "$scenario" --out "$work/out" --run-id pipe 2>&1 | while read -r line; do
  echo "read: $line"
  case $line in "[1/"*) sleep 1 && break ;; esac
done
rc=${PIPESTATUS[0]}
fail() { echo "FAIL: $*"; exit 1; }
[ "$rc" -eq 130 ] || fail "exit code $rc, expected 130 (interrupted)"
leftover=$(ls -A "$work/state")
[ -z "$leftover" ] || fail "state records left behind: $leftover"
results="$work/out/pipe/results.json"
[ -f "$results" ] || fail "no $results"
grep -q '"status": "interrupted"' "$results" || fail "results.json does not say interrupted"
grep -q 'interrupted before the measured window ended' "$results" || fail "the cut cell is not in results.json"
echo "ok: exit 130, target torn down, the cut cell kept"
