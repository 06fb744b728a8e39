#pragma once
/// \file
/// The receiving end of a connection, shared by every transport implementation.

#include <deque>
#include <optional>
#include <string>

#include <ractor/detail/spinlock.hpp>
#include <ractor/runtime/executor.hpp>
#include <ractor/runtime/transport.hpp>

namespace ractor::detail {

/// Frames that arrived on a connection and the one fiber waiting for them.
///
/// The I/O side (a socket's completion handler on asio, the network's delivery event in the
/// simulator) pushes from any thread; `receive` parks through the executor, so the wait is
/// virtual in the simulator and a kill interrupts it inside an actor.
class frame_queue {
public:
    explicit frame_queue(executor& ex) noexcept : exec_(ex) {}

    /// Appends a received frame and wakes the receiver; false (frame dropped) once closed.
    bool push(frame_bytes frame);

    /// Marks the stream closed with `reason` (the first reason wins) and wakes the receiver.
    /// Frames queued before the close are still delivered, as on a TCP stream.
    void close(std::string reason);

    /// True once `close` was called.
    bool closed() const;

    /// The next frame, the close, or a time-out at `deadline`.
    received_frame receive(std::optional<time_point> deadline);

private:
    executor& exec_;
    mutable spinlock lock_;
    std::deque<frame_bytes> frames_;
    bool closed_ = false;
    std::string reason_;
    park_token waiter_{};
};

}  // namespace ractor::detail
