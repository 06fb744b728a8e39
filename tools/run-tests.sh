#!/usr/bin/env bash
# Sets up, builds and runs the test suite: the format, determinism and layering checks, the
# `release` preset and its header self-containment check, then the `asan` preset
# (AddressSanitizer + UndefinedBehaviorSanitizer) and the `tsan` preset (ThreadSanitizer, asio
# tests only), unless RACTOR_SKIP_SANITIZERS=1 (or RACTOR_SKIP_TSAN=1 for the last); after the
# release tests, the wire fuzzer for RACTOR_FUZZ_SECONDS (default 60, 0 skips it).
# Prints a summary and exits non-zero if any step failed.
# Extra arguments are passed to every ctest run (for example `-R '^sim\.'`).
set -uo pipefail  # no -e: a failing step is recorded and the summary still printed

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

source tools/ccache-env.sh

summary=()
failed_steps=0
tests_passed=0
tests_failed=0
start_all=$EPOCHSECONDS

# Runs one step, timing it and adding a line to the summary. Returns the step's status.
step() {
  local name=$1
  shift
  local start=$EPOCHSECONDS
  echo
  echo "==> $name: $*"
  "$@"
  local status=$?
  local elapsed=$((EPOCHSECONDS - start))
  local verdict="ok"
  if ((status != 0)); then
    verdict="FAILED ($status)"
    failed_steps=$((failed_steps + 1))
  fi
  summary+=("$(printf '%-20s %-12s %5ds%s' "$name" "$verdict" "$elapsed" "${step_note:-}")")
  step_note=""
  return "$status"
}

# ctest for one preset, keeping its output to read the pass/fail counts from.
run_ctest() {
  local preset=$1
  shift
  local log="build/$preset/ctest.log"
  ctest --preset "$preset" "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  local counts
  counts=$(sed -nE 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1 \2/p' "$log" | tail -n 1)
  if [[ -n "$counts" ]]; then
    local failed=${counts% *} total=${counts#* }
    tests_failed=$((tests_failed + failed))
    tests_passed=$((tests_passed + total - failed))
    step_note="   ($((total - failed)) passed, $failed failed)"
  fi
  return "$status"
}

# Configures, builds and tests one preset. Returns 2 if configure or build failed, 1 if
# only tests failed.
run_preset() {
  local preset=$1
  shift
  step "$preset configure" cmake --preset "$preset" || return 2
  step "$preset build" cmake --build --preset "$preset" || return 2
  step "$preset test" run_ctest "$preset" "$@" || return 1
}

step "setup" tools/setup.sh
setup_status=$?
# The conventions as checks: each is quick and independent of the build.
step "format" tools/check-format.sh
step "determinism lint" tools/lint-determinism.sh
step "layering" tools/check-layering.sh
if ((setup_status == 0)); then
  run_preset release "$@"
  release_status=$?
  # Every public header compiles on its own (one generated unit per header).
  if ((release_status != 2)); then
    step "release headers" cmake --build --preset release --target ractor_header_check
  fi
  # The wire fuzzer for a bounded time (RACTOR_FUZZ_SECONDS, default 60; 0 skips it).
  if [[ "${RACTOR_FUZZ_SECONDS:-60}" != 0 ]]; then
    step "fuzz wire" tests/fuzz/run.sh "${RACTOR_FUZZ_SECONDS:-60}"
  fi
  if [[ "${RACTOR_SKIP_SANITIZERS:-0}" == 1 ]]; then
    summary+=("$(printf '%-20s %s' "asan" "skipped (RACTOR_SKIP_SANITIZERS=1)")")
  elif ((release_status == 2)); then
    summary+=("$(printf '%-20s %s' "asan" "skipped (the release build failed)")")
  else
    run_preset asan "$@"
  fi
  # ThreadSanitizer over the asio backend's tests and the asio conformance suites (its test
  # preset selects them; TSan cannot follow the simulator's fiber switches).
  if [[ "${RACTOR_SKIP_SANITIZERS:-0}" == 1 || "${RACTOR_SKIP_TSAN:-0}" == 1 ]]; then
    summary+=("$(printf '%-20s %s' "tsan" "skipped")")
  elif ((release_status != 2)); then
    run_preset tsan "$@"
  fi
fi

echo
echo "==> summary"
printf '%s\n' "${summary[@]}"
printf '%-20s %-12s %5ds\n' "total" "" "$((EPOCHSECONDS - start_all))"
if ((failed_steps != 0)); then
  echo "run-tests: $failed_steps step(s) FAILED"
fi
echo "run-tests: $tests_passed passed, $tests_failed failed"
((failed_steps == 0))
