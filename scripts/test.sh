#!/usr/bin/env bash
# Installs what is missing, builds replyd and runs the whole test suite: unit tests, the store contract
# suite on SQLite and PostgreSQL, black-box tests against the real binary, browser tests, the same
# tests under AddressSanitizer + UndefinedBehaviorSanitizer, and a short run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

step() { printf '\n==> %s\n' "$*"; }

step "setup"
scripts/setup.sh test

step "source checks"
scripts/check_sources.py

step "build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build

step "PostgreSQL server for the tests"
source scripts/test_postgres.sh

step "tests"
ctest --test-dir build --output-on-failure -j "$jobs"

step "build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DREPLYD_SANITIZE=ON -DREPLYD_BENCH=OFF >/dev/null
ninja -C build-asan

step "tests under sanitizers"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE browser

if [[ -x fuzz/run.sh ]]; then
  step "fuzzing (short runs over the committed corpus)"
  fuzz/run.sh
fi

step "all tests passed"
