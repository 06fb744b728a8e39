#include "tcp_connection.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include "host.hpp"
#include "tls_identity.hpp"
#include "worker.hpp"

namespace ractor::asio_backend {

namespace {

/// Bytes one read asks the socket for.
constexpr std::size_t read_chunk = 64 * 1024;
/// Frames up to this size are copied next to their length prefix, so that many small frames
/// leave in one contiguous piece (one TLS record, few iovecs); larger ones are gathered.
constexpr std::size_t copy_limit = 16 * 1024;
/// A write stops taking queued frames beyond these.
constexpr std::size_t batch_bytes = 1024 * 1024;
constexpr std::size_t batch_pieces = 64;
/// How long a closed connection keeps trying to write the frames queued before the close.
constexpr std::chrono::seconds linger_time{2};

std::vector<std::string> verified_names(const plain_stream&) { return {}; }
std::vector<std::string> verified_names(tls_stream& s) { return verified_peer_names(s.native_handle()); }

}  // namespace

template <class Stream>
stream_core<Stream>::stream_core(Stream stream, std::shared_ptr<const net_settings> settings,
                                 link_faults::link link, std::vector<std::string> peer_identity)
    : stream_(std::move(stream)),
      settings_(std::move(settings)),
      link_(std::move(link)),
      peer_identity_(std::move(peer_identity)),
      received_(settings_->executor),
      decoder_(settings_->max_frame_size),
      read_buffer_(read_chunk),
      linger_(stream_.get_executor()) {}

template <class Stream>
void stream_core<Stream>::start() {
    read_more();
}

template <class Stream>
frame_send_status stream_core<Stream>::send(frame_bytes&& frame) {
    if (frame.size() > settings_->max_frame_size) return frame_send_status::too_large;
    // Once the host stops, nothing runs the io_context any more (and it may be going away).
    if (settings_->host.stopping()) return frame_send_status::closed;
    // A partition drops the frame as it is sent, as a cut cable would: the connection stays
    // open, and frames queued before the cut still leave in order.
    const bool cut = link_.cut();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) return frame_send_status::closed;
        if (send_queue_full()) return frame_send_status::busy;
        if (cut) {
            frame.clear();
            return frame_send_status::sent;
        }
        unwritten_bytes_ += frame.size();
        outgoing_.push_back(std::move(frame));
        if (writing_) return frame_send_status::sent;
        writing_ = true;
    }
    start_writing();
    return frame_send_status::sent;
}

// An empty queue takes any frame, so that a zero limit still lets one through at a time.
template <class Stream>
bool stream_core<Stream>::send_queue_full() const {
    return unwritten_bytes_ > 0 && unwritten_bytes_ >= settings_->send_queue_limit;
}

template <class Stream>
void stream_core<Stream>::start_writing() {
    // On the socket's own thread the write starts at once; from elsewhere a post hands it
    // over (and wakes the worker if it sleeps in its io_context).
    worker* here = settings_->host.local_worker();
    if (here != nullptr && &here->io() == &boost::asio::query(stream_.get_executor(),
                                                               boost::asio::execution::context)) {
        write_more();
        return;
    }
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->write_more(); });
}

template <class Stream>
writable_status stream_core<Stream>::wait_writable(std::optional<time_point> deadline) {
    const auto room = [this] { return closed_ || !send_queue_full(); };
    const wake_reason why = writers_.wait(settings_->executor, mutex_, deadline, room);
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return writable_status::closed;
    if (why == wake_reason::unparked) return writable_status::ready;
    // Interrupted outside an actor: the runtime is shutting down.
    return why == wake_reason::timed_out ? writable_status::timed_out : writable_status::closed;
}

template <class Stream>
received_frame stream_core<Stream>::receive(std::optional<time_point> deadline) {
    received_frame r = received_.receive(deadline);
    if (r.what == received_frame::kind::frame) resume_reading();
    return r;
}

// Writers wake when the queue drops below the limit or the connection closes.
template <class Stream>
void stream_core<Stream>::wake_writers() {
    std::vector<park_token> woken;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!closed_ && send_queue_full()) return;
        woken = writers_.take();
    }
    detail::unpark_all(settings_->executor, woken);
}

template <class Stream>
void stream_core<Stream>::close() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) return;
        closed_ = true;
    }
    received_.close("closed");
    wake_writers();
    if (settings_->host.stopping()) return;
    boost::asio::post(stream_.get_executor(),
                      [self = this->shared_from_this()] { self->close_when_flushed(); });
}

template <class Stream>
void stream_core<Stream>::read_more() {
    stream_.async_read_some(boost::asio::buffer(read_buffer_),
                            [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                              std::size_t n) { self->on_read(ec, n); });
}

template <class Stream>
void stream_core<Stream>::on_read(const boost::system::error_code& ec, std::size_t n) {
    if (finished_) return;
    if (n > 0) {
        std::string invalid = decoder_.feed(read_buffer_.data(), n, [this](frame_bytes&& frame) {
            received_.push(std::move(frame));
        });
        if (!invalid.empty()) {
            finish(std::move(invalid));
            return;
        }
    }
    if (ec) {
        finish(describe_end(ec));
        return;
    }
    if (!pause_reading()) read_more();
}

template <class Stream>
bool stream_core<Stream>::pause_reading() {
    // Under the mutex, so that a receive taking the queue below half either sees the pause
    // or has its frame's bytes already subtracted here.
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t queued = received_.queued_bytes();
    // With nothing queued no receive would resume the loop, so a zero limit pauses nothing.
    reading_paused_ = queued > 0 && queued >= settings_->receive_queue_limit;
    return reading_paused_;
}

template <class Stream>
void stream_core<Stream>::resume_reading() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!reading_paused_ || received_.queued_bytes() > settings_->receive_queue_limit / 2) return;
        reading_paused_ = false;
    }
    if (settings_->host.stopping()) return;
    boost::asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
        if (!self->finished_) self->read_more();
    });
}

template <class Stream>
void stream_core<Stream>::write_more() {
    if (finished_) return;
    bool close_now = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        std::size_t bytes = 0;
        std::size_t pieces = 0;
        while (!outgoing_.empty() && bytes < batch_bytes && pieces < batch_pieces) {
            const std::size_t size = outgoing_.front().size();
            bytes += frame_header_size + size;
            pieces += size > copy_limit ? 2 : 0;
            sending_.push_back(std::move(outgoing_.front()));
            outgoing_.pop_front();
        }
        if (sending_.empty()) {
            writing_ = false;
            close_now = closed_;
        }
    }
    if (sending_.empty()) {
        if (close_now) finish("closed");
        return;
    }
    std::size_t copied = 0;
    for (const auto& f : sending_) copied += frame_header_size + (f.size() <= copy_limit ? f.size() : 0);
    gathered_.resize(copied);
    std::size_t run_start = 0;
    std::size_t at = 0;
    for (const auto& f : sending_) {
        put_frame_length(gathered_.data() + at, static_cast<std::uint32_t>(f.size()));
        at += frame_header_size;
        if (f.size() <= copy_limit) {
            std::copy(f.begin(), f.end(), gathered_.begin() + static_cast<std::ptrdiff_t>(at));
            at += f.size();
        } else {
            pieces_.push_back(boost::asio::buffer(gathered_.data() + run_start, at - run_start));
            pieces_.push_back(boost::asio::buffer(f));
            run_start = at;
        }
    }
    if (at > run_start) pieces_.push_back(boost::asio::buffer(gathered_.data() + run_start, at - run_start));
    boost::asio::async_write(stream_, pieces_,
                             [self = this->shared_from_this()](const boost::system::error_code& ec,
                                                               std::size_t) { self->on_written(ec); });
}

template <class Stream>
void stream_core<Stream>::on_written(const boost::system::error_code& ec) {
    std::size_t written = 0;
    for (const auto& f : sending_) written += f.size();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        unwritten_bytes_ -= written;
    }
    wake_writers();
    sending_.clear();
    gathered_.clear();
    pieces_.clear();
    if (finished_) return;
    if (ec) {
        finish(describe_end(ec));
        return;
    }
    write_more();
}

template <class Stream>
void stream_core<Stream>::close_when_flushed() {
    if (finished_) return;
    bool busy = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        busy = writing_;
    }
    if (!busy) {
        finish("closed");
        return;
    }
    // write_more finishes once the queue is empty; a peer that stops reading gets this long.
    linger_.expires_after(linger_time);
    linger_.async_wait([self = this->shared_from_this()](const boost::system::error_code& ec) {
        if (!ec) self->finish("closed before the queued frames were written");
    });
}

template <class Stream>
void stream_core<Stream>::finish(std::string reason) {
    if (finished_) return;
    finished_ = true;
    received_.close(std::move(reason));
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        outgoing_.clear();
    }
    wake_writers();
    linger_.cancel();
    // The end of a connection is news for the peer too: across a partition the socket stays
    // open, silent, until the heal.
    const bool held = link_.hold_until_heal([self = this->shared_from_this()] {
        boost::asio::post(self->stream_.get_executor(), [self] { self->close_socket(); });
    });
    if (!held) close_socket();
}

template <class Stream>
void stream_core<Stream>::close_socket() {
    boost::system::error_code ignored;
    stream_.lowest_layer().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
}

template <class Stream>
std::string stream_core<Stream>::describe_end(const boost::system::error_code& ec) const {
    if (ec == boost::asio::error::operation_aborted) return "closed";
    if (ec == boost::asio::error::connection_reset) return "connection reset by peer";
    if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated) {
        return decoder_.mid_frame()
                   ? "truncated frame: the peer closed the connection in the middle of a frame"
                   : "closed by peer";
    }
    return "connection lost: " + ec.message();
}

template <class Stream>
std::unique_ptr<connection> make_tcp_connection(Stream stream, std::shared_ptr<const net_settings> settings,
                                                link_faults::link link) {
    std::vector<std::string> names = verified_names(stream);
    auto core = std::make_shared<stream_core<Stream>>(std::move(stream), std::move(settings), std::move(link),
                                                      std::move(names));
    core->start();
    return std::make_unique<tcp_connection<Stream>>(std::move(core));
}

template class stream_core<plain_stream>;
template class stream_core<tls_stream>;
template std::unique_ptr<connection> make_tcp_connection(plain_stream, std::shared_ptr<const net_settings>,
                                                         link_faults::link);
template std::unique_ptr<connection> make_tcp_connection(tls_stream, std::shared_ptr<const net_settings>,
                                                         link_faults::link);

}  // namespace ractor::asio_backend
