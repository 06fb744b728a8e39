#pragma once
/// \file
/// The requests a supervisor actor accepts; use the functions of <ractor/supervisor.hpp>.

#include <any>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <ractor/child_spec.hpp>
#include <ractor/reply_port.hpp>
#include <ractor/supervisor_child_info.hpp>
#include <ractor/supervisor_error.hpp>

namespace ractor {

/// A supervisor's answer to a request about one child: the child, or why not.
struct supervisor_reply {
    any_actor_ref child;
    std::string error;  ///< empty on success
    std::optional<failed_to_start_child> start_failure{};  ///< set if the error is a failed start
};

/// The messages of a supervisor.
namespace supervisor_msg {
struct which_children { reply_port<std::vector<supervisor_child_info>> port; };
struct count_children { reply_port<supervisor_child_counts> port; };
struct start_child { child_spec spec; reply_port<supervisor_reply> port; };
struct start_dynamic_child { std::any args; reply_port<supervisor_reply> port; };
struct terminate_child { std::string id; reply_port<supervisor_reply> port; };
struct restart_child { std::string id; reply_port<supervisor_reply> port; };
struct delete_child { std::string id; reply_port<supervisor_reply> port; };
struct restart_due {};  ///< a backoff timer expired (sent by the supervisor to itself)
struct retry_restart { std::string id; };  ///< a restart of child `id` failed: try it again
}  // namespace supervisor_msg

/// Everything a supervisor handles.
using supervisor_message =
    std::variant<supervisor_msg::which_children, supervisor_msg::count_children, supervisor_msg::start_child,
                 supervisor_msg::start_dynamic_child, supervisor_msg::terminate_child,
                 supervisor_msg::restart_child, supervisor_msg::delete_child, supervisor_msg::restart_due,
                 supervisor_msg::retry_restart>;

}  // namespace ractor
