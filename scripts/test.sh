#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every test through ctest
# (unit, CLI, integration: real HTTP on loopback, podman, qemu). Extra args go to ctest,
# e.g. scripts/test.sh -L unit   or   scripts/test.sh -R engine
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
cd build
exec ctest --output-on-failure --timeout 900 "$@"
