#!/usr/bin/env bash
# `deploybench run` whose target dies in the middle of its first cell: the cell fails naming how
# the target ended (not only "99% connect errors", exit 0), stops loading it, keeps what it measured, the next cell
# of that deployment fails at once without load, nothing is left behind, and the run exits 1.
# Usage: target_dies.sh DEPLOYBENCH REFBOT SCENARIO WORK_DIR
set -u
deploybench=$1 refbot=$2 scenario=$3 work=$4
rm -rf "$work"
mkdir -p "$work/state"
export DEPLOYBENCH_STATE_DIR="$work/state" DEPLOYBENCH_TEST_REFBOT="$refbot"
"$deploybench" run "$scenario" --out "$work/out" --run-id dies >"$work/stdout" 2>"$work/stderr"
rc=$?
cat "$work/stdout" "$work/stderr"
fail() { echo "FAIL: $*"; exit 1; }
[ "$rc" -eq 1 ] || fail "exit code $rc, expected 1 (a cell failed)"
results="$work/out/dies/results.json"
[ -f "$results" ] || fail "no $results"
python3 - "$results" <<'PY' || fail "results.json does not record the target's death"
import json, sys
cells = json.load(open(sys.argv[1]))["cells"]
assert len(cells) == 2, len(cells)
first, second = cells
assert "target 'dying' stopped during cell " + first["cell_id"] + ": 'dying' exited with status 137" in first["error"], first["error"]
assert first["metrics"]["completed"] > 0, "the measured requests were lost"
# The load stops when the target is found dead (polled every 50 ms), not at the end of its 3 s
# window: before, a dead refbot took ~49,000 refused connections in this cell.
assert first["metrics"]["duration_s"] < 3.0, first["metrics"]["duration_s"]
assert second["error"] == first["error"].split("\n")[0] or second["error"] == first["error"], second["error"]
assert second["metrics"]["requests"] == 0, "load was driven at a dead target"
PY
leftover=$(ls -A "$work/state")
[ -z "$leftover" ] || fail "state records left behind: $leftover"
pgrep -f "$refbot serve --port" >/dev/null && fail "a refbot is still running"
echo "ok: exit 1, the target's death named, measured requests kept, nothing left"
