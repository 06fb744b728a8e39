#!/usr/bin/env bash
# Remote messaging between two node processes on loopback, ractor-cpp's cluster beside
# Erlang distribution (two `erl -sname` nodes), interleaved round by round:
#   remote_cast: 1,000,000 one-way messages to a remote actor, then one call that proves
#                every message was handled; messages per second.
#   remote_call: 100,000 sequential request/reply calls to a remote actor; ns per call.
# Both sides run the client loop inside an actor/process and 2 scheduler threads per node.
#
#   tools/bench/run-remote-with-peers.sh             # 3 rounds
#   RUNS=5 tools/bench/run-remote-with-peers.sh
#   NODE=/path/to/ractor-node tools/bench/run-remote-with-peers.sh
#   SUMMARY_ONLY=1 RAW=file tools/bench/run-remote-with-peers.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$root/build/bench-peers}
RUNS=${RUNS:-3}
node=${NODE:-$root/build/release/tools/ractor-node/ractor-node}
RAW=${RAW:-$OUT/raw-remote-$(date +%Y%m%d-%H%M%S).txt}
cookie=bench-$$

summarize() {
  awk '
    function median(list,   n, v, i, j, t) {
      n = split(list, v, " ")
      for (i = 2; i <= n; i++) {
        t = v[i] + 0
        for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]
        v[j + 1] = t
      }
      if (n % 2) return v[(n + 1) / 2] + 0
      return (v[n / 2] + v[n / 2 + 1]) / 2
    }
    /^RESULT/ {
      sys = ""; w = ""
      for (i = 2; i <= NF; i++) {
        split($i, kv, "=")
        if (kv[1] == "system") sys = kv[2]
        else if (kv[1] == "workload") w = kv[2]
        else vals[sys, w, kv[1]] = vals[sys, w, kv[1]] " " kv[2]
      }
    }
    END {
      printf "%-12s %-16s %14s %14s %8s\n", "workload", "metric", "ractor-cpp", "erlang-dist", "ratio"
      split("remote_cast msgs_per_s;remote_call ns_per_call", rows, ";")
      for (r in rows) {
        split(rows[r], f, " ")
        ours = median(vals["ractor-cpp", f[1], f[2]]); theirs = median(vals["erlang-dist", f[1], f[2]])
        printf "%-12s %-16s %14.0f %14.0f %8.2f\n", f[1], f[2], ours, theirs, (theirs > 0 ? ours / theirs : 0)
      }
    }' "$1"
}

if [[ -n "${SUMMARY_ONLY:-}" ]]; then summarize "$RAW"; exit 0; fi

mkdir -p "$OUT/erlang"
[[ -x "$node" ]] || cmake --build --preset release --target ractor-node
erlc -o "$OUT/erlang" "$root/tools/bench/erlang/rdist.erl"

server_pids=()
cleanup() {
  exec 3>&-  # ractor-node serves until its standard input closes
  for p in "${server_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -f "$OUT/remote-server.in"
}
trap cleanup EXIT

# One ractor-node server, its standard input a fifo this script holds open, and one Erlang server.
rm -f "$OUT/remote-server.in" && mkfifo "$OUT/remote-server.in"
"$node" serve --name bench-server --cookie "$cookie" <"$OUT/remote-server.in" >"$OUT/remote-server.out" &
server_pids+=($!)
exec 3>"$OUT/remote-server.in"
erl -sname rdist_server -setcookie "$cookie" -noshell -pa "$OUT/erlang" -run rdist server &
server_pids+=($!)
for _ in $(seq 100); do grep -q '^listening ' "$OUT/remote-server.out" && break; sleep 0.1; done
address=$(awk '/^listening /{print $2; exit}' "$OUT/remote-server.out")
host=$(hostname -s)

: >"$RAW"
for round in $(seq "$RUNS"); do
  for w in remote_cast remote_call; do
    erl -sname "rdist_client_$round" -setcookie "$cookie" -noshell -pa "$OUT/erlang" \
      -run rdist client "rdist_server@$host" "$w" | tee -a "$RAW"
    "$node" bench --connect "$address" --cookie "$cookie" --workload "$w" | tee -a "$RAW"
  done
done
echo
echo "medians of $RUNS rounds (raw lines: $RAW); ratio = ractor-cpp / erlang-dist"
summarize "$RAW"
