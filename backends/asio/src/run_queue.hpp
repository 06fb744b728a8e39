#pragma once
// The queue of runnables of one worker thread.

#include <atomic>
#include <cstddef>
#include <mutex>

#include <ractor/runtime/executor.hpp>

namespace ractor::asio_backend {

/// Where `run_queue::push` puts a runnable.
enum class queue_place : unsigned char {
    back,   ///< behind everything queued: the order of wake-ups
    fresh,  ///< on the fresh stack: work just made here (a spawned actor's first run)
};

/// The runnables of one worker: a FIFO of woken work and a LIFO stack of fresh work, both
/// linked through `runnable::queue_next`. Fresh work runs first and newest first, so a tree
/// of spawns is run depth-first and few of its actors are alive at once (CAF's scheduler
/// does the same); every `fifo_turn`-th pop takes the FIFO's oldest instead, so a stream of
/// spawns delays woken work by a bounded number of runs, never starves it. A mutex guards
/// the queue because its owner, schedulers on other threads and idle thieves all reach it;
/// the size is also readable without the lock, for heuristics and the sleep/wake handshake.
class run_queue {
public:
    /// Adds `r` at `where` and returns the size after the push.
    std::size_t push(runnable& r, queue_place where = queue_place::back) noexcept;

    /// Takes the next runnable, or null if the queue is empty.
    runnable* pop() noexcept;

    /// Moves up to `max` runnables to the back of `to`, the FIFO's oldest first, then from
    /// the top of the fresh stack; returns how many moved.
    std::size_t steal_into(run_queue& to, std::size_t max) noexcept;

    /// Empties the queue for good, handing each runnable its `discard` (the stop).
    void discard_all() noexcept;

    /// The number of queued runnables (a snapshot).
    std::size_t size() const noexcept { return size_.load(std::memory_order_seq_cst); }

private:
    /// A singly linked list with both ends.
    struct chain {
        runnable* head = nullptr;
        runnable* tail = nullptr;
        void push_back(runnable* first, runnable* last) noexcept;
        void push_front(runnable& r) noexcept;
        runnable* pop_front() noexcept;
        /// Detaches up to `max` runnables from the front into `out`; returns how many.
        std::size_t take_front(std::size_t max, chain& out) noexcept;
    };
    /// Pops of fresh work in a row after which the FIFO gets a turn.
    static constexpr unsigned fifo_turn = 8;

    void append_chain(chain c, std::size_t n) noexcept;

    std::mutex mutex_;
    chain fifo_;
    chain fresh_;  // newest first
    unsigned fresh_streak_ = 0;
    std::atomic<std::size_t> size_{0};
};

}  // namespace ractor::asio_backend
