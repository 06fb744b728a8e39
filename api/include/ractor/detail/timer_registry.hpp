#pragma once
/// \file
/// The pending timers of one node's actors, so an actor's exit cancels the timers aimed at it.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>

#include <ractor/detail/spinlock.hpp>

namespace ractor::detail {

class cell_base;
struct timer_state;

/// The pending timers aimed at one actor, in start order, linked through the timers.
struct timer_owner_list {
    timer_state* head = nullptr;
    timer_state* tail = nullptr;
};

/// Pending timers by target actor. A timer registers when it starts and unregisters when it
/// fires its last time or is cancelled; when its target stops, the rest are cancelled, so a
/// dead actor's timers release their messages at once instead of when they come due.
///
/// Registering and unregistering link and unlink the timer in its target's list (no
/// allocation but for the target's first timer); exits take no lock while no actor of the
/// node has a list.
class timer_registry {
public:
    /// Registers `t`, aimed at `target`; false (and nothing registered) if `target` is
    /// stopping or stopped already.
    bool add(timer_state& t, const cell_base& target);
    /// Unregisters a timer that finished (nothing if it is not registered).
    void remove(timer_state& t);
    /// Cancels every timer still aimed at `owner`.
    void cancel_all(std::uint64_t owner);
    /// Cancels every pending timer (the node is going away).
    void cancel_everything();

private:
    /// Unlinks `t` from its list; the caller holds `lock_`.
    void unlink(timer_state& t) noexcept;
    /// Cancels the timers of `lists` after unlocking `lock`, and forgets those lists.
    void cancel_lists(std::unique_lock<spinlock> lock, std::map<std::uint64_t, timer_owner_list>::iterator first,
                      std::map<std::uint64_t, timer_owner_list>::iterator last);

    // A spinlock: every critical section is a few pointer updates, and the thread starting
    // timers and the workers firing them take it at high rates (a futex sleep costs more).
    spinlock lock_;
    std::atomic<std::size_t> owners_{0};  ///< lists_.size(), readable without the lock
    // Ordered by actor id: cancel_everything runs in a reproducible order. A list stays
    // (possibly empty) until its actor exits, so a timer restarted in a loop does not
    // allocate each time.
    std::map<std::uint64_t, timer_owner_list> lists_;
};

}  // namespace ractor::detail
