#include "tcp_listener.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "connection_setup.hpp"
#include "host.hpp"
#include "tcp_address.hpp"

namespace ractor::asio_backend {

namespace {

/// How long the loop waits after a failed accept (out of descriptors, say) before it retries.
constexpr std::chrono::milliseconds accept_retry_delay{50};

}  // namespace

acceptor_core::acceptor_core(boost::asio::ip::tcp::acceptor acceptor,
                             std::shared_ptr<const net_settings> settings)
    : acceptor_(std::move(acceptor)),
      settings_(std::move(settings)),
      accepted_(settings_->executor),
      retry_timer_(acceptor_.get_executor()) {}

void acceptor_core::start() {
    boost::asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->accept_more(); });
}

void acceptor_core::close() {
    accepted_.close();
    accepted_.take_all();  // connections not accepted yet close as they are dropped
    // Once the host stops, nothing runs the io_context any more (and it may be going away).
    if (settings_->host.stopping()) return;
    boost::asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
        self->closed_ = true;
        boost::system::error_code ignored;
        self->acceptor_.close(ignored);
        self->retry_timer_.cancel();
    });
}

void acceptor_core::accept_more() {
    if (closed_) return;
    acceptor_.async_accept([self = shared_from_this()](const boost::system::error_code& ec,
                                                       boost::asio::ip::tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
    });
}

void acceptor_core::on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket) {
    if (closed_ || ec == boost::asio::error::operation_aborted) return;
    if (ec) {
        retry_timer_.expires_after(accept_retry_delay);
        retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
            if (!e) self->accept_more();
        });
        return;
    }
    boost::system::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    auto setup = std::make_shared<connection_setup>(
        acceptor_.get_executor(), settings_,
        peer_ec ? std::string("an accepted peer") : format_endpoint(peer),
        // A failed handshake drops that connection only.
        [self = shared_from_this()](std::unique_ptr<connection> c, const std::string&) {
            if (c) self->accepted_.push(std::move(c));
        });
    setup->accept(std::move(socket));
    accept_more();
}

}  // namespace ractor::asio_backend
