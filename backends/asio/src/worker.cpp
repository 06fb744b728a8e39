#include "worker.hpp"

#include <time.h>

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/fiber/operations.hpp>

#include "host.hpp"
#include "worker_algorithm.hpp"

namespace ractor::asio_backend {

namespace {

thread_local worker* this_worker = nullptr;
thread_local fiber_slot* this_slot = nullptr;

/// Stack of a worker fiber; pages are only touched as deep as handlers go.
constexpr std::size_t fiber_stack_size = 256 * 1024;

/// How long an idle thread spins before it sleeps. Longer than waking a sleeping thread takes
/// on the small VMs we measured (20-45 us): with a shorter spin, two threads that hand work
/// back and forth fall into a mode where each sleeps before the other's wake-up arrives,
/// and every hop then costs a full wake-up (measured: ~48 us round trips instead of ~1 us).
constexpr std::chrono::nanoseconds spin_time{100'000};

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

std::chrono::steady_clock::time_point steady_at(std::int64_t ns) noexcept {
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::nanoseconds(ns)));
}

void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

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

void worker::push_local(runnable& r) noexcept {
    const std::size_t queued = queue_.push(r);
    if (dispatcher_waiting_) {
        wake_dispatcher();
        return;
    }
    // More work than this thread is about to take, and nobody spinning to steal it.
    if (queued >= 2 && host_.spinners_.load(std::memory_order_relaxed) == 0 &&
        host_.sleepers_.load(std::memory_order_relaxed) > 0) {
        host_.wake_one_sleeper();
    }
}

void worker::push_remote(runnable& r) noexcept {
    queue_.push(r);
    wake();
}

void worker::wake() noexcept {
    // Pairs with sleep(): it sets sleeping_ and then re-checks the queue, timers and woken
    // fibers; wakers publish those first and then read sleeping_ (all sequentially consistent).
    if (sleeping_.load(std::memory_order_seq_cst) &&
        sleeping_.exchange(false, std::memory_order_seq_cst)) {
        try {
            boost::asio::post(io_, [] {});
        } catch (...) {
            // Out of memory: the thread wakes at its next timer instead.
        }
    }
}

timer_id worker::start_timer(std::int64_t deadline_ns, timer_callback fn) {
    const auto added = timers_.add(deadline_ns, std::move(fn));
    if (added.new_earliest && !is_current_thread()) wake();
    return added.id;
}

void worker::resume(fiber_slot& slot, bool remote) noexcept {
    if (remote) {
        remote_wakes_.fetch_add(1, std::memory_order_seq_cst);
        // Lands in the scheduler's remote queue; its notify() wakes this thread.
        slot.context_->get_scheduler()->schedule_from_remote(slot.context_);
    } else {
        scheduler_->schedule(slot.context_);
    }
}

wake_reason worker::park(fiber_slot& self, park_token token, std::optional<time_point> deadline) {
    const std::uint64_t seen = self.load();
    if (waiter::epoch_of(seen) != token.epoch) return wake_reason::interrupted;  // not our park
    if (waiter::phase_of(seen) == waiter::phase::woken) return waiter::reason_of(seen);
    if (stop_begun_ || host_.stopping()) {
        self.try_wake(token.epoch, wake_reason::interrupted, false);
        return waiter::reason_of(self.load());
    }
    // Everything that can fail happens before the park is published.
    const bool dispatching = dispatcher_ == &self;
    fiber_slot* spare = nullptr;
    bool spare_is_new = false;
    if (dispatching) {
        if (pool_.empty()) {
            spare = &new_slot();
            spare_is_new = true;
        } else {
            spare = pool_.back();
            pool_.pop_back();
        }
    }
    timer_id timer = 0;
    if (deadline) {
        try {
            timer = timers_
                        .add(deadline->time_since_epoch().count(),
                             [token] { unpark_token(token, wake_reason::timed_out); })
                        .id;
        } catch (...) {
            if (spare != nullptr && !spare_is_new) pool_.push_back(spare);
            throw;
        }
    }
    if (!self.try_park(token.epoch)) {
        // Woken from another thread since the check above: do not suspend. A new spare finds
        // itself without the dispatcher role and joins the pool.
        if (spare != nullptr && !spare_is_new) pool_.push_back(spare);
        if (timer != 0) timers_.cancel(timer);
        return waiter::reason_of(self.load());
    }
    if (spare != nullptr) {
        dispatcher_ = spare;
        if (!spare_is_new) scheduler_->schedule(spare->context_);
    }
    // Whoever moves the park from parked to woken schedules this fiber exactly once, so it
    // suspends exactly once (even if that wake-up already happened on another thread).
    switch_out(self);
    const std::uint64_t woke = self.load();
    if (waiter::remote_of(woke)) remote_wakes_.fetch_sub(1, std::memory_order_seq_cst);
    if (timer != 0) timers_.cancel(timer);
    return waiter::reason_of(woke);
}

void worker::yield(fiber_slot& self) {
    // A fiber that yields in a loop keeps Boost's dispatcher from ever idling, and idling is
    // where timers fire and the waiting dispatcher learns of work queued from other threads:
    // do both here.
    fire_due_timers();
    if (!stop_begun_ && queue_.size() > 0) {
        if (dispatcher_ == &self) {
            // Let queued runnables run too: another fiber takes over dispatching.
            dispatcher_ = &take_spare();
        } else {
            wake_dispatcher();
        }
    }
    if (algorithm_->has_ready_fibers()) yield_fiber(self);
}

void worker::begin_stop() noexcept {
    stop_begun_ = true;
    queue_.discard_all();
    for (auto& slot : slots_) {
        const std::uint64_t w = slot->load();
        if (waiter::phase_of(w) == waiter::phase::parked) {
            unpark_token(park_token{slot.get(), waiter::epoch_of(w)}, wake_reason::interrupted);
        }
    }
    for (fiber_slot* idle : pool_) scheduler_->schedule(idle->context_);
    pool_.clear();
    wake_dispatcher();
    dispatcher_ = nullptr;
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

void worker::poll_io() noexcept {
    try {
        io_.poll();
    } catch (...) {
    }
}

void worker::idle_until(std::chrono::steady_clock::time_point tp) noexcept {
    host_.spinners_.fetch_add(1, std::memory_order_relaxed);
    snapshot_victims();
    auto spin_start = std::chrono::steady_clock::now();
    for (unsigned round = 1;; ++round) {
        if (idle_step()) break;
        if (round % 16 != 0) {
            spin_pause();
            continue;
        }
        poll_io();
        // Spin politely: with more runnable threads than cores (a thread starting timers
        // next to two idle workers on two cores, or other processes), a spinner that keeps
        // its core delays the threads that have work; with none waiting, this returns at once.
        std::this_thread::yield();
        if (std::chrono::steady_clock::now() - spin_start < spin_time) continue;
        if (steal_stuck()) {
            wake_dispatcher();
            if (algorithm_->has_ready_fibers()) break;
        }
        std::int64_t deadline = timers_.earliest();
        if (tp != std::chrono::steady_clock::time_point::max()) {
            deadline = std::min(deadline, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              tp.time_since_epoch())
                                              .count());
        }
        host_.spinners_.fetch_sub(1, std::memory_order_relaxed);
        sleep(deadline);
        host_.spinners_.fetch_add(1, std::memory_order_relaxed);
        snapshot_victims();
        spin_start = std::chrono::steady_clock::now();
    }
    host_.spinners_.fetch_sub(1, std::memory_order_relaxed);
}

bool worker::idle_step() noexcept {
    if (!stop_begun_ && host_.stopping()) {
        begin_stop();
        return true;
    }
    if (algorithm_->has_ready_fibers() ||
        remote_wakes_.load(std::memory_order_seq_cst) > 0) {
        return true;
    }
    if (stop_begun_) return false;
    // Timer callbacks run on the dispatching fiber, never on Boost's dispatcher stack.
    if (queue_.size() > 0 || timers_due() || steal()) {
        wake_dispatcher();
        return algorithm_->has_ready_fibers();
    }
    return false;
}

bool worker::steal() noexcept {
    const auto& all = host_.workers();
    const std::size_t n = all.size();
    for (std::size_t k = 1; k < n; ++k) {
        worker& victim = *all[(index_ + k) % n];
        // A single queued runnable is about to be taken by its own thread; leave it.
        const std::size_t queued = victim.queue_.size();
        if (queued >= 2 && victim.queue_.steal_into(queue_, queued / 2) > 0) return true;
    }
    return false;
}

bool worker::steal_stuck() noexcept {
    // A runnable queued behind a handler that has been running for the whole spin.
    const auto& all = host_.workers();
    const std::size_t n = all.size();
    for (std::size_t k = 1; k < n; ++k) {
        const std::size_t v = (index_ + k) % n;
        worker& victim = *all[v];
        if (victim.queue_.size() > 0 && !victim.idle() &&
            victim.runs_.load(std::memory_order_relaxed) == victim_runs_[v] &&
            victim.queue_.steal_into(queue_, 1) > 0) {
            return true;
        }
    }
    return false;
}

void worker::snapshot_victims() noexcept {
    const auto& all = host_.workers();
    for (std::size_t v = 0; v < all.size(); ++v) {
        victim_runs_[v] = all[v]->runs_.load(std::memory_order_relaxed);
    }
}

bool worker::must_stay_awake() noexcept {
    if (!stop_begun_ && host_.stopping()) return true;
    // A socket handler run by the last poll of the spin may have made a fiber ready.
    if (algorithm_->has_ready_fibers()) return true;
    if (remote_wakes_.load(std::memory_order_seq_cst) > 0) return true;
    if (stop_begun_) return false;
    if (queue_.size() > 0) return true;
    if (timers_.earliest() < wake_armed_) return true;  // due, or earlier than the wake timer
    for (const auto& other : host_.workers()) {
        if (other.get() != this && other->queue_.size() >= 2) return true;
    }
    return false;
}

void worker::sleep(std::int64_t deadline_ns) noexcept {
    arm_wake_timer(deadline_ns);
    sleeping_.store(true, std::memory_order_seq_cst);
    host_.sleepers_.fetch_add(1, std::memory_order_seq_cst);
    if (!must_stay_awake()) {
        try {
            io_.run_one();
        } catch (...) {
        }
    }
    sleeping_.store(false, std::memory_order_seq_cst);
    host_.sleepers_.fetch_sub(1, std::memory_order_seq_cst);
}

void worker::arm_wake_timer(std::int64_t deadline_ns) noexcept {
    if (deadline_ns == timer_table::never || deadline_ns >= wake_armed_) return;
    try {
        wake_timer_.expires_at(steady_at(deadline_ns));
        wake_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) wake_armed_ = timer_table::never;
        });
        wake_armed_ = deadline_ns;
    } catch (...) {
        // Without a wake timer the next wake-up comes from a post; timers then run late.
    }
}

}  // namespace ractor::asio_backend
