#pragma once
// Which entries of a fault plan a real run applies (and how), and which it cannot.

#include <cstddef>
#include <string>
#include <vector>

#include <ractor/runtime/time.hpp>
#include <ractor/sim/fault_plan.hpp>

namespace ractor::tool::cli {

/// One fault a real run applies at `at` after the start.
struct real_fault {
    enum class action : std::uint8_t { crash, restart, reset };
    duration at{0};
    action what = action::crash;
    std::size_t node = 0;  ///< the node's position in `nodes` (reset: the resetting node)
    std::string peer;      ///< reset: the peer whose connection closes; empty: every peer
    std::string label;     ///< "crashes[0] (crash)", as the report names it
};

/// A plan as a real run applies it: the faults by time, and every entry it cannot apply,
/// each with why.
struct real_fault_plan {
    std::vector<real_fault> faults;
    std::vector<std::string> skipped;
};

/// Node crashes of the timed form (SIGKILL, and a new process at `restart_at` or
/// `restart_after`) and connection resets are applied; everything else is skipped.
real_fault_plan plan_for_real(const sim::fault_plan& plan, const std::vector<std::string>& nodes);

}  // namespace ractor::tool::cli
