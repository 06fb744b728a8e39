#pragma once
// A framed connection over a TCP socket or a TLS stream on one worker's io_context.

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <ractor/detail/frame_queue.hpp>
#include <ractor/detail/wait_list.hpp>
#include <ractor/runtime/transport.hpp>

#include "frame_decoder.hpp"
#include "link_faults.hpp"
#include "net_settings.hpp"

namespace ractor::asio_backend {

/// A plain TCP stream.
using plain_stream = boost::asio::ip::tcp::socket;
/// A TLS stream over TCP.
using tls_stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

/// The state of one connection that its socket's completion handlers share with its user.
///
/// The stream is touched only on its io_context's thread (one worker): `send` and `close`
/// from other threads queue under the mutex and post. One read is outstanding unless the
/// received frames waiting for `receive` reach the receive limit; at most one write is, with
/// the frames queued behind it gathered into the next write. While a partition of the host
/// separates the connection's two nodes, `send` drops frames silently and a connection that
/// ends keeps its socket open until the heal.
template <class Stream>
class stream_core final : public std::enable_shared_from_this<stream_core<Stream>> {
public:
    stream_core(Stream stream, std::shared_ptr<const net_settings> settings, link_faults::link link,
                std::vector<std::string> peer_identity);

    /// Starts the read loop (on the stream's thread, or before any other thread sees it).
    void start();
    /// See `connection::send`. Any thread.
    frame_send_status send(frame_bytes&& frame);
    /// See `connection::wait_writable`. Any fiber.
    writable_status wait_writable(std::optional<time_point> deadline);
    /// See `connection::receive`. One fiber at a time.
    received_frame receive(std::optional<time_point> deadline);
    /// See `connection::peer_identity`.
    const std::vector<std::string>& peer_identity() const noexcept { return peer_identity_; }
    /// Stops receiving at once; frames already queued are still written (for a short while)
    /// before the socket closes. Any thread; idempotent.
    void close();

private:
    void read_more();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    /// True (and reading paused) if the received frames reached the receive limit.
    bool pause_reading();
    /// Restarts a paused read loop once `receive` has taken half of the limit. Any thread.
    void resume_reading();
    /// True if `send` must say busy (`mutex_` held).
    bool send_queue_full() const;
    /// Starts the next write now on the stream's own thread, else by a post.
    void start_writing();
    /// Wakes the fibers in `wait_writable` if the queue has room or is closed (`mutex_` not held).
    void wake_writers();
    void write_more();
    void on_written(const boost::system::error_code& ec);
    void close_when_flushed();
    /// Closes the socket and the receiving end with `reason` (stream thread only).
    void finish(std::string reason);
    void close_socket();
    std::string describe_end(const boost::system::error_code& ec) const;

    Stream stream_;
    std::shared_ptr<const net_settings> settings_;
    const link_faults::link link_;
    const std::vector<std::string> peer_identity_;
    detail::frame_queue received_;

    // Stream thread only.
    frame_decoder decoder_;
    std::vector<std::uint8_t> read_buffer_;
    std::vector<frame_bytes> sending_;      // frames of the write in flight
    std::vector<std::uint8_t> gathered_;    // length prefixes and small frames, copied
    std::vector<boost::asio::const_buffer> pieces_;
    boost::asio::steady_timer linger_;
    bool finished_ = false;

    // Shared with other threads, under mutex_.
    std::mutex mutex_;
    std::deque<frame_bytes> outgoing_;
    std::size_t unwritten_bytes_ = 0;  // of outgoing_ and sending_: the send queue's size
    detail::wait_list writers_;        // fibers in wait_writable
    bool writing_ = false;             // a write is in flight or posted
    bool closed_ = false;              // no more sends
    bool reading_paused_ = false;      // no read outstanding: the receive limit was reached
};

/// A connection handed out by the transport; closes its stream when destroyed.
template <class Stream>
class tcp_connection final : public connection {
public:
    explicit tcp_connection(std::shared_ptr<stream_core<Stream>> core) noexcept
        : core_(std::move(core)) {}
    ~tcp_connection() override { core_->close(); }

    tcp_connection(const tcp_connection&) = delete;
    tcp_connection& operator=(const tcp_connection&) = delete;

    frame_send_status send(frame_bytes&& frame) override { return core_->send(std::move(frame)); }
    writable_status wait_writable(std::optional<time_point> deadline) override {
        return core_->wait_writable(deadline);
    }
    received_frame receive(std::optional<time_point> deadline) override {
        return core_->receive(deadline);
    }
    void close() override { core_->close(); }
    std::vector<std::string> peer_identity() const override { return core_->peer_identity(); }

private:
    std::shared_ptr<stream_core<Stream>> core_;
};

/// Wraps an established stream (connected, and for TLS handshaken) into a connection whose
/// read loop has started; `link` is its place in the host's link-fault table. A TLS stream's
/// verified peer names become the connection's `peer_identity`. Called on the stream's thread.
template <class Stream>
std::unique_ptr<connection> make_tcp_connection(Stream stream, std::shared_ptr<const net_settings> settings,
                                                link_faults::link link);

}  // namespace ractor::asio_backend
