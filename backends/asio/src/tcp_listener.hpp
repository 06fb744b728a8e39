#pragma once
// A listening TCP socket that hands out connections (after the TLS handshake, if any).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <ractor/detail/parking_queue.hpp>
#include <ractor/runtime/transport.hpp>

#include "link_faults.hpp"
#include "net_settings.hpp"

namespace ractor::asio_backend {

/// The acceptor and its accept loop, shared by the listener and the loop's handlers.
///
/// Accepted sockets stay on the acceptor's io_context, so every handler of that io_context
/// holds only sockets of its own thread. The listener is in the host's link-fault table from
/// construction until it closes; a socket accepted across a partition is closed unseen. While a
/// partition is in force, a socket from this machine whose opener is not known yet waits for
/// it (the opening node registers on its own thread) for up to 100 ms before being handed on.
class acceptor_core final : public std::enable_shared_from_this<acceptor_core> {
public:
    acceptor_core(boost::asio::ip::tcp::acceptor acceptor, std::shared_ptr<const net_settings> settings,
                  const boost::asio::ip::tcp::endpoint& bound);
    ~acceptor_core();

    /// Starts the accept loop (posts it to the acceptor's thread).
    void start();
    /// See `listener::accept`.
    std::unique_ptr<connection> accept() {
        auto p = accepted_.pop(std::nullopt);
        return p.item ? std::move(*p.item) : nullptr;
    }
    /// Stops accepting and wakes a blocked `accept`. Any thread; idempotent.
    void close();
    /// See `listener::failures`. Any thread.
    accept_failures failures() const;

private:
    struct arrival;

    void accept_more();
    void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
    /// Hands an accepted socket on to its handshake, unless a partition cuts it off.
    void admit(const std::shared_ptr<arrival>& a);
    /// Counts a connection lost before it could be handed out.
    void failed(std::string reason);

    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<const net_settings> settings_;
    detail::parking_queue<std::unique_ptr<connection>> accepted_;
    boost::asio::steady_timer retry_timer_;
    const std::uint64_t fault_entry_;  // the listener's id in the host's link-fault table
    bool closed_ = false;  // acceptor thread only
    mutable std::mutex failures_lock_;
    accept_failures failures_;  // under failures_lock_
};

/// What `tcp_transport::listen` hands out; stops listening when destroyed.
class tcp_listener final : public listener {
public:
    tcp_listener(std::shared_ptr<acceptor_core> core, std::string address) noexcept
        : core_(std::move(core)), address_(std::move(address)) {}
    ~tcp_listener() override { core_->close(); }

    tcp_listener(const tcp_listener&) = delete;
    tcp_listener& operator=(const tcp_listener&) = delete;

    std::unique_ptr<connection> accept() override { return core_->accept(); }
    void close() override { core_->close(); }
    std::string address() const override { return address_; }
    accept_failures failures() const override { return core_->failures(); }

private:
    std::shared_ptr<acceptor_core> core_;
    std::string address_;
};

}  // namespace ractor::asio_backend
