// Process-group frames from peers: their members mirrored into the local groups as proxies,
// within the per-peer limits, for the synced scopes only. A frame is read and checked whole
// before anything changes, so a refused frame leaves the groups as they were.
#include <algorithm>

#include "fields.hpp"
#include "node_core.hpp"

namespace ractor::cluster::detail {

namespace {

/// One group's members in a frame.
struct group_update {
    std::string scope;
    std::string group;
    std::vector<remote_member> members;
};

std::vector<remote_member> read_members(const json& v, std::size_t max) {
    std::vector<remote_member> out;
    for (const auto& m : as_array(v, "members", max)) {
        const json& pair = as_array(m, "member", 2);
        if (pair.size() != 2) throw bad_field("field 'member': expected [id, type]");
        out.push_back({as_u64(pair[0], "member id"), as_string(pair[1], "member type", max_type_name_size)});
    }
    return out;
}

/// The groups a frame names, with their members; throws `bad_field` if malformed or if it
/// carries more than `max` members in all.
std::vector<group_update> read_updates(frame_type type, const json& body, std::size_t max) {
    std::vector<group_update> out;
    auto read_one = [&](const json& scope, const json& group, const json& members) {
        out.push_back({as_string(scope, "scope", max_group_name_size), as_string(group, "group", max_group_name_size),
                       read_members(members, max)});
    };
    if (type == frame_type::pg_snapshot) {
        for (const auto& entry : as_array(field(body, "groups"), "groups", max)) {
            const json& e = as_array(entry, "group entry", 3);
            if (e.size() != 3) throw bad_field("field 'groups': expected [scope, group, members] entries");
            read_one(e[0], e[1], e[2]);
        }
    } else {
        read_one(field(body, "scope"), field(body, "group"), field(body, "members"));
    }
    std::size_t total = 0;
    for (const auto& u : out) total += u.members.size();
    if (total > max) throw bad_field("a group frame with more than " + std::to_string(max) + " members");
    return out;
}

std::size_t member_count(const peer_state& peer) {
    std::size_t n = 0;
    for (const auto& [key, refs] : peer.members) n += refs.size();
    return n;
}

/// How many distinct actors of `updates` have no proxy here yet: the proxies the frame makes.
std::size_t unproxied_ids(const peer_state& peer, const std::vector<group_update>& updates) {
    std::set<std::uint64_t> fresh;
    for (const auto& u : updates) {
        for (const auto& m : u.members) {
            auto it = peer.proxies.lower_bound({m.id, {}});
            if (it == peer.proxies.end() || it->first.first != m.id) fresh.insert(m.id);
        }
    }
    return fresh.size();
}

}  // namespace

void node_core::apply_pg(peer_state& peer, frame_type type, const json& body) {
    auto updates = read_updates(type, body, opts.max_members_per_peer);
    // Scopes this node does not sync are none of the peer's business here.
    std::erase_if(updates, [&](const group_update& u) {
        return std::find(opts.pg_scopes.begin(), opts.pg_scopes.end(), u.scope) == opts.pg_scopes.end();
    });
    auto& groups = sys.groups();
    std::lock_guard g(mutex_);
    if (type != frame_type::pg_leave) {
        std::size_t incoming = 0;
        for (const auto& u : updates) incoming += u.members.size();
        const std::size_t kept = type == frame_type::pg_snapshot ? 0 : member_count(peer);
        if (kept + incoming > opts.max_members_per_peer ||
            peer.proxies.size() + unproxied_ids(peer, updates) > opts.max_proxies_per_peer) {
            throw bad_field("node " + peer.name + " would have more than " + std::to_string(opts.max_members_per_peer) +
                            " group members or " + std::to_string(opts.max_proxies_per_peer) + " proxies here");
        }
    }
    if (type == frame_type::pg_snapshot) {
        for (const auto& [key, refs] : peer.members) groups.leave(key.second, refs, key.first);
        peer.members.clear();
    }
    for (const auto& u : updates) {
        if (type == frame_type::pg_leave) leave_locked(peer, u.scope, u.group, u.members, groups);
        else join_locked(peer, u.scope, u.group, u.members, groups);
    }
}

void node_core::join_locked(peer_state& peer, const std::string& scope, const std::string& group,
                            const std::vector<remote_member>& members, process_groups& groups) {
    std::vector<any_actor_ref> refs;
    for (const auto& m : members) {
        if (auto p = proxy_for(peer, m.id, m.type)) refs.push_back(p);
    }
    if (refs.empty()) return;
    groups.join(group, refs, scope);
    auto& mine = peer.members[{scope, group}];
    mine.insert(mine.end(), refs.begin(), refs.end());
}

void node_core::leave_locked(peer_state& peer, const std::string& scope, const std::string& group,
                             const std::vector<remote_member>& members, process_groups& groups) {
    auto known = peer.members.find({scope, group});
    if (known == peer.members.end()) return;
    auto& mine = known->second;
    std::vector<any_actor_ref> left;
    for (const auto& m : members) {
        auto it = std::find_if(mine.begin(), mine.end(), [&](const any_actor_ref& r) {
            auto key = peer.key_of.find(r.id());
            return key != peer.key_of.end() && key->second.first == m.id;
        });
        if (it == mine.end()) continue;
        left.push_back(*it);
        mine.erase(it);
    }
    if (mine.empty()) peer.members.erase(known);
    groups.leave(group, left, scope);
}

}  // namespace ractor::cluster::detail
