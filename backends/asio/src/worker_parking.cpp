#include "worker.hpp"

#include <utility>

#include <boost/asio/post.hpp>

#include "host.hpp"
#include "worker_algorithm.hpp"

// Handing work to a worker and parking its fibers: local and remote pushes, wake-ups, park,
// yield and the stop that interrupts every park.

namespace ractor::asio_backend {

void worker::push_local(runnable& r, queue_place where) noexcept {
    const std::size_t queued = queue_.push(r, where);
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

}  // namespace ractor::asio_backend
