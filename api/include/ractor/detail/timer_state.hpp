#pragma once
/// \file
/// The shared state of one started timer, with the action it runs stored in place.

#include <atomic>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

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

/// Shared ownership of a timer state (one pointer wide, no control block).
class timer_ptr {
public:
    timer_ptr() noexcept = default;
    /// Adopts a new reference to `s`.
    explicit timer_ptr(timer_state* s) noexcept : p_(s) {
        if (p_) p_->refs.fetch_add(1, std::memory_order_relaxed);
    }
    timer_ptr(const timer_ptr& o) noexcept : timer_ptr(o.p_) {}
    timer_ptr(timer_ptr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    timer_ptr& operator=(timer_ptr o) noexcept {
        std::swap(p_, o.p_);
        return *this;
    }
    ~timer_ptr() {
        if (p_ && p_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p_;
    }

    /// A new reference to `s` unless its last one is already gone (then empty).
    static timer_ptr try_share(timer_state& s) noexcept {
        std::uint32_t n = s.refs.load(std::memory_order_relaxed);
        while (n != 0) {
            if (s.refs.compare_exchange_weak(n, n + 1, std::memory_order_relaxed)) return timer_ptr(&s, adopt{});
        }
        return {};
    }

    timer_state* get() const noexcept { return p_; }
    timer_state* operator->() const noexcept { return p_; }
    timer_state& operator*() const noexcept { return *p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }

private:
    struct adopt {};
    timer_ptr(timer_state* s, adopt) noexcept : p_(s) {}

    timer_state* p_ = nullptr;
};

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
