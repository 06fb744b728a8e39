#pragma once
/// \file
/// The shared state of one started timer, with the action it runs stored in place.

#include <atomic>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include <ractor/detail/counted_ptr.hpp>
#include <ractor/detail/spinlock.hpp>
#include <ractor/runtime/clock.hpp>

namespace ractor::detail {

class cell_base;
class timer_registry;
struct timer_owner_list;

/// What a timer's handle, its clock callback and its target's registry share.
///
/// Cancel, fire and the target's exit race safely: whoever sets `done` first ends the
/// timer. One allocation holds the state and the action (`timer_action`), counted
/// intrusively: a timer is usually started on one thread and freed on the worker that fired
/// it, and a small block keeps that cross-thread free cheap in the allocator.
struct timer_state {
    /// A timer aimed at `target` (which must be started: its system and runtime are used).
    explicit timer_state(const cell_base& target);
    /// Leaves the registry if the timer is still listed there (its clock dropped it unfired).
    virtual ~timer_state();
    timer_state(const timer_state&) = delete;
    timer_state& operator=(const timer_state&) = delete;

    /// Runs the action; for a periodic timer, false ends it.
    virtual bool fire() = 0;
    /// Destroys the action once the timer has ended, so that what it captured (which may
    /// own this timer's handle, as call_and_forward's reply slot does) is released then.
    virtual void drop_action() noexcept = 0;

    /// Marks the timer finished; false if it already was. The caller holds `lock`.
    bool finish() noexcept {
        if (done) return false;
        done = true;
        return true;
    }

    std::atomic<std::uint32_t> refs{0};  ///< owners: see timer_ptr
    spinlock lock;                       ///< guards `done` and `firing`
    bool done = false;                   ///< fired its last time, or cancelled
    bool firing = false;                 ///< a periodic timer's action is running
    clock& clk;                          ///< the clock of the target's node
    timer_registry& registry;            ///< the registry of the target's node
    std::atomic<timer_id> current{0};    ///< the clock timer of the pending period (0: not yet)

    // The target's list in the registry. `list` is written under the registry's lock (and
    // read without it only by the destructor); `prev` and `next` are guarded by that lock.
    std::atomic<timer_owner_list*> list{nullptr};  ///< the list this timer is in, or null
    timer_state* prev = nullptr;
    timer_state* next = nullptr;
};

/// The extra state of a periodic timer.
struct periodic_state : timer_state {
    using timer_state::timer_state;
    time_point next_at{};  ///< the pending period's deadline
    duration period{};
};

/// Counts a new owner of `s` (the hook of `timer_ptr`).
inline void add_ref(timer_state* s) noexcept { s->refs.fetch_add(1, std::memory_order_relaxed); }

/// Drops an owner of `s`, freeing it with the last one (the hook of `timer_ptr`).
inline void release(timer_state* s) noexcept {
    if (s->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete s;
}

/// Shared ownership of a timer state (one pointer wide, no control block).
using timer_ptr = counted_ptr<timer_state>;

/// A new reference to `s` unless its last one is already gone (then empty).
inline timer_ptr try_share(timer_state& s) noexcept {
    std::uint32_t n = s.refs.load(std::memory_order_relaxed);
    while (n != 0) {
        if (s.refs.compare_exchange_weak(n, n + 1, std::memory_order_relaxed)) {
            return timer_ptr::adopt(&s);
        }
    }
    return {};
}

/// A timer state (`Base`: one-shot or periodic) that runs `F` (returning void, or bool for
/// periodic timers).
template <class F, class Base = timer_state>
struct timer_action final : Base {
    timer_action(const cell_base& target, F f) : Base(target), action(std::move(f)) {}

    bool fire() override {
        if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
            (*action)();
            return true;
        } else {
            return (*action)();
        }
    }
    void drop_action() noexcept override { action.reset(); }

    std::optional<F> action;
};

}  // namespace ractor::detail
