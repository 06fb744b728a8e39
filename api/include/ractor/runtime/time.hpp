#pragma once
/// \file
/// Time types of the runtime interface: a duration and a time point on the runtime's clock.

#include <chrono>
#include <cstdint>

namespace ractor {

/// The runtime clock's epoch tag: virtual time in the simulator, steady time on asio.
/// It has no `now()`; ask the runtime's `clock` role instead.
struct runtime_clock_tag {};

/// Durations are nanoseconds everywhere in the runtime interface.
using duration = std::chrono::nanoseconds;

/// A point on the runtime clock of one node.
using time_point = std::chrono::time_point<runtime_clock_tag, duration>;

}  // namespace ractor
