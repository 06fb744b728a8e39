#pragma once
/// \file
/// The receiving end of a connection, shared by every transport implementation.

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>

#include <ractor/detail/parking_queue.hpp>
#include <ractor/runtime/transport.hpp>

namespace ractor::detail {

/// Frames that arrived on a connection and the one fiber waiting for them.
///
/// The I/O side (a socket's completion handler on asio, the network's delivery event in the
/// simulator) pushes from any thread; `receive` parks through the executor (see
/// `parking_queue`). Frames queued before a close are still delivered, as on a TCP stream.
/// It counts the bytes it holds, so that the I/O side can stop reading while the receiver
/// lags behind.
class frame_queue {
public:
    explicit frame_queue(executor& ex) noexcept : frames_(ex) {}

    /// Appends a received frame and wakes the receiver; false (frame dropped) once closed.
    bool push(frame_bytes frame);

    /// Marks the stream closed with `reason` (the first reason wins) and wakes the receiver.
    void close(std::string reason) { frames_.close(std::move(reason)); }

    /// True once `close` was called.
    bool closed() const { return frames_.closed(); }

    /// The next frame, the close, or a time-out at `deadline`.
    received_frame receive(std::optional<time_point> deadline);

    /// The bytes of the frames received and not taken by `receive` yet. Any thread.
    std::size_t queued_bytes() const noexcept { return bytes_.load(std::memory_order_acquire); }

private:
    parking_queue<frame_bytes> frames_;
    std::atomic<std::size_t> bytes_{0};
};

}  // namespace ractor::detail
