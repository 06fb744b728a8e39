#pragma once
/// \file
/// Process groups (Erlang's `pg`): named groups of actors in independent scopes.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ractor/actor_id.hpp>
#include <ractor/any_actor_ref.hpp>
#include <ractor/detail/cell_ptr.hpp>
#include <ractor/group_change.hpp>

namespace ractor {

/// The process groups of one node, owned by its `actor_system`.
///
/// As in Erlang's pg: an actor may join a group several times and then appears that many
/// times until it leaves as often; a stopping actor leaves all its groups; joining an actor
/// that has stopped inserts nothing. Monitors of a group or of a whole scope receive a
/// `supervision_event` of kind `group_changed` for every join and leave, in order.
class process_groups {
public:
    /// The scope used when none is named.
    static constexpr std::string_view default_scope = "default";

    /// The groups of node `node_id` (whose members are "local").
    explicit process_groups(std::uint64_t node_id) : node_id_(node_id) {}

    void join(std::string_view group, const std::vector<any_actor_ref>& actors,
              std::string_view scope = default_scope);
    /// Removes one membership of each actor; actors not in the group are ignored.
    void leave(std::string_view group, const std::vector<any_actor_ref>& actors,
               std::string_view scope = default_scope);

    /// The members, in join order, across the cluster (today: this node).
    std::vector<any_actor_ref> get_members(std::string_view group, std::string_view scope = default_scope) const;
    /// The members hosted on this node, in join order.
    std::vector<any_actor_ref> get_local_members(std::string_view group,
                                                 std::string_view scope = default_scope) const;
    /// Groups with at least one member, sorted.
    std::vector<std::string> which_groups(std::string_view scope = default_scope) const;
    /// Scopes with at least one group or monitor, sorted.
    std::vector<std::string> which_scopes() const;
    /// Every (scope, group) with at least one member, sorted (ractor's `which_scopes_and_groups`).
    std::vector<std::pair<std::string, std::string>> which_scopes_and_groups() const;

    /// Tells `watcher` of every change to `group` in `scope`. Monitoring again changes
    /// nothing: each change is told once, and one `demonitor` ends it (ractor).
    void monitor(std::string_view group, const any_actor_ref& watcher, std::string_view scope = default_scope);
    void demonitor(std::string_view group, const any_actor_ref& watcher, std::string_view scope = default_scope);
    /// Tells `watcher` of every change to any group of `scope` (once, as `monitor`).
    void monitor_scope(const any_actor_ref& watcher, std::string_view scope = default_scope);
    void demonitor_scope(const any_actor_ref& watcher, std::string_view scope = default_scope);
    /// Tells `watcher` of every change to any group of any scope, present or future (once,
    /// as `monitor`): ractor's monitor of the world scope.
    void monitor_all_scopes(const any_actor_ref& watcher);
    void demonitor_all_scopes(const any_actor_ref& watcher);

    /// Removes a stopping actor from every group and monitor list (called by the system).
    void remove_everywhere(const any_actor_ref& actor);

private:
    struct group_entry {
        std::vector<detail::cell_ptr> members;   ///< with repetitions, in join order
        std::vector<detail::cell_ptr> monitors;
    };
    struct scope_entry {
        std::map<std::string, group_entry, std::less<>> groups;
        std::vector<detail::cell_ptr> monitors;
    };

    /// Tells the monitors of `group` and of its scope; the caller holds `mutex_`.
    void announce(const scope_entry& scope, const group_entry& group, group_change change) const;
    /// The group `group` of `scope`, or null; the caller holds `mutex_`.
    group_entry* find_group(std::string_view scope, std::string_view group);
    const group_entry* find_group(std::string_view scope, std::string_view group) const;
    /// The members of a group, all or (with a node id) only those on that node.
    std::vector<any_actor_ref> members_of(std::string_view group, std::string_view scope,
                                          std::uint64_t only_node) const;
    /// Counts down one membership or monitor of `actor`; the caller holds `mutex_`.
    void release_involvement(actor_id actor);
    /// Drops empty groups and scopes; the caller holds `mutex_`.
    void prune(std::string_view scope_name, std::string_view group_name);

    const std::uint64_t node_id_;
    mutable std::mutex mutex_;  ///< guards the maps below
    std::map<std::string, scope_entry, std::less<>> scopes_;
    std::vector<detail::cell_ptr> all_scope_monitors_;
    /// Actors with a membership or a monitor somewhere, and how many: lets a stopping actor
    /// that never used groups skip the scan.
    std::map<actor_id, std::size_t> involved_;
};

}  // namespace ractor
