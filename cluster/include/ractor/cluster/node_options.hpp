#pragma once
/// \file
/// The settings of one cluster node.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <ractor/runtime/time.hpp>

namespace ractor::cluster {

/// How a node names itself, authenticates, listens and watches its sessions.
struct node_options {
    /// The node's name in the cluster; unique among the nodes that connect to each other.
    /// 1 to 255 bytes of printable ASCII without spaces.
    std::string name;
    /// The shared secret every node of the cluster must know (Erlang's cookie); must not be
    /// empty. Use a long random string: it is the only thing that keeps others out.
    std::string cookie;
    /// Where to accept connections (`host:port` on asio, port 0 picks one; any unique name
    /// in the simulator). Empty: this node only dials out.
    std::string listen_address;
    /// How often a session sends a heartbeat.
    duration heartbeat_interval = std::chrono::seconds(1);
    /// A session that received nothing for this long is closed and its node is down.
    duration node_down_timeout = std::chrono::seconds(5);
    /// The first delay before redialling a lost peer; doubled per failed attempt.
    duration reconnect_backoff_min = std::chrono::milliseconds(100);
    /// The largest delay between two dial attempts (before jitter).
    duration reconnect_backoff_max = std::chrono::seconds(5);
    /// How long a dial plus its handshake may take.
    duration connect_timeout = std::chrono::seconds(5);
    /// How long a remote `where_is` waits for its answer.
    duration lookup_timeout = std::chrono::seconds(5);
    /// The largest frame this node sends or accepts, in bytes.
    std::size_t max_frame_size = std::size_t{1} << 20;
    /// With TLS, the names of the peer's verified certificate (CN and DNS SANs) must include
    /// the node name it claims in the handshake; otherwise any holder of a certificate from
    /// the cluster's CA who knows the cookie could join under any name.
    bool check_tls_identity = true;
    /// The process-group scopes kept in sync with the other nodes. Group frames of other
    /// scopes are ignored.
    std::vector<std::string> pg_scopes{"default"};

    // Limits that keep one peer, or anyone who can reach the port, from exhausting the node.
    // Crossing one closes that connection (counted in node_stats, noted in the log).

    /// Accepted connections that have not finished their handshake; more are closed at once.
    std::size_t max_pending_handshakes = 64;
    /// Process-group members one peer may have here, over all its groups.
    std::size_t max_members_per_peer = 10'000;
    /// Proxies this node keeps for the actors of one peer.
    std::size_t max_proxies_per_peer = 10'000;
    /// Messages a proxy holds while its session cannot send them yet. A cast to a remote
    /// actor whose proxy is full is refused with `send_status::mailbox_full` (a call fails at
    /// once): the sender learns to slow down, nothing is dropped while reported as sent.
    std::size_t max_queued_per_proxy = 10'000;
};

}  // namespace ractor::cluster
