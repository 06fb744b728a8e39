#!/usr/bin/env bash
# Runs ractor-bench side by side with the peer systems of ../shared/peers (Erlang/OTP, CAF),
# interleaved so that the machine's drift hits every system alike: for each round, for each
# workload, Erlang, then CAF, then ractor-cpp. Every RESULT line goes to one raw file; at the
# end the script prints the medians per system and a table of our ratio to the best peer.
#
#   tools/bench/run-with-peers.sh                      # 3 rounds (about 2-3 minutes + build)
#   RUNS=5 tools/bench/run-with-peers.sh               # more rounds
#   SKIP_APT=1 tools/bench/run-with-peers.sh           # peer packages already installed
#   WORKLOADS="pingpong call" tools/bench/run-with-peers.sh   # a subset
#   THREADS=4 tools/bench/run-with-peers.sh            # workers for all three (default 2)
#   SIM=0 tools/bench/run-with-peers.sh                # skip the simulator rows
#   REBUILD=1 tools/bench/run-with-peers.sh            # rebuild ractor-bench even if present
#   BENCH=/path/to/ractor-bench tools/bench/run-with-peers.sh # use another (release) build
#   SUMMARY_ONLY=1 RAW=file tools/bench/run-with-peers.sh     # re-summarise saved lines
#   HOG=1 tools/bench/run-with-peers.sh                # contention: one busy loop per core
#                                                      # beside every system's run, alike for all
#
# Peers are built with ../shared/peers/run.sh (RUNS=0: build only) into OUT/peers, so
# nothing is written into ../shared. OUT defaults to build/bench-peers; the raw lines go to
# OUT/raw-<date>.txt unless RAW is set. When /usr/bin/time is installed, every run (ours
# included) gets maxrss_kb= appended: the peak RSS measured from outside (ru_maxrss at exit),
# the one memory figure taken the same way for all systems. ractor-bench also prints its
# own peak_rss_kb (VmHWM read in-process just before it exits).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
peers=${PEERS:-$root/../shared/peers}
OUT=${OUT:-$root/build/bench-peers}
RUNS=${RUNS:-3}
THREADS=${THREADS:-2}
SIM=${SIM:-1}
WORKLOADS=${WORKLOADS:-"pingpong fanin skynet call idle timers"}
LIMIT=${LIMIT:-300}  # seconds before one run counts as hung
HOG=${HOG:-0}
bench=${BENCH:-$root/build/release/tools/bench/ractor-bench}

RAW=${RAW:-$OUT/raw-$(date +%Y%m%d-%H%M%S).txt}

# ---- summary ---------------------------------------------------------------------------

# Medians per (system, workload, key), then our ratio to the best peer for each headline
# metric. Like run.sh, each metric's median is taken on its own.
summarize() {
  awk -v ours=ractor-cpp '
    function median(list,   n, v, i, j, t) {
      n = split(list, v, " ")
      for (i = 2; i <= n; i++) {  # insertion sort, numeric
        t = v[i] + 0
        for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]
        v[j + 1] = t
      }
      if (n == 0) return ""
      if (n % 2) return v[(n + 1) / 2] + 0
      return (v[n / 2] + v[n / 2 + 1]) / 2
    }
    function keys_of(w) {
      if (w == "pingpong") return "rt_per_s ns_per_rt"
      if (w == "fanin") return "msgs_per_s total_ms"
      if (w == "skynet") return "total_ms"
      if (w == "call" || w == "call_async") return "calls_per_s ns_per_call"
      if (w == "idle") return "bytes_per_actor_rss bytes_per_actor_vm_processes"
      if (w == "timers") return "total_ms mean_late_us max_late_us schedule_ms"
      return ""
    }
    function num(x) {
      if (x == "") return "-"
      if (x >= 100) return sprintf("%.0f", x)
      return sprintf("%.3g", x)
    }
    /^FAILED/ { failed[++nfailed] = $0; next }
    /^RESULT/ {
      sys = ""; w = ""
      for (i = 2; i <= NF; i++) {
        k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v)
        if (k == "system") sys = v
        else if (k == "workload") w = v
      }
      id = sys SUBSEP w
      if (!(id in runs)) { order[++nids] = id }
      runs[id]++
      for (i = 2; i <= NF; i++) {
        k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v)
        if (k == "trace_hash") { if (index(hashes[id], v) == 0) hashes[id] = hashes[id] " " v; continue }
        vals[id, k] = vals[id, k] " " v
      }
    }
    END {
      printf "%-16s %-11s %4s  %s\n", "system", "workload", "runs", "medians"
      for (o = 1; o <= nids; o++) {
        split(order[o], p, SUBSEP); sys = p[1]; w = p[2]
        ks = keys_of(w)
        if (sys ~ /-sim$/) ks = "msgs_per_s total_ms steps"
        ks = ks " peak_rss_kb maxrss_kb"
        line = ""
        n = split(ks, kk, " ")
        for (j = 1; j <= n; j++) {
          if ((order[o], kk[j]) in vals) {
            m = median(vals[order[o], kk[j]])
            med[order[o], kk[j]] = m
            line = line " " kk[j] "=" num(m)
          }
        }
        if (order[o] in hashes) line = line " trace_hash=" substr(hashes[order[o]], 2)
        printf "%-16s %-11s %4d %s\n", sys, w, runs[order[o]], line
      }
      for (f = 1; f <= nfailed; f++) print failed[f]

      print ""
      print "ractor-cpp against the best peer (median vs median; ratio = ours / best peer)"
      printf "%-9s %-20s %-7s %12s %12s %-25s %7s  %s\n", "workload", "metric", "better", "ractor-cpp", "best peer", "(system)", "ratio", "verdict"
      nm = split("pingpong:ns_per_rt:lower fanin:msgs_per_s:higher skynet:total_ms:lower call:ns_per_call:lower idle:bytes_per_actor_rss:lower timers:total_ms:lower timers:mean_late_us:lower timers:max_late_us:lower pingpong:maxrss_kb:lower fanin:maxrss_kb:lower skynet:maxrss_kb:lower call:maxrss_kb:lower idle:maxrss_kb:lower timers:maxrss_kb:lower", metrics, " ")
      for (j = 1; j <= nm; j++) {
        split(metrics[j], q, ":"); w = q[1]; k = q[2]; dir = q[3]
        if (!((ours SUBSEP w, k) in med)) continue
        mine = med[ours SUBSEP w, k]
        best = ""; bsys = ""
        for (o = 1; o <= nids; o++) {
          split(order[o], p, SUBSEP)
          if (p[1] == ours || p[1] ~ /-sim$/) continue
          # CAF runs the call workload twice: blocking (call) and event-based (call_async).
          if (p[2] != w && !(w == "call" && p[2] == "call_async")) continue
          if (!((order[o], k) in med)) continue
          v = med[order[o], k]
          label = p[1]; if (p[2] != w) label = label "/" p[2]
          if (best == "" || (dir == "lower" && v < best) || (dir == "higher" && v > best)) { best = v; bsys = label }
        }
        if (best == "" || best == 0 || mine == 0) continue
        r = mine / best
        good = (dir == "lower") ? (r <= 1) : (r >= 1)
        factor = (r >= 1) ? r : 1 / r
        verdict = sprintf("%.2fx %s", factor, good ? "better" : "worse")
        if (factor < 1.05) verdict = "on par"
        printf "%-9s %-20s %-7s %12s %12s %-25s %7.2f  %s\n", w, k, dir, num(mine), num(best), "(" bsys ")", r, verdict
      }
    }' "$1"
}

if [ "${SUMMARY_ONLY:-0}" = 1 ]; then
  summarize "$RAW"
  exit 0
fi
mkdir -p "$OUT"

# ---- build -------------------------------------------------------------------------------

echo "==> building the peers with $peers/run.sh into $OUT/peers"
BUILD="$OUT/peers" RAW="$OUT/peers/build-only.txt" RUNS=0 SKIP_APT="${SKIP_APT:-0}" \
  "$peers/run.sh" >"$OUT/peers-build.log" 2>&1 || {
  cat "$OUT/peers-build.log" >&2
  exit 1
}
erlang_dir=$OUT/peers/erlang
cbench=$OUT/peers/caf/cbench

if [ -z "${BENCH:-}" ] && { [ ! -x "$bench" ] || [ "${REBUILD:-0}" = 1 ]; }; then
  echo "==> building ractor-bench (release)"
  cd "$root"
  if cmake --list-presets 2>/dev/null | grep -q '"release"'; then
    cmake --preset release >/dev/null
    cmake --build --preset release --target ractor-bench
  else
    cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build/release -j2 --target ractor-bench
  fi
fi

if [ ! -x "$bench" ]; then
  echo "run-with-peers: $bench is missing" >&2
  exit 1
fi

# ---- runs --------------------------------------------------------------------------------

# never drop erl_crash.dump into the tree
export ERL_CRASH_DUMP="$(mktemp -d)/erl_crash.dump"
have_time=0
[ -x /usr/bin/time ] && have_time=1

# With HOG=1, one busy-loop process per core runs for the whole of every run: the systems then
# compete with other runnable threads for the CPU, as on a shared machine, and each gets the
# same competition. The hogs run at normal priority, like the builds of a busy CI machine.
hogs=()
start_hogs() {
  [ "$HOG" = 1 ] || return 0
  local i
  for i in $(seq "$(nproc)"); do
    bash -c 'while :; do :; done' &
    hogs+=($!)
  done
}
stop_hogs() {
  [ "${#hogs[@]}" -gt 0 ] || return 0
  kill "${hogs[@]}" 2>/dev/null || true
  wait "${hogs[@]}" 2>/dev/null || true
  hogs=()
}
trap stop_hogs EXIT

# run_one LABEL COMMAND...: appends the command's RESULT line (with maxrss_kb= added) to the
# raw file, or a FAILED line.
run_one() {
  local label=$1 out status=0 rss="" lines
  shift
  local rssfile="$OUT/last-rss.txt"
  start_hogs
  if [ "$have_time" = 1 ]; then
    out=$(timeout "$LIMIT" /usr/bin/time -o "$rssfile" -f '%M' "$@" 2>"$OUT/last-stderr.txt") || status=$?
    rss=$(tail -n 1 "$rssfile" 2>/dev/null || true)
  else
    out=$(timeout "$LIMIT" "$@" 2>"$OUT/last-stderr.txt") || status=$?
  fi
  stop_hogs
  lines=$(grep '^RESULT' <<<"$out" || true)
  if [ "$status" -eq 0 ] && [ -n "$lines" ]; then
    [[ "$rss" =~ ^[0-9]+$ ]] && lines="$lines maxrss_kb=$rss"
    [ "$HOG" = 1 ] && lines="$lines hog=$(nproc)"
    echo "$lines" | tee -a "$RAW"
  else
    echo "FAILED: $label (exit $status): $(tail -n 3 "$OUT/last-stderr.txt" | tr '\n' ' ')" | tee -a "$RAW"
  fi
}

echo "==> $RUNS rounds of: $WORKLOADS (threads=$THREADS, hog=$HOG); raw lines: $RAW"
touch "$RAW"
for r in $(seq "$RUNS"); do
  # the load average goes into the raw file: other work on the machine skews every number
  echo "# round $r/$RUNS $(date -Is) loadavg $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RAW"
  for w in $WORKLOADS; do
    eflags=(+S "$THREADS:$THREADS")
    # skynet keeps >262144 processes alive at once: raise the process limit
    [ "$w" = skynet ] && eflags+=(+P 4000000)
    run_one "erlang $w" erl "${eflags[@]}" -noshell -pa "$erlang_dir" -run abench main "$w"
    run_one "caf $w" "$cbench" "$w" --scheduler.max-threads="$THREADS"
    # CAF's like-for-like call is the event-based one; its blocking call is kept for reference.
    [ "$w" = call ] && run_one "caf call_async" "$cbench" call_async --scheduler.max-threads="$THREADS"
    run_one "ractor-cpp $w" "$bench" "$w" --threads "$THREADS"
    if [ "$SIM" = 1 ] && { [ "$w" = pingpong ] || [ "$w" = fanin ]; }; then
      run_one "ractor-cpp-sim $w" "$bench" "$w" --backend sim --seed 1
    fi
  done
done

echo
echo "Medians of all runs in $RAW ($(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'))"
summarize "$RAW"
