#pragma once
// Connections a listener accepted and the one fiber waiting for them.

#include <deque>
#include <memory>

#include <ractor/detail/spinlock.hpp>
#include <ractor/runtime/executor.hpp>
#include <ractor/runtime/transport.hpp>

namespace ractor::asio_backend {

/// The accepting end of a listener: the socket side pushes, `pop` parks through the executor.
///
/// The same protocol as `detail::frame_queue`, for connections instead of frames.
class connection_queue {
public:
    explicit connection_queue(executor& ex) noexcept : exec_(ex) {}

    /// Appends an accepted connection and wakes the waiter; once closed the connection is
    /// dropped (and so closed) instead.
    void push(std::unique_ptr<connection> c);

    /// Refuses further connections, drops the queued ones and wakes the waiter. Idempotent.
    void close();

    /// The next connection; null once closed (or when the runtime shuts down).
    /// Inside an actor a kill interrupts the wait.
    std::unique_ptr<connection> pop();

private:
    executor& exec_;
    detail::spinlock lock_;
    std::deque<std::unique_ptr<connection>> ready_;
    bool closed_ = false;
    park_token waiter_{};
};

}  // namespace ractor::asio_backend
