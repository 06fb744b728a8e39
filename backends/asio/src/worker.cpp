#include "worker.hpp"

// A worker thread's loop: its fibers, the dispatcher role among them, and its timers. Parking
// and waking are in worker_parking.cpp, the idle, steal and sleep policy in worker_idle.cpp.

#include <time.h>

#include <utility>

#include <boost/fiber/operations.hpp>

#include "host.hpp"
#include "worker_algorithm.hpp"

namespace ractor::asio_backend {

namespace {

thread_local worker* this_worker = nullptr;
thread_local fiber_slot* this_slot = nullptr;

/// Stack of a worker fiber; pages are only touched as deep as handlers go.
constexpr std::size_t fiber_stack_size = 256 * 1024;

/// Runnables between two polls of the io_context while the thread is busy.
constexpr unsigned io_poll_interval = 64;

/// Due timers fired at most between two runnables. When many come due at once (or the
/// thread fell behind), the actors they send to run in between instead of after all of
/// them, and other threads adding timers wait for the table's lock only that long.
constexpr std::size_t timer_batch = 32;

std::int64_t steady_now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// Nanoseconds on the steady clock's base, read from the clock tick (a few ns instead of
/// ~25): never ahead of steady_now_ns() and behind it by at most `coarse_slack_ns`.
std::int64_t coarse_now_ns() noexcept {
#if defined(CLOCK_MONOTONIC_COARSE)
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
#else
    return steady_now_ns();
#endif
}

std::int64_t coarse_slack() noexcept {
#if defined(CLOCK_MONOTONIC_COARSE)
    timespec res{};
    clock_getres(CLOCK_MONOTONIC_COARSE, &res);
    return 2 * (static_cast<std::int64_t>(res.tv_sec) * 1'000'000'000 + res.tv_nsec);
#else
    return 0;
#endif
}

const std::int64_t coarse_slack_ns = coarse_slack();

}  // namespace

worker::worker(host& h, unsigned index, unsigned count)
    : host_(h),
      index_(index),
      timers_(count, index + 1),
      victim_runs_(count, 0),
      work_(boost::asio::make_work_guard(io_)),
      wake_timer_(io_) {}

worker::~worker() = default;

worker* worker::current() noexcept {
    return this_worker;
}

fiber_slot* worker::current_slot() noexcept {
    return this_slot;
}

void worker::start() {
    thread_ = std::thread([this] { thread_main(); });
}

void worker::join() {
    if (!thread_.joinable()) return;
    if (thread_.get_id() == std::this_thread::get_id()) {
        thread_.detach();
    } else {
        thread_.join();
    }
}

void worker::thread_main() noexcept {
    this_worker = this;
    boost::fibers::use_scheduling_algorithm<worker_algorithm>(*this);
    scheduler_ = boost::fibers::context::active()->get_scheduler();
    try {
        dispatcher_ = &new_slot();
    } catch (...) {
        // No fiber, so nothing can run here; other workers steal what lands in this queue.
        stop_begun_ = true;
    }
    // The main context only waits: every fiber ends once the host stops. Fibers made while
    // this loop waits are appended to slots_, so the index loop reaches them too.
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        try {
            if (slots_[i]->fiber_.joinable()) slots_[i]->fiber_.join();
        } catch (...) {
        }
    }
    if (thread_stack_) enter_stack(*thread_stack_);  // what ASan cleans up when the thread ends
    work_.reset();
    this_worker = nullptr;
}

fiber_slot& worker::new_slot() {
    pool_.reserve(slots_.size() + 1);  // so returning to the pool never allocates
    auto owned = std::make_unique<fiber_slot>(*this);
    fiber_slot& slot = *owned;
    slots_.push_back(std::move(owned));
    try {
        slot.fiber_ = boost::fibers::fiber(std::allocator_arg,
                                           recording_stack_allocator(fiber_stack_size, slot.stack_),
                                           [this, &slot] { fiber_main(slot); });
    } catch (...) {
        slots_.pop_back();
        throw;
    }
    return slot;
}

fiber_slot& worker::take_spare() {
    if (pool_.empty()) {
        // A new fiber is ready at once and finds the dispatcher role waiting for it.
        return new_slot();
    }
    fiber_slot* spare = pool_.back();
    pool_.pop_back();
    scheduler_->schedule(spare->context_);
    return *spare;
}

void worker::fiber_main(fiber_slot& self) noexcept {
    self.context_ = boost::fibers::context::active();
    const stack_bounds before = enter_stack(self.stack_);
    if (!thread_stack_) thread_stack_ = before;
    this_slot = &self;
    while (!stop_begun_) {
        if (dispatcher_ == &self) {
            dispatch(self);
            continue;
        }
        pool_.push_back(&self);
        switch_out(self);  // until handed the dispatcher role, or the stop
    }
    this_slot = nullptr;
}

void worker::dispatch(fiber_slot& self) noexcept {
    unsigned since_poll = 0;
    bool just_yielded = false;
    while (dispatcher_ == &self) {
        if (!stop_begun_ && host_.stopping()) begin_stop();
        if (stop_begun_) return;
        if (++since_poll == io_poll_interval) {
            since_poll = 0;
            poll_io();
        }
        fire_due_timers();
        // Resumed fibers take turns with runnables, so a woken handler is never starved by
        // a long queue, and a fiber that keeps yielding never starves the queue either.
        if (!just_yielded &&
            (algorithm_->ready_workers() > 0 ||
             remote_wakes_.load(std::memory_order_relaxed) > 0) &&
            algorithm_->has_ready_fibers()) {
            yield_fiber(self);
            just_yielded = true;
            continue;
        }
        just_yielded = false;
        runnable* r = queue_.pop();
        if (r == nullptr) {
            wait_for_work(self);
            continue;
        }
        runs_.store(runs_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        r->run(host_.budget());
    }
}

void worker::wait_for_work(fiber_slot& self) noexcept {
    dispatcher_waiting_ = true;
    idle_.store(true, std::memory_order_relaxed);
    switch_out(self);  // until wake_dispatcher
}

void worker::wake_dispatcher() noexcept {
    if (!dispatcher_waiting_) return;
    dispatcher_waiting_ = false;
    idle_.store(false, std::memory_order_relaxed);
    scheduler_->schedule(dispatcher_->context_);
}

void worker::switch_out(fiber_slot& self) noexcept {
    this_slot = nullptr;
    boost::fibers::context::active()->suspend();
    resumed(self);
}

void worker::yield_fiber(fiber_slot& self) noexcept {
    this_slot = nullptr;
    boost::this_fiber::yield();
    resumed(self);
}

void worker::resumed(fiber_slot& self) noexcept {
    enter_stack(self.stack_);
    this_slot = &self;
}

timer_id worker::start_timer(std::int64_t deadline_ns, timer_callback fn) {
    const auto added = timers_.add(deadline_ns, std::move(fn));
    if (added.new_earliest && !is_current_thread()) wake();
    return added.id;
}

bool worker::timers_due() const noexcept {
    const std::int64_t earliest = timers_.earliest();
    if (earliest == timer_table::never) return false;
    // Checked between every two runnables: let the cheap clock rule out far deadlines.
    if (earliest > coarse_now_ns() + coarse_slack_ns) return false;
    return earliest <= steady_now_ns();
}

void worker::fire_due_timers() noexcept {
    if (stop_begun_ || !timers_due()) return;
    // The buffer is reused, so firing allocates nothing once it has grown.
    std::vector<timer_callback> due = std::move(due_buffer_);
    try {
        timers_.take_due(steady_now_ns(), timer_batch, due);
    } catch (...) {
        // Out of memory: what was taken runs now, the rest on the next check.
    }
    // Callbacks run on this fiber's stack but count as outside any worker fiber: a park
    // there ends at once instead of parking the dispatcher.
    fiber_slot* const slot = this_slot;
    this_slot = nullptr;
    for (auto& fn : due) {
        try {
            fn();
        } catch (...) {
            // A timer callback has nobody to report to; its failure must not stop the thread.
        }
    }
    due.clear();
    due_buffer_ = std::move(due);
    this_slot = slot;
}

}  // namespace ractor::asio_backend
