#include "fiber_executor.hpp"

#include <thread>

#include "host.hpp"
#include "worker.hpp"

namespace ractor::asio_backend {

void fiber_executor::schedule(runnable& r) {
    if (host_.stopping()) {
        r.discard();
        return;
    }
    if (worker* w = host_.local_worker()) {
        w->push_local(r);
    } else {
        host_.pick_worker().push_remote(r);
    }
}

void fiber_executor::schedule_fresh(runnable& r) {
    worker* w = host_.local_worker();
    if (w == nullptr || host_.stopping()) {
        schedule(r);
        return;
    }
    w->push_local(r, queue_place::fresh);
}

void fiber_executor::yield() {
    if (fiber_slot* slot = worker::current_slot()) {
        slot->owner_->yield(*slot);
    } else {
        std::this_thread::yield();
    }
}

park_token fiber_executor::prepare_park() {
    // A worker fiber of any host parks the same way; the waiter knows its own worker.
    if (fiber_slot* slot = worker::current_slot()) return slot->arm();
    if (worker* w = worker::current()) return w->outside_waiter().arm();
    return host_.waiter_of_this_thread().arm();
}

wake_reason fiber_executor::park(park_token token, std::optional<time_point> deadline) {
    auto* w = static_cast<waiter*>(token.waiter);
    if (w == nullptr) return wake_reason::interrupted;
    if (w->which() == waiter::kind::fiber) {
        auto* slot = static_cast<fiber_slot*>(w);
        // Only the fiber that armed the token may park on it.
        if (slot != worker::current_slot()) return wake_reason::interrupted;
        return slot->owner_->park(*slot, token, deadline);
    }
    auto* t = static_cast<thread_waiter*>(w);
    if (worker::current() != nullptr) {
        // Never block a worker thread: outside a worker fiber a park ends at once.
        t->try_wake(token.epoch, wake_reason::interrupted, false);
        const std::uint64_t now = t->load();
        return waiter::epoch_of(now) == token.epoch ? waiter::reason_of(now)
                                                    : wake_reason::interrupted;
    }
    return host_.park_thread(*t, token, deadline);
}

bool fiber_executor::unpark(park_token token, wake_reason reason) {
    return unpark_token(token, reason);
}

}  // namespace ractor::asio_backend
