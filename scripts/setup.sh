#!/usr/bin/env bash
# Installs every Debian 12 package replyd needs to build, run and test, skipping what is present.
# Usage: scripts/setup.sh [run|test]   (test also installs what the test suite needs)
set -euo pipefail

purpose=${1:-run}

packages=(
  g++ cmake ninja-build ccache pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libssl-dev libspdlog-dev libfmt-dev libcli11-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
if [[ $purpose == test ]]; then
  packages+=(
    python3                              # scripts/check_sources.py
    postgresql-15                        # a real server for the PostgreSQL store tests
    clang libclang-rt-14-dev             # libFuzzer targets
    chromium                             # browser tests of the dashboard and demo pages
  )
  # Node.js may come from elsewhere than Debian (NodeSource bundles npm into its nodejs package, which
  # conflicts with Debian's npm): only ask apt for what is not already on the PATH.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ $purpose == test && -f tests/browser/package.json && ! -d tests/browser/node_modules ]]; then
  echo "setup: installing the browser test packages (npm)"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
