#!/usr/bin/env bash
# Configures (once) and builds deploybench. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args]
# Re-running is cheap: ninja rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
shift || true
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDEPLOYBENCH_WERROR=ON "$@"
fi
cmake --build "$BUILD_DIR" -j "$(nproc)"
