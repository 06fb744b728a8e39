#pragma once
// The transport role of the asio backend: TCP, optionally TLS, on the workers' io_contexts.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <ractor/asio_backend/node_network_options.hpp>
#include <ractor/runtime/executor.hpp>
#include <ractor/runtime/transport.hpp>

namespace ractor::asio_backend {

class host;
class worker;
struct net_settings;

/// The network of one node of a host: "host:port" addresses, length-prefixed frames.
///
/// Every socket lives on one worker's io_context (the calling worker's, or the next in turn
/// for calls from other threads), and only that worker touches it. Connecting and accepting
/// park the calling fiber (or block a thread outside the host) until the socket is ready;
/// with TLS the handshake is part of that.
class tcp_transport final : public transport {
public:
    /// Throws `std::invalid_argument` when a TLS file cannot be used.
    tcp_transport(host& h, std::uint64_t node, executor& ex, std::size_t max_frame_size,
                  const node_network_options& opts);
    ~tcp_transport() override;

    tcp_transport(const tcp_transport&) = delete;
    tcp_transport& operator=(const tcp_transport&) = delete;

    listen_result listen(const std::string& address) override;
    connect_result connect(const std::string& address, std::optional<time_point> deadline) override;

private:
    worker& socket_worker() const noexcept;

    std::shared_ptr<const net_settings> settings_;
};

}  // namespace ractor::asio_backend
