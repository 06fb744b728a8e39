#include "connection_setup.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>

namespace ractor::asio_backend {

namespace {

/// How long a TLS handshake may take before the connection is dropped: a peer that connects
/// and stays silent must not hold a socket forever.
constexpr std::chrono::seconds handshake_time_limit{10};

}  // namespace

connection_setup::connection_setup(const boost::asio::any_io_executor& io,
                                   std::shared_ptr<const net_settings> settings, std::string peer,
                                   done_fn done)
    : settings_(std::move(settings)),
      peer_(std::move(peer)),
      done_(std::move(done)),
      resolver_(io),
      socket_(io),
      handshake_timer_(io) {}

void connection_setup::connect(const std::string& host, std::uint16_t port) {
    boost::system::error_code not_an_address;
    const auto address = boost::asio::ip::make_address(host, not_an_address);
    if (!not_an_address) {
        connect_to(boost::asio::ip::tcp::resolver::results_type::create(
            boost::asio::ip::tcp::endpoint(address, port), host, std::to_string(port)));
        return;
    }
    // Asio resolves names on a thread of its own, so no worker blocks in getaddrinfo.
    resolver_.async_resolve(
        host, std::to_string(port),
        [self = shared_from_this()](const boost::system::error_code& ec,
                                    const boost::asio::ip::tcp::resolver::results_type& found) {
            if (self->finished_) return;
            if (ec) {
                self->fail("cannot connect to " + self->peer_ + ": cannot resolve the host: " + ec.message());
                return;
            }
            self->connect_to(found);
        });
}

void connection_setup::connect_to(const boost::asio::ip::tcp::resolver::results_type& endpoints) {
    boost::asio::async_connect(
        socket_, endpoints,
        [self = shared_from_this()](const boost::system::error_code& ec,
                                    const boost::asio::ip::tcp::endpoint&) {
            if (self->finished_) return;
            if (ec) {
                self->fail("cannot connect to " + self->peer_ + ": " + ec.message());
                return;
            }
            self->opened();
        });
}

void connection_setup::opened() {
    boost::system::error_code local_ec, remote_ec;
    const auto local = socket_.local_endpoint(local_ec);
    const auto remote = socket_.remote_endpoint(remote_ec);
    if (local_ec || remote_ec) {
        fail("cannot connect to " + peer_ + ": " + (local_ec ? local_ec : remote_ec).message());
        return;
    }
    link_ = settings_->faults.opened(settings_->node, local, remote);
    if (!link_.cut()) {
        established(boost::asio::ssl::stream_base::client);
        return;
    }
    // Nothing is sent on a held socket; the other end, if it got accepted, hears nothing.
    handshake_timer_.expires_after(partitioned_connect_time_limit);
    handshake_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
        if (!e) self->cancel("cannot connect to " + self->peer_ + ": connection timed out");
    });
}

void connection_setup::accept(boost::asio::ip::tcp::socket socket, link_faults::link link) {
    socket_ = std::move(socket);
    link_ = std::move(link);
    established(boost::asio::ssl::stream_base::server);
}

void connection_setup::established(boost::asio::ssl::stream_base::handshake_type role) {
    boost::system::error_code ignored;
    // Frames are gathered into writes already; Nagle would only add latency.
    socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
    if (!settings_->tls) {
        succeed(make_tcp_connection(std::move(socket_), settings_, std::move(link_)));
        return;
    }
    tls_.emplace(std::move(socket_), *settings_->tls);
    const std::string failed = (role == boost::asio::ssl::stream_base::client ? "cannot connect to "
                                                                              : "cannot accept from ") +
                               peer_ + ": TLS handshake ";
    handshake_timer_.expires_after(handshake_time_limit);
    handshake_timer_.async_wait([self = shared_from_this(), failed](const boost::system::error_code& ec) {
        if (!ec) self->cancel(failed + "timed out");
    });
    tls_->async_handshake(role, [self = shared_from_this(), failed](const boost::system::error_code& ec) {
        if (self->finished_) return;
        if (ec) {
            self->fail(failed + "failed: " + ec.message());
            return;
        }
        self->succeed(make_tcp_connection(std::move(*self->tls_), self->settings_, std::move(self->link_)));
    });
}

void connection_setup::cancel(const std::string& reason) {
    if (finished_) return;
    boost::system::error_code ignored;
    resolver_.cancel();
    socket_.close(ignored);
    if (tls_) tls_->lowest_layer().close(ignored);
    fail(reason);
}

void connection_setup::succeed(std::unique_ptr<connection> c) {
    if (finished_) return;
    finished_ = true;
    handshake_timer_.cancel();
    std::exchange(done_, nullptr)(std::move(c), {});
}

void connection_setup::fail(std::string error) {
    if (finished_) return;
    finished_ = true;
    handshake_timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (tls_) tls_->lowest_layer().close(ignored);
    std::exchange(done_, nullptr)(nullptr, std::move(error));
}

}  // namespace ractor::asio_backend
