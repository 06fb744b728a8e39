// The node agent: mirrors the local members of the synced process-group scopes to every
// peer (a snapshot when a session comes up, then each join and leave), reports the exits
// of local actors that peers monitor (the sessions register those watches in the core
// before monitoring, so an exit event never overtakes its registration), and monitors every
// proxy, so that a proxy stopped here withdraws its watch on the peer.
#include <algorithm>
#include <variant>

#include "node_core.hpp"

namespace ractor::cluster::detail {

namespace {

namespace agent_msg {
struct session {
    std::string peer;
    bool up = true;
};
}  // namespace agent_msg
using agent_message = std::variant<agent_msg::session>;

struct agent_state {
    node_core* core = nullptr;
    /// Local members of the synced scopes, by (scope, group), with repetitions, in join order.
    std::map<std::pair<std::string, std::string>, std::vector<any_actor_ref>> local;
    std::set<std::string> synced;  ///< peers that got a snapshot
};

struct node_agent : actor<agent_message, agent_state, node_core*> {
    agent_state pre_start(actor_ref<agent_message> self, node_core* core) {
        agent_state s;
        s.core = core;
        auto& groups = core->sys.groups();
        for (const auto& scope : core->opts.pg_scopes) {
            groups.monitor_scope(self, scope);
            // Members that joined before the node existed go into the first snapshots too.
            // (A join racing with this read, from another thread, would be counted twice.)
            for (const auto& group : groups.which_groups(scope)) {
                auto members = groups.get_local_members(group, scope);
                if (!members.empty()) s.local[{scope, group}] = std::move(members);
            }
        }
        return s;
    }

    void handle(actor_ref<agent_message>, agent_message msg, agent_state& s) {
        auto& change = std::get<agent_msg::session>(msg);
        if (!change.up) {
            s.synced.erase(change.peer);
            return;
        }
        json groups = json::array();
        for (const auto& [key, members] : s.local) {
            groups.push_back(json{key.first, key.second, encode_members(*s.core, members)});
        }
        if (auto l = s.core->link_to(change.peer)) l->send(frame_type::pg_snapshot, json{{"groups", groups}});
        s.synced.insert(change.peer);
    }

    void handle_supervisor_evt(actor_ref<agent_message>, const supervision_event& e, agent_state& s) {
        if (e.what == supervision_event::kind::group_changed && e.group) {
            mirror(*e.group, s);
            return;
        }
        if (!e.is_exit()) return;
        if (e.actor.id().node != s.core->sys.node_id()) {
            s.core->proxy_stopped(e.actor);
            return;
        }
        const std::uint64_t id = e.actor.id().local;
        for (const auto& peer : s.core->take_watchers(id)) {
            if (auto l = s.core->link_to(peer)) l->send(frame_type::exit, json{{"id", id}, {"reason", e.reason}});
        }
    }

    /// Applies a local change to the mirror and tells the synced peers.
    static void mirror(const group_change& change, agent_state& s) {
        std::vector<any_actor_ref> locals;
        for (const auto& a : change.actors) {
            if (a.id().node == s.core->sys.node_id()) locals.push_back(a);
        }
        if (locals.empty()) return;
        auto& members = s.local[{change.scope, change.group}];
        const bool joined = change.what == group_change::kind::joined;
        for (const auto& a : locals) {
            if (joined) {
                members.push_back(a);
            } else if (auto it = std::find(members.begin(), members.end(), a); it != members.end()) {
                members.erase(it);
            }
        }
        if (members.empty()) s.local.erase({change.scope, change.group});
        const json body{{"scope", change.scope}, {"group", change.group}, {"members", encode_members(*s.core, locals)}};
        for (const auto& peer : s.synced) {
            if (auto l = s.core->link_to(peer)) l->send(joined ? frame_type::pg_join : frame_type::pg_leave, body);
        }
    }
};

}  // namespace

any_actor_ref spawn_agent(node_core& core) { return core.sys.spawn(node_agent{}, &core); }

void agent_session(const any_actor_ref& agent, const std::string& peer, bool up) {
    actor_ref<agent_message>(agent.cell()).cast(agent_msg::session{peer, up});
}

}  // namespace ractor::cluster::detail
