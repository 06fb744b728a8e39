#include "tcp_transport.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include <openssl/ssl.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include <ractor/detail/spinlock.hpp>
#include <ractor/detail/wait_list.hpp>

#include "connection_setup.hpp"
#include "host.hpp"
#include "net_settings.hpp"
#include "tcp_address.hpp"
#include "tcp_listener.hpp"
#include "worker.hpp"

namespace ractor::asio_backend {

namespace {

std::unique_ptr<boost::asio::ssl::context> make_tls_context(const tls_options& tls) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    const auto check = [](const boost::system::error_code& ec, const char* what, const std::string& file) {
        if (ec) {
            throw std::invalid_argument(std::string("TLS ") + what + " '" + file + "': " + ec.message());
        }
    };
    boost::system::error_code ec;
    if (!tls.certificate_chain_file.empty()) {
        ctx->use_certificate_chain_file(tls.certificate_chain_file, ec);
        check(ec, "certificate chain file", tls.certificate_chain_file);
    }
    if (!tls.private_key_file.empty()) {
        ctx->use_private_key_file(tls.private_key_file, ssl::context::pem, ec);
        check(ec, "private key file", tls.private_key_file);
        if (!tls.certificate_chain_file.empty() && SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
            throw std::invalid_argument("TLS private key file '" + tls.private_key_file +
                                        "' does not match the certificate");
        }
    }
    if (!tls.ca_file.empty()) {
        ctx->load_verify_file(tls.ca_file, ec);
        check(ec, "CA file", tls.ca_file);
    } else {
        ctx->set_default_verify_paths(ec);
        check(ec, "default trust store", "");
    }
    ctx->set_verify_mode(tls.verify_peer ? ssl::verify_peer | ssl::verify_fail_if_no_peer_cert
                                         : ssl::verify_none);
    return ctx;
}

/// The outcome of one connect attempt, handed from the socket's thread to the caller.
struct connect_wait {
    detail::spinlock lock;
    bool done = false;
    std::unique_ptr<connection> result;
    std::string error;
    detail::wait_list caller;  // the connecting fiber, while it waits
};

std::string shutting_down(const std::string& what) {
    return what + ": the runtime is shutting down";
}

}  // namespace

tcp_transport::tcp_transport(host& h, std::uint64_t node, executor& ex, std::size_t max_frame_size,
                             const node_network_options& opts)
    : settings_(std::make_shared<const net_settings>(net_settings{
          .host = h,
          .faults = h.faults(),
          .node = node,
          .executor = ex,
          // The length prefix has 32 bits.
          .max_frame_size = std::min<std::size_t>(max_frame_size, std::numeric_limits<std::uint32_t>::max()),
          .send_queue_limit = opts.send_queue_limit,
          .receive_queue_limit = opts.receive_queue_limit,
          .tls = opts.tls ? make_tls_context(*opts.tls) : nullptr,
      })) {}

tcp_transport::~tcp_transport() = default;

worker& tcp_transport::socket_worker() const noexcept {
    if (worker* w = settings_->host.local_worker()) return *w;
    return settings_->host.next_worker();
}

listen_result tcp_transport::listen(const std::string& address) {
    const tcp_address parsed = parse_tcp_address(address);
    if (!parsed.error.empty()) return {nullptr, parsed.error};
    boost::system::error_code ec;
    const auto ip = parsed.host.empty() ? boost::asio::ip::address(boost::asio::ip::address_v4::any())
                                        : boost::asio::ip::make_address(parsed.host, ec);
    // Resolving a name here would block the calling thread, which may be a worker.
    if (ec) return {nullptr, "cannot listen on " + address + ": the host must be a numeric IP address"};
    if (settings_->host.stopping()) return {nullptr, shutting_down("cannot listen on " + address)};
    const boost::asio::ip::tcp::endpoint endpoint(ip, parsed.port);
    boost::asio::ip::tcp::acceptor acceptor(socket_worker().io());
    const auto failed = [&] { return listen_result{nullptr, "cannot listen on " + address + ": " + ec.message()}; };
    if (acceptor.open(endpoint.protocol(), ec)) return failed();
    if (acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec)) return failed();
    if (acceptor.bind(endpoint, ec)) return failed();
    if (acceptor.listen(boost::asio::socket_base::max_listen_connections, ec)) return failed();
    const auto bound = acceptor.local_endpoint(ec);
    if (ec) return failed();
    auto core = std::make_shared<acceptor_core>(std::move(acceptor), settings_, bound);
    core->start();
    return {std::make_unique<tcp_listener>(std::move(core), format_endpoint(bound)), {}};
}

connect_result tcp_transport::connect(const std::string& address, std::optional<time_point> deadline) {
    const tcp_address parsed = parse_tcp_address(address);
    if (!parsed.error.empty()) return {nullptr, parsed.error};
    if (parsed.host.empty()) return {nullptr, "invalid address '" + address + "': no host to connect to"};
    const net_settings& s = *settings_;
    if (s.host.stopping()) return {nullptr, shutting_down("cannot connect to " + address)};

    executor& ex = s.executor;
    auto wait = std::make_shared<connect_wait>();
    auto setup = std::make_shared<connection_setup>(
        socket_worker().io().get_executor(), settings_, address,
        [wait, &ex](std::unique_ptr<connection> c, std::string error) {
            std::vector<park_token> woken;
            {
                std::lock_guard g(wait->lock);
                wait->done = true;
                wait->result = std::move(c);
                wait->error = std::move(error);
                woken = wait->caller.take();
            }
            detail::unpark_all(ex, woken);
        });
    boost::asio::post(setup->executor(),
                      [setup, host = parsed.host, port = parsed.port] { setup->connect(host, port); });

    // Leaving without the outcome (a time-out, a shutdown, a kill unwinding through here)
    // abandons the attempt: its socket closes, and a connection made meanwhile is dropped.
    struct abandon_unless_done {
        const net_settings& s;
        std::shared_ptr<connection_setup> setup;
        bool done = false;
        ~abandon_unless_done() {
            if (done || s.host.stopping()) return;
            const auto io = setup->executor();
            boost::asio::post(io, [setup = std::move(setup)] { setup->cancel("abandoned"); });
        }
    } guard{s, setup};

    const wake_reason why = wait->caller.wait(ex, wait->lock, deadline, [&] { return wait->done; });
    {
        std::lock_guard g(wait->lock);
        if (wait->done) {
            guard.done = true;
            return {std::move(wait->result), std::move(wait->error)};
        }
    }
    if (why == wake_reason::timed_out) return {nullptr, "cannot connect to " + address + ": connection timed out"};
    return {nullptr, shutting_down("cannot connect to " + address)};
}

}  // namespace ractor::asio_backend
