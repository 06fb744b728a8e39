// The node: its lifecycle, codecs, node monitors, counters and log, and the front.
#include <ractor/cluster/node.hpp>

#include <algorithm>
#include <stdexcept>

#include "node_core.hpp"

namespace ractor::cluster::detail {

namespace {

constexpr std::size_t log_capacity = 256;

}  // namespace

// ---- node_core ------------------------------------------------------------------------

node_core::node_core(actor_system& system, node_options options) : sys(system), opts(std::move(options)) {
    if (auto problem = node_name_problem(opts.name); !problem.empty()) {
        throw std::invalid_argument("cluster::node: invalid name: " + std::string(problem));
    }
    if (opts.cookie.empty()) throw std::invalid_argument("cluster::node: the cookie must not be empty");
    std::array<std::uint8_t, 8> bytes{};
    sys.runtime().entropy.secure_bytes(bytes);
    for (auto b : bytes) incarnation_ = (incarnation_ << 8) | b;
}

void node_core::start() {
    if (!opts.listen_address.empty()) {
        if (sys.runtime().net == nullptr) throw std::runtime_error("cluster::node: the runtime has no transport");
        listen_result r = sys.runtime().net->listen(opts.listen_address);
        // The transport's error names the address already.
        if (!r.listener) throw std::runtime_error("cluster::node: " + r.error);
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
    // Connections the transport failed before the node saw them (TLS handshakes).
    if (listener_) s.refused_tls = listener_->failures().count;
    return s;
}

std::vector<std::string> node_core::log() const {
    std::lock_guard g(mutex_);
    std::vector<std::string> out(log_.begin(), log_.end());
    if (listener_) {
        if (const accept_failures f = listener_->failures(); f.count > 0) {
            out.push_back(std::to_string(f.count) + " inbound connection(s) failed in the transport; the last: " + f.last_reason);
        }
    }
    return out;
}

void node_core::note(std::string line) {
    std::lock_guard g(mutex_);
    log_.push_back(std::move(line));
    if (log_.size() > log_capacity) log_.pop_front();
}

void node_core::count_refusal(handshake_failure why) {
    std::lock_guard g(mutex_);
    ++stats_.refused;
    switch (why) {
        case handshake_failure::cookie: ++stats_.refused_cookie; break;
        case handshake_failure::identity: ++stats_.refused_identity; break;
        case handshake_failure::duplicate: ++stats_.refused_duplicate; break;
        case handshake_failure::limit: ++stats_.refused_limit; break;
        case handshake_failure::timeout: ++stats_.refused_timeout; break;
        case handshake_failure::by_peer: ++stats_.refused_by_peer; break;
        case handshake_failure::none:
        case handshake_failure::protocol:
        case handshake_failure::version:
        case handshake_failure::name: break;
    }
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