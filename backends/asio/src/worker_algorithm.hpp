#pragma once
// The Boost.Fiber scheduling algorithm of one worker thread.

#include <chrono>
#include <cstddef>

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/scheduler.hpp>

namespace ractor::asio_backend {

class worker;

/// A FIFO of ready fibers of one thread that idles through its worker.
///
/// Only the owning thread touches the ready queue (fibers woken from other threads arrive
/// through Boost's remote queue, which announces them with `notify`). It also counts the
/// ready fibers other than Boost's dispatcher, so the dispatching worker fiber can tell
/// cheaply whether a resumed fiber is waiting for its turn.
class worker_algorithm final : public boost::fibers::algo::algorithm {
public:
    explicit worker_algorithm(worker& w) noexcept;

    void awakened(boost::fibers::context* ctx) noexcept override;
    boost::fibers::context* pick_next() noexcept override;
    bool has_ready_fibers() const noexcept override;
    void suspend_until(const std::chrono::steady_clock::time_point& tp) noexcept override;
    void notify() noexcept override;

    /// Ready fibers other than the dispatcher.
    std::size_t ready_workers() const noexcept { return ready_workers_; }

private:
    worker& worker_;
    boost::fibers::scheduler::ready_queue_type ready_;
    std::size_t ready_workers_ = 0;
};

}  // namespace ractor::asio_backend
