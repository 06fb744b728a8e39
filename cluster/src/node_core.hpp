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
#include <ractor/cluster/handshake_machine.hpp>
#include <ractor/cluster/node.hpp>
#include <ractor/cluster/wire.hpp>

namespace ractor::cluster::detail {

using json = nlohmann::json;

/// The exit reason of proxies whose session ended (Erlang's `noconnection`).
inline constexpr std::string_view noconnection_reason = "noconnection";

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

    /// Sends one frame with the next sequence number without waiting; false if closed, too
    /// large, or the connection's send queue is full (for the session's own frames, which
    /// must never block the reading fiber).
    bool send(frame_type type, json body);
    /// As `send`, registering `parked` as pending replies once the frame is taken (on
    /// failure they stay in `parked`), and parking the calling fiber while the send queue is
    /// full: the back-pressure path of proxies, whose bounded mailboxes then fill up and
    /// refuse casts. A kill interrupts the wait.
    bool send_when_writable(frame_type type, json body, parked_replies& parked);
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
    /// One attempt to hand the frame to the connection under the lock: encodes `body` into
    /// `bytes` on the first attempt, numbers it with the next sequence number, and on `sent`
    /// registers `parked`.
    frame_send_status take(std::optional<frame_bytes>& bytes, frame_type type, json& body, parked_replies& parked);

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
    std::uint64_t incarnation = 0;          ///< the peer's incarnation in that session
    /// Accepted connections from the peer that proved the cookie and were acknowledged,
    /// awaiting the dialler's confirm (docs/wire.md, "One session per pair").
    std::vector<std::shared_ptr<detail::link>> tentative;
    /// The proxies of the current session, by (remote local id, type name registered here,
    /// empty for an opaque proxy): a remote actor may have a typed and an opaque proxy.
    std::map<proxy_key, any_actor_ref> proxies;
    std::map<actor_id, proxy_key> key_of;  ///< proxy id -> its key, while the proxy is known
    /// This peer's members in the local process groups, by (scope, group), with repetitions.
    std::map<std::pair<std::string, std::string>, std::vector<any_actor_ref>> members;
};

/// A process-group member as pg frames carry it: the peer's local id of the actor and the
/// name its message type is registered under there (empty if none).
struct remote_member {
    std::uint64_t id = 0;
    std::string type;
};

/// The node's answer to an authenticated connection that wants to become the session.
struct admission {
    bool accepted = false;
    std::string why;  ///< refused: the reason sent to the peer
    handshake_failure kind = handshake_failure::duplicate;
    bool retry = false;
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

    // ---- sessions (session_registry.cpp) ----
    /// This node's incarnation: drawn from secure entropy when the node starts, so a peer
    /// tells a restarted node from a duplicate connection of a live one.
    std::uint64_t incarnation() const noexcept { return incarnation_; }
    /// Acceptor, once the dialler proved the cookie: may `via` become the session with
    /// `peer`? Refused if a session with the same incarnation is up (a restarted peer's
    /// stale session is closed instead); else `via` is held as tentative until the confirm.
    admission admit_incoming(const handshake_peer& peer, const std::shared_ptr<link>& via);
    /// Acceptor, on the dialler's confirm: `via` becomes the session. Null (with `why`) if
    /// it was declined meanwhile.
    peer_state* establish_incoming(const handshake_peer& peer, const std::shared_ptr<link>& via, std::string& why);
    /// Acceptor: a tentative connection ended before its confirm.
    void drop_tentative(const std::string& peer_name, const std::shared_ptr<link>& via);
    /// Dialler, once the acceptor proved the cookie: makes `via` the session, running
    /// `confirm` under the lock before anyone else can send through it; null with `verdict`
    /// set if a session is up, or a tentative one the rule prefers is pending (the session
    /// dialled by the node with the lower name wins).
    peer_state* establish_outgoing(const handshake_peer& peer, const std::shared_ptr<link>& via,
                                   const std::function<void()>& confirm, admission& verdict);
    /// True if a session with `peer_name` is up or a tentative one is pending.
    bool has_session_or_pending(std::string_view peer_name) const;
    /// Takes one of the `max_pending_handshakes` slots of unauthenticated accepted
    /// connections; false if none is free.
    bool begin_handshake_slot();
    void end_handshake_slot();
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
    /// Delivers a message frame to its local actor, or refuses it (answering its reply
    /// tags); false, having done nothing, while that actor's bounded mailbox is full.
    bool deliver(const std::shared_ptr<link>& via, const json& body);
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
    void count_refusal(handshake_failure why);
    void count_protocol_error();
    void count_undelivered();
    std::string address() const;

private:
    /// The proxy of actor `id` on `peer` whose message type is registered as `type` there
    /// (spawned on first use): typed if `type` is registered here, else opaque. The caller
    /// holds `mutex_`; null while stopping or at `max_proxies_per_peer`.
    any_actor_ref proxy_for(peer_state& peer, std::uint64_t id, const std::string& type);
    /// Forgets `proxy` of `peer`: its key and its group memberships here (the caller holds
    /// `mutex_` and removes it from `peer.proxies`).
    void forget_proxy(peer_state& peer, const any_actor_ref& proxy);
    /// The peer named `name`, created if new; the caller holds `mutex_`.
    peer_state& peer_named(const std::string& name, std::uint64_t node_id);
    /// Makes `via` the session with `peer`, which has none (the caller holds `mutex_`);
    /// returns the watchers to tell of the node coming up.
    std::vector<actor_ref<node_event>> make_current(peer_state& peer, const std::shared_ptr<link>& via,
                                                    std::uint64_t incarnation, const std::string& dialler);
    /// Tells watchers and the agent that `peer` is up.
    void announce_up(const std::string& peer, const std::vector<actor_ref<node_event>>& watchers);
    /// Mirrors `members` of `peer` joining / leaving a group; the caller holds `mutex_`.
    void join_locked(peer_state& peer, const std::string& scope, const std::string& group,
                     const std::vector<remote_member>& members, process_groups& groups);
    void leave_locked(peer_state& peer, const std::string& scope, const std::string& group,
                      const std::vector<remote_member>& members, process_groups& groups);
    /// This node's own actor `actor_name`, typed.
    raw_lookup lookup_local(std::string_view actor_name, const std::type_info& type) const;

    mutable std::mutex mutex_;
    bool stopping_ = false;
    std::uint64_t incarnation_ = 0;
    std::size_t pending_handshakes_ = 0;
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

/// Parks the calling actor for `d` on the runtime clock (a kill interrupts it).
void pause(const runtime& rt, duration d);

/// Spawns the acceptor on `l`, and session actors.
any_actor_ref spawn_acceptor(node_core& core, listener& l);
void spawn_dialler(node_core& core, std::string address);

}  // namespace ractor::cluster::detail
