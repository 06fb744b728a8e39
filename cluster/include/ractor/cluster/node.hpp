#pragma once
/// \file
/// A cluster node: connects an actor system to other nodes over the runtime transport.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ractor/actor_ref.hpp>
#include <ractor/actor_system.hpp>
#include <ractor/cluster/detail/remote_io.hpp>
#include <ractor/cluster/lookup_result.hpp>
#include <ractor/cluster/node_event.hpp>
#include <ractor/cluster/node_options.hpp>
#include <ractor/cluster/opaque_message.hpp>
#include <ractor/cluster/reply_port_serializer.hpp>

namespace ractor::cluster {

namespace detail {
class node_core;
/// A lookup before it is typed: a reference of the right type, or why not.
struct raw_lookup {
    lookup_status status = lookup_status::timeout;
    any_actor_ref ref;
    std::string error;
};
}  // namespace detail

/// Counters of one node, for tests and operators.
struct node_stats {
    /// Running session actors: one per accepted connection, and one per dialled address,
    /// also while it waits to redial.
    std::size_t open_connections = 0;
    std::uint64_t sessions_up = 0;      ///< handshakes completed
    std::uint64_t refused = 0;          ///< handshakes refused or failed, of the kinds below but `refused_tls`
    std::uint64_t refused_cookie = 0;     ///< a proof did not check (either side)
    std::uint64_t refused_identity = 0;   ///< a TLS certificate that does not name the claimed node
    /// Inbound connections the transport failed before a handshake began (TLS handshakes).
    std::uint64_t refused_tls = 0;
    std::uint64_t refused_duplicate = 0;  ///< a session between the two nodes existed or was pending
    std::uint64_t refused_limit = 0;      ///< too many handshakes at once, or shutting down
    std::uint64_t refused_timeout = 0;    ///< the handshake did not finish within connect_timeout
    std::uint64_t refused_by_peer = 0;    ///< the peer refused us or closed during the handshake
    std::uint64_t protocol_errors = 0;  ///< connections closed for bad input (malformed frames, limits crossed)
    std::uint64_t undelivered = 0;      ///< messages that could not be encoded, decoded or delivered
    /// Watches peers hold on this node's actors (one per actor and watching peer): the exits
    /// this node will report. A peer drops its watch when its last proxy of the actor stops.
    std::size_t remote_watchers = 0;
};

/// One node of a cluster (Erlang's distribution, ractor_cluster's NodeServer).
///
/// Runs as actors of `system`: an acceptor, one session actor per connection and one agent
/// that keeps process groups and remote monitors in sync. Message types that cross the wire
/// must be registered (the same name on every node) and serialisable with nlohmann_json's
/// `to_json`/`from_json`; group members of other types appear as proxies of
/// `opaque_message`, which can be monitored but not sent to. Destroy the node before its
/// actor system, or `attach` it to the system so that it goes with it (what a simulated crash
/// needs); references to remote actors must not be used after the node is gone.
class node {
public:
    /// Starts the node on `system` and, if `options.listen_address` is set, listens there.
    /// Throws std::runtime_error if the runtime has no transport or the address cannot be bound.
    node(actor_system& system, node_options options);
    ~node();
    node(const node&) = delete;
    node& operator=(const node&) = delete;

    /// This node's name.
    const std::string& name() const noexcept;
    /// The bound listen address (with the real port), empty if not listening.
    std::string address() const;

    /// Lets messages of type `Msg` cross the wire under `type_name`, which must be the same on
    /// every node. Throws std::invalid_argument if the name or the type is registered already.
    template <class Msg>
    void register_message(std::string type_name) {
        add_codec(detail::make_codec<Msg>(std::move(type_name)));
    }

    /// Dials `address` in the background; once connected the session is kept up, redialling
    /// with backoff after a loss. Dialling an address that is being dialled already does nothing.
    void connect(std::string address);
    /// The names of the connected peers, sorted.
    std::vector<std::string> nodes() const;
    /// True if a session with `node_name` is up.
    bool is_connected(std::string_view node_name) const;
    /// Sends `watcher` a `node_event` whenever a peer comes up or goes down.
    void monitor_nodes(actor_ref<node_event> watcher);
    /// Closes the current session with `node_name` as a connection reset would (a dialling
    /// side redials); false if there was none.
    bool reset_connection(std::string_view node_name);

    /// The actor registered as `actor_name` on node `node_name` (this node included), typed
    /// for `Msg`; waits at most `timeout` (default: the lookup timeout of the options).
    template <class Msg>
    lookup_result<Msg> where_is(std::string_view node_name, std::string_view actor_name,
                                std::optional<duration> timeout = std::nullopt) {
        return typed<Msg>(lookup(node_name, actor_name, typeid(Msg), timeout));
    }
    /// The actor registered as `actor_name` on this node or, if not here, on the first
    /// connected node (by name) that has it.
    template <class Msg>
    lookup_result<Msg> where_is(std::string_view actor_name) {
        return typed<Msg>(lookup_anywhere(actor_name, typeid(Msg)));
    }

    /// Counters so far.
    node_stats stats() const;
    /// Recent notable events (refusals, protocol errors, sessions up and down), oldest first.
    std::vector<std::string> log() const;
    /// Says goodbye to every peer, stops the node's actors and every remote proxy. Idempotent.
    void shutdown();

private:
    template <class Msg>
    static lookup_result<Msg> typed(detail::raw_lookup raw) {
        if (raw.status != lookup_status::found) return lookup_result<Msg>::failed(raw.status, std::move(raw.error));
        return lookup_result<Msg>::found(actor_ref<Msg>(raw.ref.cell()));
    }
    void add_codec(detail::message_codec codec);
    detail::raw_lookup lookup(std::string_view node_name, std::string_view actor_name, const std::type_info& type,
                              std::optional<duration> timeout);
    detail::raw_lookup lookup_anywhere(std::string_view actor_name, const std::type_info& type);

    std::shared_ptr<detail::node_core> core_;
};

}  // namespace ractor::cluster
