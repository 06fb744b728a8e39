#pragma once
// What a scenario node runs at each start-up, shared by the simulated and the real run.

#include <functional>
#include <string>

#include <ractor/actor_system.hpp>
#include <ractor/tool/registry.hpp>
#include <ractor/tool/scenario.hpp>

namespace ractor::tool {

/// Called with a supervisor's name whenever it starts one of its children (first starts and
/// restarts alike), on the thread of the supervisor.
using child_start_fn = std::function<void(const std::string& supervisor)>;

/// Spawns the actors and supervisors that `s` declares on `node` into `sys`, each registered
/// under its name. The kinds must be registered in `r`, which must outlive the supervisors.
void spawn_declared(const scenario& s, const registry& r, const std::string& node,
                    actor_system& sys, const child_start_fn& on_child_start);

}  // namespace ractor::tool
