#pragma once
/// \file
/// How often each entry of an applied fault plan fired: a plan that never fires tests nothing.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ractor::sim {

/// How often one entry of an applied fault plan fired in a run.
///
/// A fault fires when it changes the run: a failure or buggify that triggered, a timer delay
/// that made a timer late, a kill or stop that found its actor, a crash of a node that was up,
/// a restart of one that was down, a skew set, a network fault started. A kill of an actor
/// that does not exist is recorded in the trace but does not fire.
struct fault_tally {
    std::size_t plan = 1;  ///< which `world::apply` call (1, 2, ...) installed the entry
    std::string entry;     ///< the entry's path in its plan, as in its JSON: "kills[0]"
    /// failure, kill, stop, crash, restart, clock_skew, timer_delay, buggify, link_fault (a
    /// frame lost, duplicated or delayed by the rule), partition, heal, clog, reset or swizzle.
    std::string kind;
    std::uint64_t fired = 0;

    friend bool operator==(const fault_tally&, const fault_tally&) = default;
};

/// How often faults of each planned kind fired, summed over `tallies`; a planned kind that
/// never fired is there with 0.
std::map<std::string, std::uint64_t> fired_by_kind(const std::vector<fault_tally>& tallies);

}  // namespace ractor::sim
