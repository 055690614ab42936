#!/usr/bin/env bash
# The quickstart: install what is missing, build (Release), and run scenarios/quickstart.yaml on
# the local target. Prints a table per cell and writes results/<run-id>/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
exec build/apps/deploybench/deploybench run scenarios/quickstart.yaml "$@"
