#pragma once
/// \file
/// Everything a supervisor is built from: its strategy, restart intensity and children.

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include <ractor/child_spec.hpp>
#include <ractor/child_template.hpp>
#include <ractor/supervisor_report.hpp>

namespace ractor {

/// Which children a supervisor restarts when one of them has to be restarted.
enum class supervisor_strategy : std::uint8_t {
    one_for_one,         ///< only that child
    one_for_all,         ///< every child: the others are stopped first
    rest_for_one,        ///< that child and the ones started after it
    simple_one_for_one,  ///< one_for_one over dynamic children made from one template
};

/// A supervisor's specification (Erlang/OTP's supervisor flags plus child specs).
struct supervisor_spec {
    supervisor_strategy strategy = supervisor_strategy::one_for_one;
    /// At most this many restarts within `period`; one more makes the supervisor stop its
    /// children and exit with reason `shutdown`.
    int intensity = 1;
    duration period = std::chrono::seconds(5);
    /// The static children, started in this order and stopped in the reverse order.
    std::vector<child_spec> children{};
    /// `simple_one_for_one` only: the template of the dynamic children.
    std::optional<child_template> dynamic{};
    /// Gets every report (`child_terminated`, `start_error`, ...); reports are traced too.
    supervisor_report_handler on_report{};
};

/// The name of a strategy, e.g. "rest_for_one".
inline const char* to_string(supervisor_strategy s) noexcept {
    switch (s) {
        case supervisor_strategy::one_for_one: return "one_for_one";
        case supervisor_strategy::one_for_all: return "one_for_all";
        case supervisor_strategy::rest_for_one: return "rest_for_one";
        case supervisor_strategy::simple_one_for_one: return "simple_one_for_one";
    }
    return "unknown";
}

}  // namespace ractor
