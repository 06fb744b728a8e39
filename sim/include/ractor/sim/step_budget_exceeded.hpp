#pragma once
/// \file
/// The error thrown when a world runs more scheduling steps than its options allow.

#include <stdexcept>
#include <string>

namespace ractor::sim {

/// Thrown by `world::step` (and everything that drives it) when `world_options::max_steps`
/// steps have run and another is due: a livelock guard for property tests.
class step_budget_exceeded : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace ractor::sim
