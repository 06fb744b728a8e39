// Which connection is the session with each peer: admission after authentication, the one-
// session-per-pair rule, node up and down, and the bookkeeping of session actors.
#include <algorithm>

#include <ractor/assertions.hpp>

#include "node_core.hpp"

namespace ractor::cluster::detail {

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

namespace {

bool is_up(const peer_state& p) { return p.current && p.current->is_open(); }

/// True if an authenticated connection from the peer awaits its confirm here.
bool has_tentative(const peer_state& p) {
    return std::any_of(p.tentative.begin(), p.tentative.end(), [](const std::shared_ptr<link>& l) { return l->is_open(); });
}

std::string restarted(const std::string& peer) { return "node " + peer + " restarted"; }

}  // namespace

admission node_core::admit_incoming(const handshake_peer& hello, const std::shared_ptr<link>& via) {
    std::shared_ptr<link> stale;
    peer_state* peer = nullptr;
    {
        std::lock_guard g(mutex_);
        if (stopping_) return {false, "node " + opts.name + " is shutting down", handshake_failure::limit, true};
        peer = &peer_named(hello.name, hello.node_id);
        if (is_up(*peer)) {
            // Only an authenticated peer of another incarnation (it restarted, and the old
            // session is a corpse nobody noticed yet) may displace a live session.
            if (peer->incarnation == hello.incarnation) {
                return {false, "a session between " + opts.name + " and " + hello.name + " is up", handshake_failure::duplicate,
                        true};
            }
            stale = peer->current;
        }
        std::erase_if(peer->tentative, [](const std::shared_ptr<link>& l) { return !l->is_open(); });
        peer->tentative.push_back(via);
    }
    ractor::record_hit(RACTOR_ASSERTION_SITE(sometimes, "ractor.cluster.session_replaced"),
                       sys.runtime(), stale != nullptr);
    if (stale) session_ended(peer, stale, restarted(hello.name));
    return {true, {}, handshake_failure::none, false};
}

peer_state* node_core::establish_incoming(const handshake_peer& hello, const std::shared_ptr<link>& via, std::string& why) {
    for (;;) {
        std::shared_ptr<link> stale;
        std::vector<actor_ref<node_event>> watchers;
        peer_state* peer = nullptr;
        {
            std::lock_guard g(mutex_);
            peer = &peer_named(hello.name, hello.node_id);
            auto it = std::find(peer->tentative.begin(), peer->tentative.end(), via);
            if (it == peer->tentative.end() || stopping_) {
                why = "the tentative session with " + hello.name + " was declined";
                return nullptr;
            }
            if (is_up(*peer) && peer->incarnation != hello.incarnation) {
                stale = peer->current;
            } else {
                peer->tentative.erase(it);
                if (is_up(*peer)) {
                    why = "duplicate session with " + hello.name + ": the current one is kept";
                    return nullptr;
                }
                watchers = make_current(*peer, via, hello.incarnation, hello.name);
            }
        }
        if (stale) {
            session_ended(peer, stale, restarted(hello.name));
            continue;
        }
        announce_up(hello.name, watchers);
        return peer;
    }
}

void node_core::drop_tentative(const std::string& peer_name, const std::shared_ptr<link>& via) {
    std::lock_guard g(mutex_);
    auto it = peers_.find(peer_name);
    if (it != peers_.end()) std::erase(it->second->tentative, via);
}

peer_state* node_core::establish_outgoing(const handshake_peer& hello, const std::shared_ptr<link>& via,
                                          const std::function<void()>& confirm, admission& verdict) {
    for (;;) {
        std::shared_ptr<link> stale;
        std::vector<actor_ref<node_event>> watchers;
        peer_state* peer = nullptr;
        {
            std::lock_guard g(mutex_);
            if (stopping_) {
                verdict = {false, "node " + opts.name + " is shutting down", handshake_failure::limit, false};
                return nullptr;
            }
            peer = &peer_named(hello.name, hello.node_id);
            if (is_up(*peer)) {
                if (peer->incarnation == hello.incarnation) {
                    verdict = {false, "a session between " + opts.name + " and " + hello.name + " is up",
                               handshake_failure::duplicate, false};
                    return nullptr;
                }
                stale = peer->current;
            } else {
                // Simultaneous connects: both nodes hold the other's connection as tentative
                // when they decide on their own, and both keep the one dialled by the lower name.
                if (has_tentative(*peer) && opts.name > hello.name) {
                    verdict = {false, "simultaneous connect: the session dialled by " + hello.name + " is kept",
                               handshake_failure::duplicate, false};
                    return nullptr;
                }
                watchers = make_current(*peer, via, hello.incarnation, opts.name);
                confirm();
            }
        }
        if (stale) {
            session_ended(peer, stale, restarted(hello.name));
            continue;
        }
        announce_up(hello.name, watchers);
        return peer;
    }
}

std::vector<actor_ref<node_event>> node_core::make_current(peer_state& peer, const std::shared_ptr<link>& via,
                                                           std::uint64_t incarnation, const std::string& dialler) {
    peer.current = via;
    peer.current_dialer = dialler;
    ractor::record_hit(RACTOR_ASSERTION_SITE(sometimes, "ractor.cluster.reconnected"),
                       sys.runtime(), peer.incarnation == incarnation);
    peer.incarnation = incarnation;
    ++stats_.sessions_up;
    return watchers_;
}

void node_core::announce_up(const std::string& peer, const std::vector<actor_ref<node_event>>& watchers) {
    note("node " + peer + " up");
    for (const auto& w : watchers) w.cast(node_event{node_event::kind::up, peer, {}});
    agent_session(agent_, peer, true);
}

bool node_core::has_session_or_pending(std::string_view peer_name) const {
    std::lock_guard g(mutex_);
    auto it = peers_.find(peer_name);
    if (it == peers_.end()) return false;
    return is_up(*it->second) || has_tentative(*it->second);
}

bool node_core::begin_handshake_slot() {
    std::lock_guard g(mutex_);
    if (pending_handshakes_ >= opts.max_pending_handshakes) return false;
    ++pending_handshakes_;
    return true;
}

void node_core::end_handshake_slot() {
    std::lock_guard g(mutex_);
    --pending_handshakes_;
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
    for (const auto& [id, proxy] : proxies) proxy.stop(std::string(noconnection_reason));
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

}  // namespace ractor::cluster::detail
