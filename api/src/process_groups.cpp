// Process groups of one node. Every change and its announcement happen under one lock, so
// monitors see joins and leaves in the order they took effect.
#include <ractor/process_groups.hpp>

#include <algorithm>

#include <ractor/detail/actor_cell.hpp>
#include <ractor/detail/sync_here.hpp>
#include <ractor/supervision_event.hpp>

namespace ractor {

namespace {

std::vector<any_actor_ref> refs_of(const std::vector<detail::cell_ptr>& cells, std::uint64_t only_node = 0) {
    std::vector<any_actor_ref> out;
    for (const auto& c : cells) {
        if (only_node == 0 || c->id().node == only_node) out.emplace_back(c);
    }
    return out;
}

/// Removes one occurrence of `cell` from `v`; true if there was one.
bool erase_one(std::vector<detail::cell_ptr>& v, const detail::cell_base* cell) {
    auto it = std::find_if(v.begin(), v.end(), [&](const detail::cell_ptr& p) { return p.get() == cell; });
    if (it == v.end()) return false;
    v.erase(it);
    return true;
}

/// Adds `cell` to a monitor list unless it is there already: a watcher registered twice is
/// told once (ractor). True if added.
bool add_once(std::vector<detail::cell_ptr>& monitors, const detail::cell_ptr& cell) {
    if (std::find(monitors.begin(), monitors.end(), cell) != monitors.end()) return false;
    monitors.push_back(cell);
    return true;
}

}  // namespace

void process_groups::announce(const scope_entry& scope, const group_entry& group, group_change change) const {
    auto tell = [&](const detail::cell_ptr& watcher) {
        supervision_event e;
        e.what = supervision_event::kind::group_changed;
        e.from_monitor = true;
        e.group = change;
        watcher->push_event(std::move(e));
    };
    for (const auto& w : group.monitors) tell(w);
    for (const auto& w : scope.monitors) tell(w);
    for (const auto& w : all_scope_monitors_) tell(w);
}

process_groups::group_entry* process_groups::find_group(std::string_view scope, std::string_view group) {
    auto s = scopes_.find(scope);
    if (s == scopes_.end()) return nullptr;
    auto g = s->second.groups.find(group);
    return g == s->second.groups.end() ? nullptr : &g->second;
}

const process_groups::group_entry* process_groups::find_group(std::string_view scope,
                                                              std::string_view group) const {
    return const_cast<process_groups*>(this)->find_group(scope, group);
}

void process_groups::release_involvement(actor_id actor) {
    auto it = involved_.find(actor);
    if (it != involved_.end() && --it->second == 0) involved_.erase(it);
}

void process_groups::prune(std::string_view scope_name, std::string_view group_name) {
    auto s = scopes_.find(scope_name);
    if (s == scopes_.end()) return;
    auto g = s->second.groups.find(group_name);
    if (g != s->second.groups.end() && g->second.members.empty() && g->second.monitors.empty()) {
        s->second.groups.erase(g);
    }
    if (s->second.groups.empty() && s->second.monitors.empty()) scopes_.erase(s);
}

void process_groups::join(std::string_view group, const std::vector<any_actor_ref>& actors, std::string_view scope) {
    detail::at_caller_sync_point(sync_point::group_change);
    std::lock_guard lock(mutex_);
    std::vector<any_actor_ref> joined;
    for (const auto& a : actors) {
        if (a && a.is_alive()) joined.push_back(a);
    }
    if (joined.empty()) return;
    auto& s = scopes_[std::string(scope)];
    auto& g = s.groups[std::string(group)];
    for (const auto& a : joined) {
        g.members.push_back(a.cell());
        ++involved_[a.id()];
    }
    announce(s, g, {group_change::kind::joined, std::string(scope), std::string(group), std::move(joined)});
}

void process_groups::leave(std::string_view group, const std::vector<any_actor_ref>& actors, std::string_view scope) {
    detail::at_caller_sync_point(sync_point::group_change);
    std::lock_guard lock(mutex_);
    group_entry* g = find_group(scope, group);
    if (g == nullptr) return;
    std::vector<any_actor_ref> left;
    for (const auto& a : actors) {
        if (!a || !erase_one(g->members, a.cell().get())) continue;
        left.push_back(a);
        release_involvement(a.id());
    }
    if (left.empty()) return;
    announce(scopes_.find(scope)->second, *g,
             {group_change::kind::left, std::string(scope), std::string(group), std::move(left)});
    prune(scope, group);
}

std::vector<any_actor_ref> process_groups::members_of(std::string_view group, std::string_view scope,
                                                     std::uint64_t only_node) const {
    std::lock_guard lock(mutex_);
    const group_entry* g = find_group(scope, group);
    return g == nullptr ? std::vector<any_actor_ref>{} : refs_of(g->members, only_node);
}

std::vector<any_actor_ref> process_groups::get_members(std::string_view group, std::string_view scope) const {
    return members_of(group, scope, 0);
}

std::vector<any_actor_ref> process_groups::get_local_members(std::string_view group, std::string_view scope) const {
    return members_of(group, scope, node_id_);
}

std::vector<std::string> process_groups::which_groups(std::string_view scope) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    auto s = scopes_.find(scope);
    if (s == scopes_.end()) return out;
    for (const auto& [name, g] : s->second.groups) {
        if (!g.members.empty()) out.push_back(name);
    }
    return out;
}

std::vector<std::string> process_groups::which_scopes() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [name, s] : scopes_) out.push_back(name);
    return out;
}

std::vector<std::pair<std::string, std::string>> process_groups::which_scopes_and_groups() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [scope, s] : scopes_) {
        for (const auto& [name, g] : s.groups) {
            if (!g.members.empty()) out.emplace_back(scope, name);
        }
    }
    return out;
}

void process_groups::monitor(std::string_view group, const any_actor_ref& watcher, std::string_view scope) {
    if (!watcher.is_alive()) return;
    std::lock_guard lock(mutex_);
    if (add_once(scopes_[std::string(scope)].groups[std::string(group)].monitors, watcher.cell())) {
        ++involved_[watcher.id()];
    }
}

void process_groups::demonitor(std::string_view group, const any_actor_ref& watcher, std::string_view scope) {
    std::lock_guard lock(mutex_);
    group_entry* g = find_group(scope, group);
    if (g == nullptr || !erase_one(g->monitors, watcher.cell().get())) return;
    release_involvement(watcher.id());
    prune(scope, group);
}

void process_groups::monitor_scope(const any_actor_ref& watcher, std::string_view scope) {
    if (!watcher.is_alive()) return;
    std::lock_guard lock(mutex_);
    if (add_once(scopes_[std::string(scope)].monitors, watcher.cell())) ++involved_[watcher.id()];
}

void process_groups::demonitor_scope(const any_actor_ref& watcher, std::string_view scope) {
    std::lock_guard lock(mutex_);
    auto s = scopes_.find(scope);
    if (s == scopes_.end() || !erase_one(s->second.monitors, watcher.cell().get())) return;
    release_involvement(watcher.id());
    prune(scope, "");
}

void process_groups::monitor_all_scopes(const any_actor_ref& watcher) {
    if (!watcher.is_alive()) return;
    std::lock_guard lock(mutex_);
    if (add_once(all_scope_monitors_, watcher.cell())) ++involved_[watcher.id()];
}

void process_groups::demonitor_all_scopes(const any_actor_ref& watcher) {
    std::lock_guard lock(mutex_);
    if (erase_one(all_scope_monitors_, watcher.cell().get())) release_involvement(watcher.id());
}

void process_groups::remove_everywhere(const any_actor_ref& actor) {
    std::lock_guard lock(mutex_);
    if (involved_.erase(actor.id()) == 0) return;
    const detail::cell_base* cell = actor.cell().get();
    while (erase_one(all_scope_monitors_, cell)) {}
    for (auto s = scopes_.begin(); s != scopes_.end();) {
        while (erase_one(s->second.monitors, cell)) {}
        for (auto g = s->second.groups.begin(); g != s->second.groups.end();) {
            while (erase_one(g->second.monitors, cell)) {}
            std::size_t removed = 0;
            while (erase_one(g->second.members, cell)) ++removed;
            if (removed > 0) {
                // One event per membership, as if the actor had left that many times.
                std::vector<any_actor_ref> left(removed, actor);
                announce(s->second, g->second, {group_change::kind::left, s->first, g->first, std::move(left)});
            }
            if (g->second.members.empty() && g->second.monitors.empty()) g = s->second.groups.erase(g);
            else ++g;
        }
        if (s->second.groups.empty() && s->second.monitors.empty()) s = scopes_.erase(s);
        else ++s;
    }
}

}  // namespace ractor
