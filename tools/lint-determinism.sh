#!/usr/bin/env bash
# The determinism lint: code in api/ and cluster/ reaches time, randomness, threads and the
# network only through the runtime interface (docs: DESIGN.md section 2), so that the same
# code runs deterministically in the simulator. This fails on any of, outside comments:
#   - a std::chrono clock (system_clock, steady_clock, high_resolution_clock; `now()` of the
#     runtime clock is the only time there is);
#   - a real sleep: std::this_thread::sleep_for/until, sleep(), usleep(), nanosleep();
#   - OS or global randomness: std::random_device, rand(), srand(), getrandom();
#   - a thread: std::thread, std::jthread, pthread_create, std::async;
#   - any Boost (Asio, and Boost.Fiber whose timed waits read the real steady clock):
#     `#include <boost/...>` or `boost::`.
# std::this_thread::yield() stays allowed: it reads no clock (the spinlock backs off with it).
# Usage: tools/lint-determinism.sh [DIR...] (default: api cluster). Exits 1 on a finding.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dirs=("$@")
if ((${#dirs[@]} == 0)); then
  dirs=(api cluster)
fi

# One extended regular expression per rule, with the message printed for a hit.
rules=(
  '\b(system|steady|high_resolution)_clock\b|a std::chrono clock: use the runtime clock'
  '\bthis_thread::sleep_(for|until)\b|a real sleep: use the runtime clock and timers'
  '(^|[^_[:alnum:].>:])(sleep|usleep|nanosleep|clock_nanosleep)[[:space:]]*\(|a libc sleep: use the runtime clock and timers'
  '\brandom_device\b|OS randomness: use the runtime entropy'
  '(^|[^_[:alnum:].>:])(rand|srand|rand_r|random|getrandom|arc4random)[[:space:]]*\(|global randomness: use the runtime entropy'
  '\bstd::j?thread\b|a thread: use the runtime executor'
  '\b(pthread_create|std::async)\b|a thread: use the runtime executor'
  '#[[:space:]]*include[[:space:]]*[<"]boost/|a Boost include (Asio, Fiber): only the backends use Boost'
  '\bboost::|a Boost name (Asio, Fiber): only the backends use Boost'
)

findings=0
while IFS= read -r file; do
  # Blank out // comments (the rules name what they ban in prose too), keeping line numbers.
  stripped=$(sed -E 's@//.*$@@' "$file")
  for rule in "${rules[@]}"; do
    pattern=${rule%|*}
    message=${rule##*|}
    while IFS=: read -r line text; do
      [[ -z "$line" ]] && continue
      echo "$file:$line: $message: ${text#"${text%%[![:space:]]*}"}"
      findings=$((findings + 1))
    done < <(grep -nE -- "$pattern" <<<"$stripped" || true)
  done
done < <(git ls-files -- "${dirs[@]/%//*.hpp}" "${dirs[@]/%//*.cpp}")

if ((findings != 0)); then
  echo "lint-determinism: $findings finding(s) in ${dirs[*]}"
  exit 1
fi
echo "lint-determinism: ${dirs[*]} clean"
