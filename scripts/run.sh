#!/usr/bin/env bash
# Installs what is missing, builds replyd and runs it on the embedded SQLite store (./replyd-data) with
# the demo workers, on http://127.0.0.1:8080. Extra arguments go to `replyd serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh run
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREPLYD_TESTS=OFF -DREPLYD_BENCH=OFF >/dev/null
ninja -C build replyd
exec build/replyd serve --demo --store sqlite:replyd-data/replyd.db --listen 127.0.0.1:8080 "$@"
