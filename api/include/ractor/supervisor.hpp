#pragma once
/// \file
/// Erlang/OTP-style supervisors: spawning one, nesting them, and managing their children.

#include <any>
#include <string>
#include <vector>

#include <ractor/actor_ref.hpp>
#include <ractor/actor_system.hpp>
#include <ractor/spawn_options.hpp>
#include <ractor/supervisor_child_info.hpp>
#include <ractor/supervisor_error.hpp>
#include <ractor/supervisor_message.hpp>
#include <ractor/supervisor_spec.hpp>

namespace ractor {

/// A reference to a supervisor actor.
using supervisor_ref = actor_ref<supervisor_message>;

/// Spawns a supervisor that starts `spec.children` in order before this returns. If one
/// fails to start, the ones already started are stopped in reverse order and this throws
/// `supervisor_start_error` (a `spawn_error`) naming the child and the reason. See docs/supervision.md for every rule.
supervisor_ref spawn_supervisor(actor_system& system, supervisor_spec spec, spawn_options options = {});

/// A child spec for a nested supervisor built from `spec` (type supervisor, shutdown infinity).
child_spec supervisor_child(std::string id, supervisor_spec spec,
                            restart_type restart = restart_type::permanent);

/// The children in start order (Erlang's `which_children`).
std::vector<supervisor_child_info> which_children(const supervisor_ref& sup);
/// How many children there are, running, supervisors and workers (Erlang's `count_children`).
supervisor_child_counts count_children(const supervisor_ref& sup);
/// Adds a static child after the existing ones and starts it; returns it (null if its start
/// returned null). Throws `supervisor_error` if the id is taken, `child_start_error` if the
/// start failed.
any_actor_ref start_child(const supervisor_ref& sup, child_spec spec);
/// `simple_one_for_one` only: starts a dynamic child from the template with `args`.
any_actor_ref start_dynamic_child(const supervisor_ref& sup, std::any args);
/// Stops a child as its shutdown says, without restarting it; temporary and dynamic
/// children are then forgotten, others keep their spec (Erlang's `terminate_child`).
void terminate_child(const supervisor_ref& sup, const std::string& id);
/// Starts again a child that is not running (Erlang's `restart_child`); returns it. Throws
/// `supervisor_error` (`restarting`) while the child waits for a restart.
any_actor_ref restart_child(const supervisor_ref& sup, const std::string& id);
/// Forgets a child that is not running (Erlang's `delete_child`).
void delete_child(const supervisor_ref& sup, const std::string& id);

}  // namespace ractor
