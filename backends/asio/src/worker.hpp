#pragma once
// One worker thread of a host: its fiber scheduler, run queue, fiber pool, timers and io_context.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/fiber/scheduler.hpp>

#include <ractor/runtime/clock.hpp>
#include <ractor/runtime/executor.hpp>

#include "run_queue.hpp"
#include "timer_table.hpp"
#include "waiter.hpp"

namespace ractor::asio_backend {

class host;
class worker_algorithm;

/// One OS thread of a host and everything only it runs.
///
/// Fibers: normally exactly one worker fiber, the dispatcher, pops runnables and runs them
/// one after another as plain calls. When a runnable parks (or yields with work queued), its
/// fiber hands the dispatcher role to an idle fiber of the pool (or a new one) before it
/// suspends; when it is resumed and its runnable returns, it goes back to the pool. Between
/// runnables the dispatcher takes turns with resumed fibers and fires due timers (their
/// callbacks run on its stack, never on Boost's dispatcher stack).
///
/// Idling happens in Boost's dispatcher context (the algorithm's `suspend_until`): spin for a
/// while checking the queue, timers, woken fibers and other workers' queues (to steal), then
/// sleep in `io_context::run_one`, woken by a post from another thread or by the wake timer
/// armed at the earliest pending timer.
class worker {
public:
    worker(host& h, unsigned index, unsigned count);
    ~worker();

    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;

    /// Launches the thread.
    void start();
    /// Joins the thread; from the thread itself (a host destroyed by its own worker, which is
    /// not supported) it detaches instead, since joining would never return.
    void join();
    /// Whether the calling thread is this worker's thread.
    bool is_current_thread() const noexcept { return current() == this; }

    /// The worker whose thread is calling (of any host), or null.
    static worker* current() noexcept;
    /// The worker fiber that is calling (of any host), or null (another thread, or Boost's
    /// dispatcher or main context of a worker thread).
    static fiber_slot* current_slot() noexcept;

    host& owner_host() const noexcept { return host_; }

    // Callable from any thread.

    /// Queues `r` from another thread and wakes this one if it sleeps.
    void push_remote(runnable& r) noexcept;
    /// Wakes the thread if it sleeps.
    void wake() noexcept;
    /// Whether the dispatcher waits for work (spinning or sleeping).
    bool idle() const noexcept { return idle_.load(std::memory_order_relaxed); }
    /// Whether the thread sleeps.
    bool sleeping() const noexcept { return sleeping_.load(std::memory_order_relaxed); }
    /// Starts a timer on this worker (its callback runs on this thread).
    timer_id start_timer(std::int64_t deadline_ns, timer_callback fn);
    /// Cancels a timer of this worker.
    bool cancel_timer(timer_id id) { return timers_.cancel(id); }
    /// Forgets every pending timer (once the thread has ended).
    void drop_timers() { timers_.clear(); }
    /// Resumes `slot` (of this worker), whose park was just moved from parked to woken.
    void resume(fiber_slot& slot, bool remote) noexcept;
    /// A waiter for parks outside any worker fiber of this thread; such parks never block.
    thread_waiter& outside_waiter() noexcept { return outside_waiter_; }
    /// This thread's io_context, where the sockets it owns live (see tcp_transport).
    boost::asio::io_context& io() noexcept { return io_; }

    // Owner thread only.

    /// Queues `r` from this thread, at `where` (see run_queue).
    void push_local(runnable& r, queue_place where = queue_place::back) noexcept;
    /// Parks the calling worker fiber `self` (see `executor::park`).
    wake_reason park(fiber_slot& self, park_token token, std::optional<time_point> deadline);
    /// Lets other ready work run before `self` continues.
    void yield(fiber_slot& self);

    // Called by the worker's scheduling algorithm.

    void attach(worker_algorithm& algorithm) noexcept { algorithm_ = &algorithm; }
    /// Idles until something is ready to run (Boost's dispatcher has no ready fiber).
    void idle_until(std::chrono::steady_clock::time_point tp) noexcept;

private:
    void thread_main() noexcept;
    fiber_slot& new_slot();
    fiber_slot& take_spare();
    void fiber_main(fiber_slot& self) noexcept;
    void dispatch(fiber_slot& self) noexcept;
    void wait_for_work(fiber_slot& self) noexcept;
    void wake_dispatcher() noexcept;
    void switch_out(fiber_slot& self) noexcept;
    void resumed(fiber_slot& self) noexcept;
    bool timers_due() const noexcept;
    void yield_fiber(fiber_slot& self) noexcept;
    void begin_stop() noexcept;
    void fire_due_timers() noexcept;
    void poll_io() noexcept;
    bool idle_step() noexcept;
    bool steal() noexcept;
    bool steal_stuck() noexcept;
    void snapshot_victims() noexcept;
    bool must_stay_awake() noexcept;
    void sleep(std::int64_t deadline_ns) noexcept;
    void arm_wake_timer(std::int64_t deadline_ns) noexcept;

    host& host_;
    const unsigned index_;

    // Shared with other threads.
    run_queue queue_;
    timer_table timers_;
    std::atomic<bool> sleeping_{false};
    std::atomic<bool> idle_{false};
    std::atomic<std::uint64_t> remote_wakes_{0};  // fibers woken from other threads, not yet run
    std::atomic<std::uint64_t> runs_{0};          // runnables started, watched by thieves
    thread_waiter outside_waiter_;

    // Owner thread only.
    worker_algorithm* algorithm_ = nullptr;
    boost::fibers::scheduler* scheduler_ = nullptr;
    std::deque<std::unique_ptr<fiber_slot>> slots_;  // every fiber this thread ever made
    std::vector<fiber_slot*> pool_;                  // idle fibers
    fiber_slot* dispatcher_ = nullptr;
    bool dispatcher_waiting_ = false;
    bool stop_begun_ = false;
    std::int64_t wake_armed_ = timer_table::never;
    std::vector<std::uint64_t> victim_runs_;
    std::vector<timer_callback> due_buffer_;  // fire_due_timers' batch, kept for its capacity
    std::optional<stack_bounds> thread_stack_;  // the OS thread's own stack, as ASan knew it

    boost::asio::io_context io_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    boost::asio::steady_timer wake_timer_;
    std::thread thread_;
};

}  // namespace ractor::asio_backend
