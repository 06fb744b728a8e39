#pragma once
// Turns a socket into a connection: resolve and connect (client), then the TLS handshake.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <ractor/runtime/transport.hpp>

#include "link_faults.hpp"
#include "net_settings.hpp"
#include "tcp_connection.hpp"

namespace ractor::asio_backend {

/// One connection being set up on one io_context; every member function runs on its thread
/// (`io` is that io_context's executor).
///
/// The same steps serve both ends: a connecting node resolves, connects and (with TLS) does
/// the client handshake; an accepting node does the server handshake. Exactly one call of the
/// completion function reports a connection or an error. A connect that reaches a node of the
/// same host across a partition gets no answer: its socket is held, silent, and the attempt
/// fails with `connection timed out` after `partitioned_connect_time_limit` (or at the
/// caller's deadline, which abandons it).
/// How long a connect across a partition goes unanswered before it fails (as the simulator's
/// default `network.connect_timeout`).
inline constexpr std::chrono::seconds partitioned_connect_time_limit{5};

class connection_setup final : public std::enable_shared_from_this<connection_setup> {
public:
    using done_fn = std::function<void(std::unique_ptr<connection>, std::string error)>;

    /// `peer` names the other end in error messages.
    connection_setup(const boost::asio::any_io_executor& io, std::shared_ptr<const net_settings> settings,
                     std::string peer, done_fn done);

    /// Resolves `host` unless it is a numeric address, connects, then handshakes.
    void connect(const std::string& host, std::uint16_t port);
    /// Handshakes on an accepted socket, whose place in the host's link-fault table is `link`.
    void accept(boost::asio::ip::tcp::socket socket, link_faults::link link);
    /// Gives up with `reason` unless already done.
    void cancel(const std::string& reason);
    /// The executor of the io_context everything here runs on.
    boost::asio::any_io_executor executor() { return resolver_.get_executor(); }

private:
    void connect_to(const boost::asio::ip::tcp::resolver::results_type& endpoints);
    /// Checks the host's partitions once a connect has reached its listener.
    void opened();
    void established(boost::asio::ssl::stream_base::handshake_type role);
    void succeed(std::unique_ptr<connection> c);
    void fail(std::string error);

    std::shared_ptr<const net_settings> settings_;
    std::string peer_;
    done_fn done_;
    boost::asio::ip::tcp::resolver resolver_;
    boost::asio::ip::tcp::socket socket_;
    std::optional<tls_stream> tls_;
    link_faults::link link_;
    boost::asio::steady_timer handshake_timer_;  // also times a connect held by a partition
    bool finished_ = false;
};

}  // namespace ractor::asio_backend
