#pragma once
/// \file
/// Runs a supervision case in a fresh simulated world and records what happened.

#include <cstdint>

#include <ractor/sim/property_case.hpp>
#include <ractor/sim/property_oracle.hpp>

namespace ractor::sim {

/// What a run of a case observed, beyond its outcome.
struct supervision_run {
    supervision_outcome outcome;
    /// Incarnations still alive that were not the newest of their node, summed over the
    /// moments just before each fault and after the last one (must be 0).
    std::size_t stale_alive = 0;
    /// Actors alive after the root was stopped and the harness cleaned up (must be 0).
    std::size_t leaked = 0;
    std::uint64_t seed = 0;
    std::uint64_t trace_hash = 0;
};

/// Builds `c`'s tree with `spawn_supervisor` in a new `world(seed)` under a watcher, plants
/// the plan as `send_after` timers of an injector actor, runs to quiescence, stops the
/// root and counts the actors left.
supervision_run run_case(const supervision_case& c, std::uint64_t seed);

}  // namespace ractor::sim
