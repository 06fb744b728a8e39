#pragma once
/// \file
/// The error thrown when a run goes past the virtual time it was allowed.

#include <stdexcept>
#include <string>

namespace ractor::sim {

/// Thrown by the runner's scheduler (`run_program`) when the world's virtual time passes
/// `run_options::max_virtual_time`: a guard against programs whose timers never stop.
class time_budget_exceeded : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace ractor::sim
