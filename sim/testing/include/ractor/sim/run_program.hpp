#pragma once
/// \file
/// Running a program once on a fresh world: the strategy, the budgets and what happened.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ractor/runtime/time.hpp>
#include <ractor/sim/assertion_tally.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/fault_tally.hpp>
#include <ractor/sim/program.hpp>
#include <ractor/sim/recorded_event.hpp>

namespace ractor::sim {

/// Which scheduling strategy a run uses.
enum class strategy_kind : std::uint8_t {
    random,  ///< `random_strategy`: uniform choice among the ready candidates
    pct,     ///< `pct_strategy`: random priorities with `depth - 1` change points
};

/// The name of a strategy kind: "random" or "pct".
const char* to_string(strategy_kind k) noexcept;

/// How to run a program once. Everything that affects the run is here, so that these
/// options and the program name reproduce it (`reproduce_command`).
struct run_options {
    std::uint64_t seed = 1;
    strategy_kind strategy = strategy_kind::random;
    /// PCT only: the bug depth it targets (1: priorities only, no change point).
    unsigned depth = 3;
    /// PCT only: the picks over which change points are spread; 0: measure it with one
    /// calibration run of the program (random strategy, seed 0) first.
    std::uint64_t pct_steps = 0;
    /// Steps after which the run fails as a livelock; 0: unlimited.
    std::uint64_t max_steps = 10'000'000;
    /// Virtual time after which the run fails; zero: unlimited.
    duration max_virtual_time{0};
    /// Keep every recorded event in the report (needed for traces and the self-check).
    bool keep_events = true;
    /// Messages one actor processes before it yields (`world_options::batch_budget`).
    std::size_t batch_budget = 1;
    /// Fault intensity in [0, 1] (swarm draws it per seed). Without `configure`, a rate above
    /// 0 adds the rules of `swarm_fault_plan(seed, fault_rate)` to `plan`.
    double fault_rate = 0.0;
    /// The fault plan applied to the fresh world before the program starts (so before it adds
    /// its nodes), unless `configure` is set. A plan the world rejects fails the run.
    std::optional<fault_plan> plan;
    /// The file `plan` was read from, named in `reproduce_command`; empty for a plan built
    /// in code (which a command line cannot reproduce).
    std::string plan_file;
    /// Called on the fresh world before the program instead of applying `plan` and
    /// `fault_rate`, e.g. to install a fault plan of its own drawn from `seed`. Optional.
    std::function<void(world&, const run_options&)> configure;
};

/// How a run ended.
enum class run_outcome : std::uint8_t {
    passed,  ///< the program returned
    /// The program threw (an invariant or an actor error), or it returned but an `always`
    /// assertion site was false or an `unreachable` one was hit.
    failed,
    deadlock,     ///< quiescent while a caller still waited (`deadlock_error`)
    step_budget,  ///< more than `max_steps` steps (`step_budget_exceeded`)
    time_budget,  ///< virtual time past `max_virtual_time` (`time_budget_exceeded`)
};

/// The name of an outcome, e.g. "deadlock".
const char* to_string(run_outcome o) noexcept;

/// What one run did.
struct run_report {
    run_options options;  ///< as given, with `pct_steps` filled in after calibration
    run_outcome outcome = run_outcome::passed;
    std::string message;              ///< the exception text when not passed
    std::uint64_t trace_hash = 0;     ///< the world's hash at the end of the run
    std::uint64_t steps = 0;          ///< world steps, including the shutdown after a failure
    std::int64_t virtual_ns = 0;      ///< the world's virtual time at the end
    std::uint64_t event_count = 0;    ///< events kept (0 unless `keep_events`)
    /// Events recorded when the failure was raised (so `events[0, failure_at)` is the trace
    /// up to the failure and the rest is the unwinding); `event_count` when passed.
    std::size_t failure_at = 0;
    double wall_seconds = 0;          ///< real time the run took (not part of the result)
    std::vector<recorded_event> events;  ///< every event if `keep_events`
    std::vector<std::string> node_names;  ///< node id i is `node_names[i - 1]`
    std::vector<fault_tally> faults;      ///< how often each applied plan entry fired
    std::vector<assertion_tally> assertions;  ///< the assertion sites the run hit, by site id

    bool passed() const noexcept { return outcome == run_outcome::passed; }
};

/// Runs `p` once on a fresh world made from `opts` and reports how it ended; never throws
/// for what the program does (any exception it lets out becomes the outcome).
///
/// Budgets are enforced by the runner's scheduler: it raises the failure once, at the step
/// that crosses the budget, and then lets the unwinding program shut its actors down.
run_report run_program(const program& p, const run_options& opts);

/// The last `n` events up to the failure point of `r`, one `to_string` line each, indented.
std::string trace_tail(const run_report& r, std::size_t n = 20);

/// How often each applied plan entry fired, one indented line per entry after a heading
/// ("plan 1 kills[0] (kill): fired 0 times"); empty when no plan was applied.
std::string fault_summary(const run_report& r);

/// The assertion sites the run of `r` hit, one indented line each after a heading
/// ("always 'x' at f.cpp:3: 4 hits, 4 true"); empty when it hit none.
std::string assertion_summary(const run_report& r);

/// A one-line summary: outcome, seed, strategy, hash, steps, virtual time, events.
std::string summary_line(std::string_view program_name, const run_report& r);

/// The plan a run without `configure` applies: `opts.plan` (or none) with the rules of
/// `swarm_fault_plan(opts.seed, opts.fault_rate)` added when the rate is above 0.
fault_plan effective_fault_plan(const run_options& opts);

/// The shell command that reruns `opts` on the program called `program_name` with `tool`
/// (e.g. "ractor-sim replay bank --seed 17 --strategy pct --depth 3 --pct-steps 40
/// --fault-plan plan.json"); paths are quoted for a POSIX shell where needed.
std::string reproduce_command(std::string_view tool, std::string_view program_name,
                              const run_options& opts);

}  // namespace ractor::sim
