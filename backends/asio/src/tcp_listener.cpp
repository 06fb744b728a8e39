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
/// How a socket accepted during a partition waits for its opener to be known: steps, up to 100 ms.
constexpr std::chrono::milliseconds opener_wait_step{1};
constexpr int opener_wait_steps = 100;

}  // namespace

/// An accepted socket before its handshake.
struct acceptor_core::arrival {
    boost::asio::ip::tcp::socket socket;
    boost::asio::ip::tcp::endpoint peer;
    link_faults::link link;
    boost::asio::steady_timer timer;
    int waits = 0;
};

acceptor_core::acceptor_core(boost::asio::ip::tcp::acceptor acceptor,
                             std::shared_ptr<const net_settings> settings,
                             const boost::asio::ip::tcp::endpoint& bound)
    : acceptor_(std::move(acceptor)),
      settings_(std::move(settings)),
      accepted_(settings_->executor),
      retry_timer_(acceptor_.get_executor()),
      fault_entry_(settings_->faults.add_listener(settings_->node, bound)) {}

acceptor_core::~acceptor_core() {
    settings_->faults.remove_listener(fault_entry_);
}

void acceptor_core::start() {
    boost::asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->accept_more(); });
}

void acceptor_core::close() {
    // The port may be bound by anyone once closed: connections to it no longer lead here.
    settings_->faults.remove_listener(fault_entry_);
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
        failed("cannot accept: " + ec.message());
        retry_timer_.expires_after(accept_retry_delay);
        retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
            if (!e) self->accept_more();
        });
        return;
    }
    boost::system::error_code peer_ec, local_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    const auto local = socket.local_endpoint(local_ec);
    if (peer_ec || local_ec) {
        failed("cannot accept: the peer left at once: " + (peer_ec ? peer_ec : local_ec).message());
        accept_more();
        return;
    }
    admit(std::make_shared<arrival>(arrival{
        .socket = std::move(socket),
        .peer = peer,
        .link = settings_->faults.accepted(settings_->node, local, peer),
        .timer = boost::asio::steady_timer(acceptor_.get_executor()),
    }));
    accept_more();
}

void acceptor_core::admit(const std::shared_ptr<arrival>& a) {
    if (closed_) return;
    if (a->link.peer_pending() && a->waits < opener_wait_steps) {
        ++a->waits;
        a->timer.expires_after(opener_wait_step);
        a->timer.async_wait([self = shared_from_this(), a](const boost::system::error_code& ec) {
            if (!ec) self->admit(a);
        });
        return;
    }
    // Across a partition the connect never arrived: the socket closes and nobody sees it.
    if (a->link.cut()) return;
    auto setup = std::make_shared<connection_setup>(
        acceptor_.get_executor(), settings_, format_endpoint(a->peer),
        // A failed handshake drops that connection only.
        [self = shared_from_this()](std::unique_ptr<connection> c, std::string error) {
            if (c) {
                self->accepted_.push(std::move(c));
            } else {
                self->failed(std::move(error));
            }
        });
    setup->accept(std::move(a->socket), std::move(a->link));
}

void acceptor_core::failed(std::string reason) {
    std::lock_guard g(failures_lock_);
    ++failures_.count;
    failures_.last_reason = std::move(reason);
}

accept_failures acceptor_core::failures() const {
    std::lock_guard g(failures_lock_);
    return failures_;
}

}  // namespace ractor::asio_backend
