#pragma once
/// \file
/// Exploration: run a program over many seeds (optionally in parallel processes, optionally
/// swarm-style) and report the failing seeds with the command that reproduces each.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <ractor/sim/assertion_report.hpp>
#include <ractor/sim/program.hpp>
#include <ractor/sim/run_program.hpp>

namespace ractor::sim {

/// Where an exploration is, for a progress line.
struct explore_progress {
    std::uint64_t done = 0;
    std::uint64_t total = 0;
    std::uint64_t failed = 0;
    double wall_seconds = 0;
};

/// How to explore.
struct explore_options {
    /// The options of every run; `seed` is replaced per run (and, in swarm mode, the
    /// strategy, depth and fault rate too). `keep_events` is ignored: runs keep no events.
    run_options base;
    std::uint64_t first_seed = 1;
    std::uint64_t seeds = 100;  ///< runs seeds `first_seed`, `first_seed + 1`, ...
    /// Each seed also draws its strategy, PCT depth and fault rate (`swarm_options`).
    bool swarm = false;
    /// Parallel child processes (fork); 1 runs everything in this process.
    unsigned jobs = 1;
    /// Name prefixes of the `sometimes` and `reachable` assertion sites the campaign fails
    /// without ("" names every site; see `assertion_report`).
    std::vector<std::string> required_sites;
    /// Stop starting new seeds once this many failed; 0: run them all.
    std::uint64_t stop_after_failures = 0;
    /// Names used in the reproduction commands.
    std::string tool = "ractor-sim";
    std::string program_name = "PROGRAM";
    /// Called after every finished seed (on the calling thread); optional.
    std::function<void(const explore_progress&)> progress;
};

/// What one seed of an exploration did (its events are not kept: replay the seed for them).
struct seed_result {
    run_options options;  ///< exactly what ran: replaying these reproduces the run
    run_outcome outcome = run_outcome::passed;
    std::string message;
    std::uint64_t trace_hash = 0;
    std::uint64_t steps = 0;
    /// How often faults of each kind its plans named fired (`fired_by_kind`).
    std::map<std::string, std::uint64_t> faults_fired;
    std::vector<assertion_tally> assertions;  ///< the assertion sites it hit
};

/// One fault kind over a campaign.
struct fault_kind_total {
    std::uint64_t planned_seeds = 0;  ///< seeds whose plans named the kind
    std::uint64_t fired_seeds = 0;    ///< seeds in which it fired at least once
    std::uint64_t fired = 0;          ///< firings over every seed
};

/// The result of `explore`.
struct explore_summary {
    std::uint64_t runs = 0;
    std::uint64_t passed = 0;
    std::vector<seed_result> failures;  ///< by ascending seed
    std::uint64_t total_steps = 0;
    double wall_seconds = 0;
    /// Per fault kind planned in any seed: how often it fired over the campaign.
    std::map<std::string, fault_kind_total> fault_kinds;
    /// Every site of the assertion catalogue over the campaign.
    assertion_report assertions;

    /// True if no seed failed and every assertion claim held (`assertion_report::failures`).
    bool campaign_passed() const { return failures.empty() && assertions.passed(); }

    /// The summary a person reads: counts, rates, per planned fault kind how often it fired
    /// (with a warning for a kind that never fired in any seed), every assertion site with
    /// its hits and the claims that failed and, per failing seed, its outcome, message and
    /// one-line reproduction command (`tool` and `program_name` as given).
    std::string describe(const std::string& tool, const std::string& program_name) const;
};

/// The options swarm mode uses for `seed`: `base` with the strategy (random or PCT), the
/// PCT depth (1 to 5) and the fault rate (0 to 0.05) drawn from the seed alone.
run_options swarm_options(const run_options& base, std::uint64_t seed);

/// Runs `p` for every seed of `opts` and summarises. A PCT step estimate left at 0 is
/// calibrated once up front (as `run_program` would), so every run uses the same one.
explore_summary explore(const program& p, const explore_options& opts);

}  // namespace ractor::sim
