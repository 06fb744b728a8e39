#pragma once
/// \file
/// A supervision test case as data: a declared tree and a failure plan over virtual time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <ractor/detail/supervisor_mutation.hpp>

namespace ractor::sim {

/// One node of a declared supervision tree: a worker, or a supervisor with children.
struct tree_node {
    bool supervisor = false;
    restart_type restart = restart_type::permanent;  ///< how its own supervisor restarts it
    bool brutal_kill = false;                        ///< shutdown brutal_kill, else a timeout
    bool trap_exit = true;       ///< workers only: false dies at once from its supervisor's shutdown
    bool ignore = false;         ///< workers only: every start returns null (OTP's `ignore`)
    int failed_restarts = 0;     ///< workers only: this many starts after the first one throw
    supervisor_strategy strategy = supervisor_strategy::one_for_one;  ///< supervisors only
    int intensity = 1;                               ///< supervisors only
    int period_ms = 100;                             ///< supervisors only
    std::vector<tree_node> children{};               ///< supervisors only
};

/// What a fault does to its target.
enum class fault_kind : std::uint8_t {
    raise,        ///< a worker throws from its handler; a supervisor stops with reason "crash"
    exit_normal,  ///< the target stops with reason "normal"
    kill,         ///< the target is killed
};

/// One planned fault: `gap_ms` after the previous one, hit the current incarnation of the
/// node `target` names (see `target_path`).
struct fault {
    int gap_ms = 1;
    std::size_t target = 0;
    fault_kind kind = fault_kind::raise;
};

/// A tree (the root is a supervisor), the faults to inject, and an optional mutation of
/// every supervisor in it (for mutation testing only).
struct supervision_case {
    tree_node root;
    std::vector<fault> plan;
    supervisor_mutation mutation = supervisor_mutation::none;
};

/// The paths of all nodes in preorder: the root is "r", its second child "r/1", and so on.
std::vector<std::string> preorder_paths(const tree_node& root);
/// The path of the node a fault aims at: `target` taken modulo the number of nodes below
/// the root, in preorder (the root itself only if it has no children). Any number names
/// a node, so shrinking a tree never makes a plan invalid.
std::string target_path(const tree_node& root, std::size_t target);
/// The node at `path` (as `preorder_paths` names it).
const tree_node& node_at(const tree_node& root, const std::string& path);

/// A fault kind as a word, e.g. "kill".
const char* to_string(fault_kind k) noexcept;
/// A compact one-line description, e.g. `sup(rest_for_one,1/100ms)[perm,temp~,trans?,perm x2]`
/// (`!` brutal kill, `~` does not trap exits, `?` ignores its start, `xN` N refused restarts).
std::string to_string(const tree_node& n);
/// The plan as `+5ms kill #3, ...`.
std::string to_string(const std::vector<fault>& plan);

}  // namespace ractor::sim
