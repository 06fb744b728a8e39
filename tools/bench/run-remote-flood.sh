#!/usr/bin/env bash
# Overload on the wire: one ractor-node floods another with remote casts for SECONDS while
# the receiver's service burns TICK_US of CPU per message behind a mailbox of MAILBOX (0:
# unbounded). Prints the client's RESULT line (casts told ok, delivered, lost, pushed back,
# node downs, its peak RSS) and the receiver's peak RSS, read from outside.
#
#   tools/bench/run-remote-flood.sh                         # 50 us per tick, mailbox 1000, 10 s
#   TICK_US=50 MAILBOX=0 SECONDS_=10 tools/bench/run-remote-flood.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
node=${NODE:-$root/build/release/tools/ractor-node/ractor-node}
tick_us=${TICK_US:-50}
mailbox=${MAILBOX:-1000}
seconds=${SECONDS_:-10}
[[ -x "$node" ]] || cmake --build --preset release --target ractor-node

work=$(mktemp -d)
server=""
cleanup() {
  exec 3>&- 2>/dev/null || true  # ractor-node serves until its standard input closes
  [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/in"
"$node" serve --name flood-receiver --cookie "flood-$$" --tick-cost-us "$tick_us" --mailbox "$mailbox" \
  <"$work/in" >"$work/out" 2>&1 &
server=$!
exec 3>"$work/in"
for _ in $(seq 100); do grep -q '^listening ' "$work/out" && break; sleep 0.1; done
address=$(awk '/^listening /{print $2; exit}' "$work/out")

"$node" bench --connect "$address" --cookie "flood-$$" --workload remote_flood --seconds "$seconds"
echo "RECEIVER tick_cost_us=$tick_us mailbox=$mailbox peak_rss_kb=$(awk '/VmHWM/{print $2}' "/proc/$server/status")"
