#pragma once
/// \file
/// The errors the simulator throws when a run cannot go on.

#include <stdexcept>

namespace ractor::sim {

/// Thrown by a blocking call made outside any worker fiber (for example a `call` from a
/// test's body) when the world went quiescent while the caller was still waiting:
/// nothing was runnable, no fiber resumable and no timer pending, so it can never wake.
class deadlock_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown by `world::step` (and everything that drives it) when `world_options::max_steps`
/// steps have run and another is due: a livelock guard for property tests.
class step_budget_exceeded : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown by the runner's scheduler (`run_program`) when the world's virtual time passes
/// `run_options::max_virtual_time`: a guard against programs whose timers never stop.
class time_budget_exceeded : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace ractor::sim
