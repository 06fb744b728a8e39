#pragma once
/// \file
/// The reports a supervisor makes, as Erlang/OTP's supervisor sends them to the logger.

#include <cstdint>
#include <functional>
#include <string>

#include <ractor/any_actor_ref.hpp>

namespace ractor {

/// One report of a supervisor about a child (OTP's `supervisor_report`).
struct supervisor_report {
    enum class kind : std::uint8_t {
        child_terminated,  ///< a child exited and the restart rules take note (OTP's rules)
        start_error,       ///< starting or restarting a child threw
        shutdown_error,    ///< a child did not stop within its shutdown time and was killed
        reached_max_restart_intensity,  ///< one restart too many: the supervisor shuts down
    };

    kind what = kind::child_terminated;
    any_actor_ref supervisor;  ///< who reports
    std::string child_id;      ///< the child concerned (OTP's offender)
    std::string reason;        ///< the child's exit reason, the start error, or `killed`
};

/// Receives a supervisor's reports, on the supervisor's own fiber: keep it short, and do not
/// throw (an exception is the supervisor's failure).
using supervisor_report_handler = std::function<void(const supervisor_report&)>;

/// The kind as OTP names it, e.g. "child_terminated".
inline const char* to_string(supervisor_report::kind k) noexcept {
    switch (k) {
        case supervisor_report::kind::child_terminated: return "child_terminated";
        case supervisor_report::kind::start_error: return "start_error";
        case supervisor_report::kind::shutdown_error: return "shutdown_error";
        case supervisor_report::kind::reached_max_restart_intensity: return "reached_max_restart_intensity";
    }
    return "unknown";
}

}  // namespace ractor
