// The node: its shared state, session registration, node up/down, proxies, delivery of
// incoming messages, lookups, process-group sync on the receiving side, and the front.
#include <ractor/cluster/node.hpp>

#include <algorithm>
#include <stdexcept>

#include <ractor/detail/actor_cell.hpp>

#include "node_core.hpp"

namespace ractor::cluster::detail {

namespace {

thread_local encode_context* encoding = nullptr;
thread_local decode_context* decoding = nullptr;

/// Sets a thread-local context for one scope that never parks.
template <class T>
class context_scope {
public:
    context_scope(T*& slot, T* value) noexcept : slot_(slot), saved_(slot) { slot_ = value; }
    ~context_scope() { slot_ = saved_; }
    context_scope(const context_scope&) = delete;
    context_scope& operator=(const context_scope&) = delete;

private:
    T*& slot_;
    T* saved_;
};

constexpr std::size_t log_capacity = 256;
constexpr std::string_view noconnection = "noconnection";

const runtime& caller_rt(const actor_system& sys) {
    const auto* cell = ractor::detail::current_cell();
    return cell ? cell->rt() : sys.runtime();
}

/// The stand-in for a remote actor whose message type is not known here: nothing can be
/// sent to it (no `opaque_message` can be made), so it never handles a message.
struct opaque_proxy final : actor<opaque_message> {
    void handle(actor_ref<opaque_message>, opaque_message, std::monostate&) {}
};

any_actor_ref spawn_opaque_proxy(actor_system& sys, const runtime& view) {
    return sys.spawn(opaque_proxy{}, {}, {.runtime_view = &view});
}

}  // namespace

encode_context*& current_encode() noexcept { return encoding; }
decode_context*& current_decode() noexcept { return decoding; }
std::uint64_t next_reply_tag(peer_state& peer) noexcept { return peer.next_tag.fetch_add(1, std::memory_order_relaxed); }

void send_reply(const std::shared_ptr<link>& via, std::uint64_t tag, nlohmann::json value) {
    via->send(frame_type::reply, json{{"tag", tag}, {"value", std::move(value)}});
}

void send_reply_error(const std::shared_ptr<link>& via, std::uint64_t tag, std::string reason) {
    via->send(frame_type::reply_error, json{{"tag", tag}, {"reason", std::move(reason)}});
}

void forward(peer_state& peer, std::uint64_t target, const std::string& type_name,
             const std::function<nlohmann::json()>& encode) {
    encode_context ctx{&peer, {}};
    json message;
    std::string error;
    {
        context_scope scope(encoding, &ctx);
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
        else if (!via->send_with_replies(frame_type::message, std::move(body), ctx.parked)) {
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

// ---- node_core ------------------------------------------------------------------------

node_core::node_core(actor_system& system, node_options options) : sys(system), opts(std::move(options)) {
    if (opts.name.empty()) throw std::invalid_argument("cluster::node: the node needs a name");
}

void node_core::start() {
    if (!opts.listen_address.empty()) {
        if (sys.runtime().net == nullptr) throw std::runtime_error("cluster::node: the runtime has no transport");
        listen_result r = sys.runtime().net->listen(opts.listen_address);
        if (!r.listener) throw std::runtime_error("cluster::node: cannot listen on " + opts.listen_address + ": " + r.error);
        listener_ = std::move(r.listener);
        address_ = listener_->address();
    }
    agent_ = spawn_agent(*this);
    if (listener_) acceptor_ = spawn_acceptor(*this, *listener_);
}

bool node_core::stopping() const {
    std::lock_guard g(mutex_);
    return stopping_;
}

void node_core::shutdown() {
    std::vector<any_actor_ref> actors;
    std::vector<std::shared_ptr<link>> links;
    {
        std::lock_guard g(mutex_);
        if (stopping_) return;
        stopping_ = true;
        for (auto& [id, a] : session_actors_) actors.push_back(a);
        if (acceptor_) actors.push_back(acceptor_);
        if (agent_) actors.push_back(agent_);
        for (auto& [name, p] : peers_) {
            if (p->current) links.push_back(p->current);
        }
    }
    for (auto& l : links) {
        l->send(frame_type::goodbye, json{{"reason", "node " + opts.name + " shuts down"}});
        l->close("this node shuts down");
    }
    if (listener_) listener_->close();
    for (auto& a : actors) a.kill();
    for (auto& a : actors) a.wait();
    std::vector<peer_state*> peers;
    std::vector<any_actor_ref> proxies;
    {
        std::lock_guard g(mutex_);
        for (auto& [name, p] : peers_) peers.push_back(p.get());
        proxies.swap(spawned_proxies_);  // none is made once stopping
    }
    for (auto* p : peers) session_ended(p, link_to(*p), "this node shut down");
    // Proxies run on their peer's runtime view and point at its state: none may outlive the
    // node, including those already told to stop.
    for (auto& proxy : proxies) proxy.kill_and_wait();
}

void node_core::add_codec(message_codec codec) {
    std::lock_guard g(mutex_);
    for (const auto& [name, c] : codecs_) {
        if (name == codec.name || *c.type == *codec.type) {
            throw std::invalid_argument("cluster::node: message type '" + codec.name + "' or its C++ type is registered already");
        }
    }
    codecs_.emplace(codec.name, std::move(codec));
}

std::string node_core::type_name_of(const std::type_info& type) const {
    std::lock_guard g(mutex_);
    for (const auto& [name, c] : codecs_) {
        if (*c.type == type) return name;
    }
    return {};
}

std::optional<message_codec> node_core::codec_named(std::string_view name) const {
    std::lock_guard g(mutex_);
    auto it = codecs_.find(name);
    if (it == codecs_.end()) return std::nullopt;
    return it->second;
}

peer_state& node_core::peer_named(const std::string& name, std::uint64_t node_id) {
    auto it = peers_.find(name);
    if (it != peers_.end()) return *it->second;
    // Proxies carry the peer's own node id when it is free here, so ids read the same on
    // every node of one simulated world or host; otherwise a fresh one above 2^32.
    std::uint64_t proxy_node = node_id;
    if (proxy_node == 0 || proxy_node == sys.node_id() || peer_of_proxy_node_.count(proxy_node)) proxy_node = next_proxy_node_++;
    const runtime& local = sys.runtime();
    auto view = std::make_shared<runtime>(runtime{local.executor, local.clock, local.entropy, nullptr, proxy_node,
                                                  local.batch_budget, nullptr, nullptr});
    sys.attach(view);
    auto p = std::make_unique<peer_state>(*this, name, std::move(view));
    peer_of_proxy_node_[proxy_node] = p.get();
    return *peers_.emplace(name, std::move(p)).first->second;
}

peer_state* node_core::register_session(const std::string& peer_name, std::uint64_t peer_node_id,
                                        const std::shared_ptr<link>& via, const std::string& dialer,
                                        const std::function<void()>& confirm, std::string& why) {
    std::shared_ptr<link> replaced;
    peer_state* peer = nullptr;
    std::vector<actor_ref<node_event>> watchers;
    {
        std::lock_guard g(mutex_);
        if (stopping_) {
            why = "node " + opts.name + " is shutting down";
            return nullptr;
        }
        peer = &peer_named(peer_name, peer_node_id);
        if (peer->current && peer->current->is_open()) {
            // Simultaneous connects: keep the session dialled by the lower name on both sides.
            if (dialer != peer->current_dialer && dialer > peer->current_dialer) {
                why = "duplicate session: the one dialled by " + peer->current_dialer + " is kept";
                return nullptr;
            }
            replaced = peer->current;
        }
        peer->current = via;
        peer->current_dialer = dialer;
        confirm();
        ++stats_.sessions_up;
        if (!replaced) watchers = watchers_;
    }
    if (replaced) {
        replaced->close("replaced by the session dialled by " + dialer);
        note("session with " + peer_name + " replaced (dialled by " + dialer + ")");
    } else {
        note("node " + peer_name + " up");
    }
    for (const auto& w : watchers) w.cast(node_event{node_event::kind::up, peer_name, {}});
    agent_session(agent_, peer_name, true);
    return peer;
}

void node_core::session_ended(peer_state* peer, const std::shared_ptr<link>& via, const std::string& reason) {
    std::map<proxy_key, any_actor_ref> proxies;
    std::map<std::pair<std::string, std::string>, std::vector<any_actor_ref>> members;
    std::vector<actor_ref<node_event>> watchers;
    {
        std::lock_guard g(mutex_);
        if (!via || peer->current != via) return;
        peer->current.reset();
        peer->current_dialer.clear();
        proxies.swap(peer->proxies);
        members.swap(peer->members);
        peer->key_of.clear();
        watchers = watchers_;
        for (auto& [id, peers] : watchers_of_) peers.erase(peer->name);
    }
    via->close(reason);
    for (const auto& [key, refs] : members) sys.groups().leave(key.second, refs, key.first);
    for (const auto& [id, proxy] : proxies) proxy.stop(noconnection);
    note("node " + peer->name + " down: " + reason);
    for (const auto& w : watchers) w.cast(node_event{node_event::kind::down, peer->name, reason});
    if (agent_) agent_session(agent_, peer->name, false);
}

std::shared_ptr<link> node_core::link_to(std::string_view peer_name) const {
    std::lock_guard g(mutex_);
    auto it = peers_.find(peer_name);
    return it == peers_.end() ? nullptr : it->second->current;
}

std::shared_ptr<link> node_core::link_to(const peer_state& peer) const {
    std::lock_guard g(mutex_);
    return peer.current;
}

bool node_core::add_session_actor(const any_actor_ref& a) {
    std::lock_guard g(mutex_);
    if (stopping_) return false;
    session_actors_.emplace(a.id(), a);
    return true;
}

void node_core::remove_session_actor(const any_actor_ref& a) {
    std::lock_guard g(mutex_);
    session_actors_.erase(a.id());
}

void node_core::dial(std::string address) {
    {
        std::lock_guard g(mutex_);
        if (stopping_ || !dialling_.insert(address).second) return;
    }
    if (sys.runtime().net == nullptr) throw std::runtime_error("cluster::node: the runtime has no transport");
    spawn_dialler(*this, std::move(address));
}

void node_core::dialer_done(const std::string& address) {
    std::lock_guard g(mutex_);
    dialling_.erase(address);
}

bool node_core::reset(std::string_view peer_name) {
    auto l = link_to(peer_name);
    if (!l) return false;
    l->close("connection reset");
    return true;
}

// ---- incoming frames ------------------------------------------------------------------

void node_core::deliver(const std::shared_ptr<link>& via, const json& body) {
    const auto target_id = body.at("to").get<std::uint64_t>();
    const auto type = body.at("type").get<std::string>();
    const auto& tags = body.at("replies");
    std::string error;
    auto codec = codec_named(type);
    auto target = sys.find(target_id);
    // Proxies share the local id space; only this node's own actors are addressable.
    if (target && target->id().node != sys.node_id()) target.reset();
    if (!codec) error = "message type '" + type + "' is not registered on node " + opts.name;
    else if (!target) error = "no actor " + std::to_string(target_id) + " on node " + opts.name;
    else if (target->cell()->message_type() != *codec->type) {
        error = "actor " + target->id().to_string() + " on node " + opts.name + " does not accept '" + type + "'";
    } else {
        decode_context ctx{via};
        context_scope scope(decoding, &ctx);
        send_status sent = send_status::ok;
        try {
            sent = codec->deliver(body.at("msg"), target->cell());
        } catch (const std::exception& e) {
            error = "cannot decode '" + type + "' on node " + opts.name + ": " + e.what();
        }
        // A refused cast destroyed the message: its reply ports told their callers already.
        if (error.empty() && sent != send_status::ok) error = "delivery failed: " + std::string(to_string(sent));
    }
    if (error.empty()) return;
    count_undelivered();
    note(error);
    for (const auto& tag : tags) send_reply_error(via, tag.get<std::uint64_t>(), error);
}

void node_core::answer_lookup(const std::shared_ptr<link>& via, const json& body) {
    json reply{{"tag", body.at("tag")}, {"found", false}};
    if (auto a = sys.where_is(body.at("name").get<std::string>()); a && a->id().node == sys.node_id()) {
        reply["found"] = true;
        reply["id"] = a->id().local;
        reply["type"] = type_name_of(a->cell()->message_type());
    }
    via->send(frame_type::lookup_reply, std::move(reply));
}

any_actor_ref node_core::proxy_for(peer_state& peer, std::uint64_t id, const std::string& type) {
    if (stopping_) return {};
    auto codec = codecs_.find(type);
    // Unregistered here (or on the peer, which then sends an empty name): an opaque proxy.
    const proxy_key key{id, codec == codecs_.end() ? std::string() : type};
    auto it = peer.proxies.find(key);
    if (it != peer.proxies.end() && it->second.is_alive()) return it->second;
    any_actor_ref proxy = codec == codecs_.end() ? spawn_opaque_proxy(sys, *peer.proxy_rt)
                                                 : codec->second.make_proxy(sys, *peer.proxy_rt, &peer, id, type);
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

void node_core::apply_pg(peer_state& peer, frame_type type, const json& body) {
    auto& groups = sys.groups();
    std::lock_guard g(mutex_);
    auto proxies_of = [&](const json& members) {
        std::vector<any_actor_ref> out;
        for (const auto& m : members) {
            if (auto p = proxy_for(peer, m.at(0).get<std::uint64_t>(), m.at(1).get<std::string>())) out.push_back(p);
        }
        return out;
    };
    apply_pg_locked(peer, type, body, groups, proxies_of);
}

void node_core::apply_pg_locked(peer_state& peer, frame_type type, const json& body, process_groups& groups,
                                const std::function<std::vector<any_actor_ref>(const json&)>& proxies_of) {
    if (type == frame_type::pg_snapshot) {
        for (const auto& [key, refs] : peer.members) groups.leave(key.second, refs, key.first);
        peer.members.clear();
        for (const auto& entry : body.at("groups")) {
            const auto scope = entry.at(0).get<std::string>();
            const auto group = entry.at(1).get<std::string>();
            auto refs = proxies_of(entry.at(2));
            groups.join(group, refs, scope);
            auto& mine = peer.members[{scope, group}];
            mine.insert(mine.end(), refs.begin(), refs.end());
        }
        return;
    }
    const auto scope = body.at("scope").get<std::string>();
    const auto group = body.at("group").get<std::string>();
    auto& mine = peer.members[{scope, group}];
    if (type == frame_type::pg_join) {
        auto refs = proxies_of(body.at("members"));
        groups.join(group, refs, scope);
        mine.insert(mine.end(), refs.begin(), refs.end());
        return;
    }
    std::vector<any_actor_ref> left;
    for (const auto& m : body.at("members")) {
        const auto id = m.at(0).get<std::uint64_t>();
        auto it = std::find_if(mine.begin(), mine.end(), [&](const any_actor_ref& r) {
            auto known = peer.key_of.find(r.id());
            return known != peer.key_of.end() && known->second.first == id;
        });
        if (it == mine.end()) continue;
        left.push_back(*it);
        mine.erase(it);
    }
    if (mine.empty()) peer.members.erase({scope, group});
    groups.leave(group, left, scope);
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

// ---- lookups --------------------------------------------------------------------------

raw_lookup node_core::lookup_local(std::string_view actor_name, const std::type_info& type) const {
    auto a = sys.where_is(actor_name);
    if (!a) return {lookup_status::unknown_name, {}, "no actor named '" + std::string(actor_name) + "' on node " + opts.name};
    if (a->cell()->message_type() != type) {
        return {lookup_status::wrong_type, {}, "actor '" + std::string(actor_name) + "' on node " + opts.name +
                                                   " accepts another message type"};
    }
    return {lookup_status::found, *a, {}};
}

raw_lookup node_core::lookup(std::string_view node_name, std::string_view actor_name, const std::type_info& type,
                             std::optional<duration> timeout) {
    if (node_name == opts.name) return lookup_local(actor_name, type);
    const std::string wanted = type_name_of(type);
    if (wanted.empty()) return {lookup_status::unregistered, {}, "the message type was not registered with register_message"};
    peer_state* peer = nullptr;
    std::shared_ptr<link> via;
    {
        std::lock_guard g(mutex_);
        auto it = peers_.find(node_name);
        if (it != peers_.end() && it->second->current) {
            peer = it->second.get();
            via = peer->current;
        }
    }
    if (!via) return {lookup_status::unknown_node, {}, "not connected to node " + std::string(node_name)};
    const runtime& rt = caller_rt(sys);
    auto slot = std::make_shared<ractor::detail::reply_slot<json>>();
    slot->exec = &rt.executor;
    slot->token = rt.executor.prepare_park();
    const std::uint64_t tag = next_reply_tag(*peer);
    via->add_pending(tag, std::make_unique<port_pending_reply<json>>(reply_port<json>(slot)));
    via->send(frame_type::lookup, json{{"tag", tag}, {"name", actor_name}});
    const int state = ractor::detail::await_reply(*slot, rt.clock.now() + timeout.value_or(opts.lookup_timeout));
    if (state == ractor::detail::reply_slot_base::dropped) return {lookup_status::timeout, {}, slot->drop_reason};
    if (state != ractor::detail::reply_slot_base::done) {
        return {lookup_status::timeout, {}, "node " + std::string(node_name) + " did not answer the lookup in time"};
    }
    const json& answer = *slot->value;
    if (!answer.value("found", false)) {
        return {lookup_status::unknown_name, {}, "no actor named '" + std::string(actor_name) + "' on node " + std::string(node_name)};
    }
    const auto remote_type = answer.value("type", std::string());
    if (remote_type != wanted) {
        return {lookup_status::wrong_type, {}, "actor '" + std::string(actor_name) + "' on node " + std::string(node_name) +
                                                   " accepts " + (remote_type.empty() ? "an unregistered type" : "'" + remote_type + "'") +
                                                   ", not '" + wanted + "'"};
    }
    std::lock_guard g(mutex_);
    if (!peer->current) return {lookup_status::unknown_node, {}, "node " + std::string(node_name) + " went down"};
    return {lookup_status::found, proxy_for(*peer, answer.at("id").get<std::uint64_t>(), remote_type), {}};
}

raw_lookup node_core::lookup_anywhere(std::string_view actor_name, const std::type_info& type) {
    raw_lookup best = lookup_local(actor_name, type);
    if (best.status == lookup_status::found) return best;
    for (const auto& peer : nodes()) {
        raw_lookup r = lookup(peer, actor_name, type, std::nullopt);
        if (r.status == lookup_status::found) return r;
        if (r.status == lookup_status::wrong_type) best = r;
    }
    if (best.status == lookup_status::unknown_name) best.error = "no actor named '" + std::string(actor_name) + "' in the cluster";
    return best;
}

// ---- node monitors, stats, log --------------------------------------------------------

void node_core::monitor_nodes(actor_ref<node_event> watcher) {
    std::lock_guard g(mutex_);
    watchers_.push_back(std::move(watcher));
}

std::vector<std::string> node_core::nodes() const {
    std::lock_guard g(mutex_);
    std::vector<std::string> out;
    for (const auto& [name, p] : peers_) {
        if (p->current) out.push_back(name);
    }
    return out;
}

bool node_core::is_connected(std::string_view peer_name) const { return link_to(peer_name) != nullptr; }

node_stats node_core::stats() const {
    std::lock_guard g(mutex_);
    node_stats s = stats_;
    s.open_connections = session_actors_.size();
    for (const auto& [id, peers] : watchers_of_) s.remote_watchers += peers.size();
    return s;
}

std::vector<std::string> node_core::log() const {
    std::lock_guard g(mutex_);
    return {log_.begin(), log_.end()};
}

void node_core::note(std::string line) {
    std::lock_guard g(mutex_);
    log_.push_back(std::move(line));
    if (log_.size() > log_capacity) log_.pop_front();
}

void node_core::count_refused() {
    std::lock_guard g(mutex_);
    ++stats_.refused;
}

void node_core::count_protocol_error() {
    std::lock_guard g(mutex_);
    ++stats_.protocol_errors;
}

void node_core::count_undelivered() {
    std::lock_guard g(mutex_);
    ++stats_.undelivered;
}

std::string node_core::address() const { return address_; }

}  // namespace ractor::cluster::detail

// ---- the front ------------------------------------------------------------------------

namespace ractor::cluster {

node::node(actor_system& system, node_options options)
    : core_(std::make_shared<detail::node_core>(system, std::move(options))) {
    core_->start();
}

node::~node() { shutdown(); }

const std::string& node::name() const noexcept { return core_->opts.name; }
std::string node::address() const { return core_->address(); }
void node::connect(std::string address) { core_->dial(std::move(address)); }
std::vector<std::string> node::nodes() const { return core_->nodes(); }
bool node::is_connected(std::string_view node_name) const { return core_->is_connected(node_name); }
void node::monitor_nodes(actor_ref<node_event> watcher) { core_->monitor_nodes(std::move(watcher)); }
bool node::reset_connection(std::string_view node_name) { return core_->reset(node_name); }
node_stats node::stats() const { return core_->stats(); }
std::vector<std::string> node::log() const { return core_->log(); }
void node::shutdown() { core_->shutdown(); }
void node::add_codec(detail::message_codec codec) { core_->add_codec(std::move(codec)); }

detail::raw_lookup node::lookup(std::string_view node_name, std::string_view actor_name, const std::type_info& type,
                                std::optional<duration> timeout) {
    return core_->lookup(node_name, actor_name, type, timeout);
}

detail::raw_lookup node::lookup_anywhere(std::string_view actor_name, const std::type_info& type) {
    return core_->lookup_anywhere(actor_name, type);
}

}  // namespace ractor::cluster
