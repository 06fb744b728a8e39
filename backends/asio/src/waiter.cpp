#include "waiter.hpp"

#include "worker.hpp"

namespace ractor::asio_backend {

park_token waiter::arm() noexcept {
    // Only the owner arms, so reading the epoch back from the word cannot race with itself.
    const std::uint64_t epoch = epoch_of(word_.load(std::memory_order_relaxed)) + 1;
    word_.store(epoch << epoch_shift, std::memory_order_release);
    return park_token{this, epoch};
}

std::optional<waiter::phase> waiter::try_wake(std::uint64_t epoch, wake_reason reason,
                                              bool remote) noexcept {
    std::uint64_t cur = word_.load(std::memory_order_acquire);
    for (;;) {
        if (epoch_of(cur) != epoch || phase_of(cur) == phase::woken) return std::nullopt;
        const std::uint64_t next = (epoch << epoch_shift) | (remote ? 16u : 0u) |
                                   (static_cast<std::uint64_t>(reason) << 2) |
                                   static_cast<std::uint64_t>(phase::woken);
        if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
            return phase_of(cur);
        }
    }
}

bool waiter::try_park(std::uint64_t epoch) noexcept {
    std::uint64_t expected = (epoch << epoch_shift) | static_cast<std::uint64_t>(phase::armed);
    return word_.compare_exchange_strong(expected,
                                         (epoch << epoch_shift) |
                                             static_cast<std::uint64_t>(phase::parked),
                                         std::memory_order_acq_rel, std::memory_order_acquire);
}

bool unpark_token(park_token token, wake_reason reason) noexcept {
    auto* w = static_cast<waiter*>(token.waiter);
    if (w == nullptr) return false;
    if (w->which() == waiter::kind::fiber) {
        auto* slot = static_cast<fiber_slot*>(w);
        const bool remote = worker::current() != slot->owner_;
        const auto left = w->try_wake(token.epoch, reason, remote);
        if (!left) return false;
        if (*left == waiter::phase::parked) slot->owner_->resume(*slot, remote);
        return true;
    }
    auto* t = static_cast<thread_waiter*>(w);
    const auto left = w->try_wake(token.epoch, reason, false);
    if (!left) return false;
    if (*left == waiter::phase::parked) {
        // Taking the mutex orders this wake-up after the parker's check, so it cannot miss it.
        { std::lock_guard<std::mutex> lock(t->mutex_); }
        t->cv_.notify_all();
    }
    return true;
}

}  // namespace ractor::asio_backend
