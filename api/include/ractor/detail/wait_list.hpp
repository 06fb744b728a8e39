#pragma once
/// \file
/// Fibers parked until a condition that other code (any thread) makes true.

#include <algorithm>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <ractor/detail/actor_cell.hpp>
#include <ractor/runtime/executor.hpp>

namespace ractor::detail {

/// A lock for state that only one thread touches (the simulator's): it does nothing.
struct no_lock {
    void lock() noexcept {}
    void unlock() noexcept {}
};

/// The parked waiters of one condition, such as "the send queue has room".
///
/// Waiters arm a token and publish it here under the caller's lock, so a wake-up between the
/// check and the park is never lost; whoever makes the condition true takes the tokens under
/// that lock and unparks them after releasing it. Waiting goes through the executor, so it is
/// virtual in the simulator and a kill interrupts it inside an actor.
class wait_list {
public:
    /// Parks until `ready()` (called under `lock`) holds, the deadline passes or the wait is
    /// interrupted; `unparked` means `ready()` held. Throws `actor_killed` inside a killed actor.
    template <class Lock, class Ready>
    wake_reason wait(executor& ex, Lock& lock, std::optional<time_point> deadline, Ready ready) {
        for (;;) {
            park_token token;
            {
                std::lock_guard g(lock);
                if (ready()) return wake_reason::unparked;
                token = ex.prepare_park();
                parked_.push_back(token);
            }
            // A kill unwinds through here: the token must not stay published.
            struct unpublish {
                wait_list& list;
                Lock& lock;
                park_token token;
                ~unpublish() {
                    std::lock_guard g(lock);
                    list.remove(token);
                }
            } guard{*this, lock, token};
            const wake_reason why = park_here(ex, token, deadline);
            if (why != wake_reason::unparked) {
                std::lock_guard g(lock);
                return ready() ? wake_reason::unparked : why;
            }
        }
    }

    /// Takes every parked token, to unpark outside the lock. Call under the waiters' lock.
    std::vector<park_token> take() { return std::exchange(parked_, {}); }

    /// True if nobody waits. Call under the waiters' lock.
    bool empty() const noexcept { return parked_.empty(); }

private:
    void remove(park_token token) {
        std::erase_if(parked_, [&](const park_token& t) { return t.waiter == token.waiter && t.epoch == token.epoch; });
    }

    std::vector<park_token> parked_;
};

/// Unparks every token in `tokens` (taken from a `wait_list`).
inline void unpark_all(executor& ex, const std::vector<park_token>& tokens) {
    for (const park_token& t : tokens) ex.unpark(t);
}

}  // namespace ractor::detail
