#pragma once
/// \file
/// A scenario file read into types: nodes, actors, supervisors, workload, faults, invariants.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/child_spec.hpp>
#include <ractor/runtime/time.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/supervisor_spec.hpp>

namespace ractor::tool {

/// A scenario file that cannot be used; `what()` starts with the JSON field path of the
/// problem, e.g. "workload[3].call.expect: missing".
class scenario_error : public std::runtime_error {
public:
    scenario_error(const std::string& path, const std::string& problem)
        : std::runtime_error(path.empty() ? problem : path + ": " + problem) {}
};

/// An actor of a registered kind, spawned on a node (and again after the node restarts).
struct actor_decl {
    std::string node;
    std::string name;
    std::string kind;
    nlohmann::json args;
};

/// One child of a supervisor: an actor of a registered kind.
struct child_decl {
    std::string id;
    std::string kind;
    nlohmann::json args;
    restart_type restart = restart_type::permanent;
};

/// A supervisor built from a spec, with its children registered under their ids.
struct supervisor_decl {
    std::string node;
    std::string name;
    supervisor_strategy strategy = supervisor_strategy::one_for_one;
    int intensity = 3;
    duration period = std::chrono::seconds(5);
    std::vector<child_decl> children;
};

/// What a workload step does.
enum class step_kind : std::uint8_t { sleep, spawn, cast, call, join, leave, wait_group, clients };

/// One workload step; which fields mean something depends on `kind`.
struct step {
    step_kind kind = step_kind::sleep;
    std::string path;    ///< "workload[i]", for messages about it
    std::string node;    ///< where it runs (the caller's node)
    std::string target;  ///< the actor name it sends to, spawns or joins
    actor_decl spawned;  ///< spawn
    nlohmann::json body;  ///< cast, call, clients: the message body
    std::optional<nlohmann::json> expect;  ///< call, clients: the answer required
    duration timeout = std::chrono::seconds(1);  ///< call, clients, wait_group
    duration time{0};    ///< sleep: how long; clients: the interval between calls
    std::string group;   ///< join, leave, wait_group
    std::size_t count = 1;  ///< clients: concurrent clients; wait_group: members awaited
    std::size_t calls = 1;  ///< clients: calls per client
};

/// A built-in invariant, or a user check by name.
struct invariant {
    enum class kind : std::uint8_t { calls_answered, clients_finished, groups_converge, restarts_at_most, check };
    kind what = kind::calls_answered;
    std::string supervisor;  ///< restarts_at_most
    std::uint64_t max = 0;   ///< restarts_at_most
    std::string check;       ///< check: the registered name
};

/// A scenario file, read and checked (names resolve, limits hold); see docs/scenarios.md.
struct scenario {
    std::string name;
    std::string description;
    std::vector<std::string> nodes;
    std::vector<actor_decl> actors;
    std::vector<supervisor_decl> supervisors;
    std::vector<step> workload;
    std::optional<sim::fault_plan> plan;
    std::string plan_file;  ///< where `plan` came from, if a file
    std::vector<invariant> invariants;
    duration settle = std::chrono::seconds(1);  ///< virtual time run after the workload
    std::uint64_t first_seed = 1;
    std::uint64_t seeds = 20;
    bool swarm = false;
};

/// Limits on what a scenario file may hold, checked before any work is done.
struct scenario_limits {
    std::size_t max_bytes = 1 << 20;
    std::size_t max_depth = 16;
    std::size_t max_nodes = 16;
    std::size_t max_actors = 256;
    std::size_t max_steps = 1024;
    std::size_t max_clients = 64;
    std::size_t max_calls = 10'000;
    duration max_time = std::chrono::hours(1);
};

/// Reads a scenario from JSON text; `base` is the directory a fault plan path is relative
/// to. Throws `scenario_error` (with the field path) for anything wrong.
scenario parse_scenario(std::string_view text, const std::filesystem::path& base = {},
                        const scenario_limits& limits = {});

/// Reads the scenario file `file`; throws `scenario_error` naming the file if unreadable.
scenario load_scenario(const std::filesystem::path& file, const scenario_limits& limits = {});

}  // namespace ractor::tool
