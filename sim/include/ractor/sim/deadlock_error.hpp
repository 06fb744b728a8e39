#pragma once
/// \file
/// The error thrown when the simulation can make no progress while a caller waits on it.

#include <stdexcept>
#include <string>

namespace ractor::sim {

/// Thrown by a blocking call made outside any worker fiber (for example a `call` from a
/// test's body) when the world went quiescent while the caller was still waiting:
/// nothing was runnable, no fiber resumable and no timer pending, so it can never wake.
class deadlock_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace ractor::sim
