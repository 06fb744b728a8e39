#pragma once
/// \file
/// The template a `simple_one_for_one` supervisor starts its dynamic children from.

#include <any>
#include <functional>

#include <ractor/child_spec.hpp>

namespace ractor {

/// Starts a dynamic child from the arguments given to `start_child`: spawns it linked to
/// `supervisor` and returns it (null: nothing started). A restart passes the same arguments.
using child_template_start = std::function<any_actor_ref(const any_actor_ref& supervisor, const std::any& args)>;

/// How every dynamic child of a `simple_one_for_one` supervisor is started, restarted and stopped.
struct child_template {
    child_template_start start;
    restart_type restart = restart_type::permanent;
    child_shutdown shutdown{};
    child_type type = child_type::worker;
    duration restart_delay{0};  ///< as `child_spec::restart_delay`
};

}  // namespace ractor
