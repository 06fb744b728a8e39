// Proxies: the local stand-ins for remote actors, what they send, and the watches that let
// monitors of a proxy see its remote actor's exit.
#include <algorithm>

#include "fields.hpp"
#include "node_core.hpp"

namespace ractor::cluster::detail {

namespace {

/// The stand-in for a remote actor whose message type is not known here: nothing can be
/// sent to it (no `opaque_message` can be made), so it never handles a message.
struct opaque_proxy final : actor<opaque_message> {
    void handle(actor_ref<opaque_message>, opaque_message, std::monostate&) {}
};

any_actor_ref spawn_opaque_proxy(actor_system& sys, const runtime& view) {
    return sys.spawn(opaque_proxy{}, {}, {.runtime_view = &view});
}

}  // namespace

void forward(peer_state& peer, std::uint64_t target, const std::string& type_name,
             const std::function<nlohmann::json()>& encode) {
    encode_context ctx{&peer, {}};
    json message;
    std::string error;
    {
        context_scope scope(current_encode(), &ctx);
        try {
            message = encode();
        } catch (const std::exception& e) {
            error = std::string("cannot encode the message: ") + e.what();
        }
    }
    json tags = json::array();
    for (const auto& [tag, reply] : ctx.parked) tags.push_back(tag);
    if (error.empty()) {
        auto via = peer.core.link_to(peer);
        json body{{"to", target}, {"type", type_name}, {"msg", std::move(message)}, {"replies", std::move(tags)}};
        if (!via) error = "node " + peer.name + " is not connected";
        else if (!via->send_when_writable(frame_type::message, std::move(body), ctx.parked)) {
            error = "the message could not be sent to node " + peer.name + " (session closed or frame too large)";
        }
    }
    if (error.empty()) return;
    peer.core.count_undelivered();
    peer.core.note(error);
    for (auto& [tag, reply] : ctx.parked) reply->fail(error);
}

json encode_members(const node_core& core, const std::vector<any_actor_ref>& actors) {
    json out = json::array();
    for (const auto& a : actors) out.push_back(json{a.id().local, core.type_name_of(a.cell()->message_type())});
    return out;
}

any_actor_ref node_core::proxy_for(peer_state& peer, std::uint64_t id, const std::string& type) {
    if (stopping_) return {};
    auto codec = codecs_.find(type);
    // Unregistered here (or on the peer, which then sends an empty name): an opaque proxy.
    const proxy_key key{id, codec == codecs_.end() ? std::string() : type};
    auto it = peer.proxies.find(key);
    if (it != peer.proxies.end() && it->second.is_alive()) return it->second;
    if (peer.proxies.size() >= opts.max_proxies_per_peer) return {};
    any_actor_ref proxy = codec == codecs_.end() ? spawn_opaque_proxy(sys, *peer.proxy_rt)
                                                 : codec->second.make_proxy(sys, *peer.proxy_rt, &peer, id, type, opts.max_queued_per_proxy);
    peer.proxies[key] = proxy;
    peer.key_of[proxy.id()] = key;
    // Stopped ones are dropped whenever the list has doubled, so it stays in proportion to
    // the living proxies.
    if (spawned_proxies_.size() >= 2 * spawned_proxies_kept_) {
        std::erase_if(spawned_proxies_, [](const any_actor_ref& p) { return p.status() == actor_status::stopped; });
        spawned_proxies_kept_ = std::max<std::size_t>(spawned_proxies_.size(), 16);
    }
    spawned_proxies_.push_back(proxy);
    // Ask the peer to report the actor's exit, so monitors of the proxy see it; the agent
    // watches the proxy to take that back when the proxy stops first.
    if (peer.current) peer.current->send(frame_type::monitor, json{{"id", id}});
    agent_.monitor(proxy);
    return proxy;
}

void node_core::forget_proxy(peer_state& peer, const any_actor_ref& proxy) {
    peer.key_of.erase(proxy.id());
    // Its group memberships end with it (the local groups drop a stopped actor themselves).
    for (auto m = peer.members.begin(); m != peer.members.end();) {
        std::erase(m->second, proxy);
        m = m->second.empty() ? peer.members.erase(m) : std::next(m);
    }
}

void node_core::remote_exit(peer_state& peer, std::uint64_t id, const std::string& reason) {
    std::vector<any_actor_ref> proxies;  // its typed and its opaque proxy
    {
        std::lock_guard g(mutex_);
        for (auto it = peer.proxies.lower_bound({id, {}}); it != peer.proxies.end() && it->first.first == id;) {
            proxies.push_back(it->second);
            forget_proxy(peer, it->second);
            it = peer.proxies.erase(it);
        }
    }
    for (const auto& p : proxies) p.stop(reason);
}

void node_core::proxy_stopped(const any_actor_ref& proxy) {
    std::lock_guard g(mutex_);
    auto p = peer_of_proxy_node_.find(proxy.id().node);
    if (p == peer_of_proxy_node_.end()) return;
    peer_state& peer = *p->second;
    auto k = peer.key_of.find(proxy.id());
    if (k == peer.key_of.end()) return;  // forgotten: its remote actor exited or the node went down
    const proxy_key key = k->second;
    forget_proxy(peer, proxy);
    auto it = peer.proxies.find(key);
    if (it == peer.proxies.end() || it->second != proxy) return;  // replaced: the new proxy renewed the watch
    peer.proxies.erase(it);
    auto other = peer.proxies.lower_bound({key.first, {}});
    if (other != peer.proxies.end() && other->first.first == key.first) return;  // still watched for it
    // Sent under the lock, as `proxy_for` sends `monitor`: a proxy made meanwhile renews the
    // watch after this withdrawal, never before it.
    if (peer.current) peer.current->send(frame_type::demonitor, json{{"id", key.first}});
}

void node_core::watch(const std::string& peer, std::uint64_t id, bool on) {
    auto target = sys.find(id);
    // Proxies share the local id space; only this node's own actors can be watched.
    if (target && target->id().node != sys.node_id()) target.reset();
    bool fresh = false;
    {
        std::lock_guard g(mutex_);
        if (!on) {
            if (auto it = watchers_of_.find(id); it != watchers_of_.end()) it->second.erase(peer);
            return;
        }
        if (target) {
            auto [it, added] = watchers_of_.try_emplace(id);
            it->second.insert(peer);
            fresh = added;
        }
    }
    // Registered first: the agent's exit event, however early, finds the watch. Monitoring
    // an actor that stopped meanwhile reports it at once. The agent monitors each actor once,
    // however often peers watch and unwatch it.
    if (fresh) agent_.monitor(*target);
    else if (!target) {
        if (auto l = link_to(peer)) l->send(frame_type::exit, json{{"id", id}, {"reason", "noproc"}});
    }
}

std::set<std::string> node_core::take_watchers(std::uint64_t id) {
    std::lock_guard g(mutex_);
    auto it = watchers_of_.find(id);
    if (it == watchers_of_.end()) return {};
    auto out = std::move(it->second);
    watchers_of_.erase(it);
    return out;
}

}  // namespace ractor::cluster::detail
