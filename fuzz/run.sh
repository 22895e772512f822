#!/usr/bin/env bash
# Builds the fuzz targets with clang and runs each for a short time over its committed corpus
# (fuzz/corpus/<target>); new interesting inputs go to a temporary directory, not into the repository.
# Usage: fuzz/run.sh [seconds per target, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
CXX=clang++ cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build-fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in request_head submit_options worker_bodies progress_line; do
  mkdir -p "$work/$target"
  echo "fuzz_$target: ${seconds}s"
  build-fuzz/fuzz_$target -max_total_time="$seconds" -max_len=16384 -print_final_stats=0 \
    -artifact_prefix="$work/$target-" "$work/$target" "fuzz/corpus/$target" 2>"$work/$target.log" || {
    tail -50 "$work/$target.log"
    cp "$work/$target-"* fuzz/ 2>/dev/null || true
    echo "fuzz_$target found a crash; the input is in fuzz/" >&2
    exit 1
  }
  grep -E '^#[0-9]+.*DONE' "$work/$target.log" | tail -1 || true
done
