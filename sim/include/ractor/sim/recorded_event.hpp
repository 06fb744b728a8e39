#pragma once
/// \file
/// One event of a simulation's trace, as the world stores it.

#include <cstdint>
#include <string>

#include <ractor/runtime/trace.hpp>

namespace ractor::sim {

/// A trace event stamped by the world with the step, virtual time and node it happened at.
struct recorded_event {
    std::uint64_t step = 0;     ///< the world's step count when recorded (0: before any step)
    std::int64_t time_ns = 0;   ///< virtual time of the world, nanoseconds since the start
    std::uint64_t node = 0;     ///< the node whose trace sink recorded it
    trace_kind kind = trace_kind::user;
    std::uint64_t actor = 0;    ///< see `trace_event`
    std::uint64_t peer = 0;     ///< see `trace_event`
    std::uint64_t value = 0;    ///< see `trace_event`
    std::string text;           ///< see `trace_event`

    friend bool operator==(const recorded_event&, const recorded_event&) = default;
};

/// The name of a trace kind, for example "timer"; "unknown" for a value outside the enum.
const char* kind_name(trace_kind kind) noexcept;

/// One line describing `e`, for diagnostics: step, time, node, kind and the non-empty fields.
std::string to_string(const recorded_event& e);

}  // namespace ractor::sim
