#pragma once
// What every socket of one node's transport shares: its host, node, limits and TLS context.

#include <cstddef>
#include <cstdint>
#include <memory>

#include <boost/asio/ssl/context.hpp>

#include <ractor/runtime/executor.hpp>

namespace ractor::asio_backend {

class host;
class link_faults;

/// The settings of one node's transport, shared (and kept alive) by its sockets' handlers.
struct net_settings {
    asio_backend::host& host;
    /// The host's partitions, which every connection consults.
    link_faults& faults;
    /// The node's id in its host.
    std::uint64_t node;
    ractor::executor& executor;
    std::size_t max_frame_size;
    /// See `node_network_options`.
    std::size_t send_queue_limit;
    std::size_t receive_queue_limit;
    /// The node's TLS context; null for plain TCP.
    std::unique_ptr<boost::asio::ssl::context> tls;
};

}  // namespace ractor::asio_backend
