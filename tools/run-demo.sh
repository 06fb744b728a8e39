#!/usr/bin/env bash
# Sets up, builds the `release` preset and runs the demo, which shows the same actors on the
# simulator and on the real runtime. Arguments are passed to the demo.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source tools/ccache-env.sh

tools/setup.sh
cmake --preset release
# Build only the demo (and what it needs) when the build defines it; the test suite is not needed.
targets=$(cmake --build --preset release --target help)
if grep -q '^ractor-demo:' <<<"$targets"; then
  cmake --build --preset release --target ractor-demo
fi

for demo in build/release/tools/ractor-demo build/release/tools/demo/ractor-demo; do
  if [[ -x "$demo" ]]; then
    exec "$demo" "$@"
  fi
done
echo "run-demo: ractor-demo was not built: this checkout defines no ractor-demo target" >&2
exit 1
