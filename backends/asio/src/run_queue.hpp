#pragma once
// The queue of runnables of one worker thread.

#include <atomic>
#include <cstddef>
#include <mutex>

#include <ractor/runtime/executor.hpp>

namespace ractor::asio_backend {

/// A FIFO of runnables linked through `runnable::queue_next`. A mutex guards it because
/// its owner, schedulers on other threads and idle thieves all reach it; the size is also
/// readable without the lock, for heuristics and for the sleep/wake handshake.
class run_queue {
public:
    /// Appends `r` and returns the size after the push.
    std::size_t push(runnable& r) noexcept;

    /// Takes the oldest runnable, or null if the queue is empty.
    runnable* pop() noexcept;

    /// Moves up to `max` of the oldest runnables to the back of `to`; returns how many moved.
    std::size_t steal_into(run_queue& to, std::size_t max) noexcept;

    /// Empties the queue for good, handing each runnable its `discard` (the stop).
    void discard_all() noexcept;

    /// The number of queued runnables (a snapshot).
    std::size_t size() const noexcept { return size_.load(std::memory_order_seq_cst); }

private:
    void append_chain(runnable* head, runnable* tail, std::size_t n) noexcept;

    std::mutex mutex_;
    runnable* head_ = nullptr;
    runnable* tail_ = nullptr;
    std::atomic<std::size_t> size_{0};
};

}  // namespace ractor::asio_backend
