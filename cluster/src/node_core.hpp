#pragma once
// Private: the shared state of one cluster node and the pieces its actors use.

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/actor_system.hpp>
#include <ractor/cluster/detail/remote_io.hpp>
#include <ractor/cluster/node.hpp>
#include <ractor/cluster/wire.hpp>

namespace ractor::cluster::detail {

using json = nlohmann::json;
using parked_replies = std::vector<std::pair<std::uint64_t, std::unique_ptr<pending_reply>>>;
/// A proxy's key: the remote actor's local id and the message type name registered here
/// (empty: an opaque proxy).
using proxy_key = std::pair<std::uint64_t, std::string>;

/// The sending half of one connection and the replies awaited through it. Shared by the
/// session that reads the connection and by everything that sends (proxies, reply ports on
/// any thread): one lock orders sequence numbers and sends.
class link {
public:
    link(std::shared_ptr<connection> conn, std::size_t max_frame) : conn_(std::move(conn)), max_frame_(max_frame) {}

    /// Sends one frame with the next sequence number; false if closed or too large.
    bool send(frame_type type, json body);
    /// As `send`, registering `parked` as pending replies first; on failure they stay in `parked`.
    bool send_with_replies(frame_type type, json body, parked_replies& parked);
    /// Registers one pending reply; false (and `reply` failed) if the link is closed.
    bool add_pending(std::uint64_t tag, std::unique_ptr<pending_reply> reply);
    /// Removes and returns the pending reply of `tag` (null if unknown or taken).
    std::unique_ptr<pending_reply> take_pending(std::uint64_t tag);
    /// Closes the connection and fails every pending reply with `reason`. Idempotent.
    void close(const std::string& reason);
    bool is_open() const;
    /// The wire version of frames sent from now on.
    void set_version(std::uint8_t v);

private:
    mutable std::mutex mutex_;
    std::shared_ptr<connection> conn_;
    const std::size_t max_frame_;
    std::uint8_t version_ = oldest_wire_version;
    std::uint64_t next_seq_ = 0;
    bool open_ = true;
    std::map<std::uint64_t, std::unique_ptr<pending_reply>> pending_;
};

/// Everything this node knows about one peer node, for the node's whole life.
struct peer_state {
    peer_state(node_core& owner, std::string peer_name, std::shared_ptr<const ractor::runtime> proxies_view)
        : core(owner), name(std::move(peer_name)), proxy_rt(std::move(proxies_view)) {}

    node_core& core;
    const std::string name;
    /// The runtime view this peer's proxies run on: the local one with the peer's node id, so
    /// proxy ids name the peer. No trace sink: a proxy's local counter would read as a local
    /// actor's. Attached to the node's system, since a proxy may touch it until the system goes.
    std::shared_ptr<const ractor::runtime> proxy_rt;
    std::atomic<std::uint64_t> next_tag{1};

    // Guarded by the core's mutex.
    std::shared_ptr<detail::link> current;  ///< the session's link while the peer is up
    std::string current_dialer;             ///< which node dialled that session
    /// The proxies of the current session, by (remote local id, type name registered here,
    /// empty for an opaque proxy): a remote actor may have a typed and an opaque proxy.
    std::map<proxy_key, any_actor_ref> proxies;
    std::map<actor_id, proxy_key> key_of;  ///< proxy id -> its key, while the proxy is known
    /// This peer's members in the local process groups, by (scope, group), with repetitions.
    std::map<std::pair<std::string, std::string>, std::vector<any_actor_ref>> members;
};

/// The node's state, shared by the `node` front and its actors (acceptor, sessions, agent).
class node_core {
public:
    node_core(actor_system& system, node_options options);

    actor_system& sys;
    const node_options opts;

    // ---- lifecycle, called by the front ----
    void start();
    void shutdown();
    bool stopping() const;

    // ---- codecs ----
    void add_codec(message_codec codec);
    /// The registered name of message type `type`, empty if none.
    std::string type_name_of(const std::type_info& type) const;
    std::optional<message_codec> codec_named(std::string_view name) const;

    // ---- sessions ----
    /// Makes `via` the session with `peer_name` unless a preferred one exists (the one dialled
    /// by the node with the lower name; a redial by the same node replaces its old session).
    /// `confirm` runs before anyone else can send through `via` (the acceptor's ack).
    /// Returns the peer, or null with `why` set.
    peer_state* register_session(const std::string& peer_name, std::uint64_t peer_node_id,
                                 const std::shared_ptr<link>& via, const std::string& dialer,
                                 const std::function<void()>& confirm, std::string& why);
    /// A session's connection ended; if it was the peer's current one the peer is down.
    void session_ended(peer_state* peer, const std::shared_ptr<link>& via, const std::string& reason);
    /// The current link to `peer`, null if down.
    std::shared_ptr<link> link_to(std::string_view peer_name) const;
    std::shared_ptr<link> link_to(const peer_state& peer) const;
    /// Adds/removes a running session actor (for shutdown and stats); false if stopping.
    bool add_session_actor(const any_actor_ref& a);
    void remove_session_actor(const any_actor_ref& a);
    /// Starts a dialler for `address` unless one runs.
    void dial(std::string address);
    void dialer_done(const std::string& address);
    bool reset(std::string_view peer_name);

    // ---- frames a session received ----
    void deliver(const std::shared_ptr<link>& via, const json& body);
    void answer_lookup(const std::shared_ptr<link>& via, const json& body);
    void apply_pg(peer_state& peer, frame_type type, const json& body);
    void remote_exit(peer_state& peer, std::uint64_t id, const std::string& reason);
    /// `peer` wants (or no longer wants) the exit of local actor `id` reported.
    void watch(const std::string& peer, std::uint64_t id, bool on);
    /// A proxy stopped (the agent monitors every proxy): unless its peer forgot it already
    /// (remote exit, node down), forget it and, if it was the last proxy of its remote actor,
    /// tell the peer to stop reporting that actor's exit.
    void proxy_stopped(const any_actor_ref& proxy);
    /// The peers watching local actor `id`, forgetting them (the actor exited).
    std::set<std::string> take_watchers(std::uint64_t id);

    // ---- lookups ----
    raw_lookup lookup(std::string_view node_name, std::string_view actor_name, const std::type_info& type,
                      std::optional<duration> timeout);
    raw_lookup lookup_anywhere(std::string_view actor_name, const std::type_info& type);

    // ---- node monitors, stats, log ----
    void monitor_nodes(actor_ref<node_event> watcher);
    std::vector<std::string> nodes() const;
    bool is_connected(std::string_view peer_name) const;
    node_stats stats() const;
    std::vector<std::string> log() const;
    void note(std::string line);
    void count_refused();
    void count_protocol_error();
    void count_undelivered();
    std::string address() const;

private:
    /// The proxy of actor `id` on `peer` whose message type is registered as `type` there
    /// (spawned on first use): typed if `type` is registered here, else opaque. The caller
    /// holds `mutex_`; null while stopping.
    any_actor_ref proxy_for(peer_state& peer, std::uint64_t id, const std::string& type);
    /// Forgets `proxy` of `peer`: its key and its group memberships here (the caller holds
    /// `mutex_` and removes it from `peer.proxies`).
    void forget_proxy(peer_state& peer, const any_actor_ref& proxy);
    /// The peer named `name`, created if new; the caller holds `mutex_`.
    peer_state& peer_named(const std::string& name, std::uint64_t node_id);
    /// Applies a pg frame of `peer`; the caller holds `mutex_`.
    void apply_pg_locked(peer_state& peer, frame_type type, const json& body, process_groups& groups,
                         const std::function<std::vector<any_actor_ref>(const json&)>& proxies_of);
    /// This node's own actor `actor_name`, typed.
    raw_lookup lookup_local(std::string_view actor_name, const std::type_info& type) const;

    mutable std::mutex mutex_;
    bool stopping_ = false;
    std::unique_ptr<listener> listener_;
    std::string address_;
    std::map<std::string, std::unique_ptr<peer_state>, std::less<>> peers_;
    std::map<std::string, message_codec, std::less<>> codecs_;
    std::vector<actor_ref<node_event>> watchers_;
    std::set<std::string> dialling_;
    std::map<actor_id, any_actor_ref> session_actors_;
    /// Local id -> the peers to tell of its exit. An entry (even with no peer left) means the
    /// agent monitors the actor; it goes when the actor exits.
    std::map<std::uint64_t, std::set<std::string>> watchers_of_;
    any_actor_ref acceptor_;
    any_actor_ref agent_;
    std::map<std::uint64_t, peer_state*> peer_of_proxy_node_;  ///< proxy node id -> its peer
    /// Every proxy made and maybe not yet stopped, for `shutdown` to wait for.
    std::vector<any_actor_ref> spawned_proxies_;
    std::size_t spawned_proxies_kept_ = 16;  ///< size after the last pruning (at least 16)
    std::uint64_t next_proxy_node_ = std::uint64_t{1} << 32;
    std::deque<std::string> log_;
    node_stats stats_;
};

/// The members of `actors` as pg frames carry them: [[local id, type name], ...].
json encode_members(const node_core& core, const std::vector<any_actor_ref>& actors);

/// Spawns the node's agent: keeps the local process groups of the synced scopes mirrored to
/// every peer and reports the exits of monitored local actors.
any_actor_ref spawn_agent(node_core& core);
/// Tells the agent a session with `peer` came up (send it a snapshot) or went down.
void agent_session(const any_actor_ref& agent, const std::string& peer, bool up);

/// Spawns the acceptor on `l`, and session actors.
any_actor_ref spawn_acceptor(node_core& core, listener& l);
void spawn_dialler(node_core& core, std::string address);

}  // namespace ractor::cluster::detail
