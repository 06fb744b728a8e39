#!/usr/bin/env bash
# Installs the Debian packages that building and testing ractor-cpp needs.
# Idempotent: when every package is already installed it touches neither apt nor the network.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache
  libboost1.81-dev libboost-fiber1.81-dev libboost-context1.81-dev
  catch2 librapidcheck-dev nlohmann-json3-dev libssl-dev libcli11-dev libfmt-dev
  # libFuzzer (clang's runtime) for tests/fuzz
  clang libclang-rt-14-dev
  # tools/check-format.sh: clang-format and clang-format-diff over the changed lines
  clang-format
  # headless Chromium: sim.export_render checks that the HTML trace export really renders
  chromium
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
  as_root=(sudo)
fi
"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
echo "setup: done"
