// Timers on the runtime clock. A timer's state is shared by its handle, its callback and the
// registry of its target's node, so cancel, fire and the target's exit race safely: exactly
// one of them ends each pending period.
#include <ractor/timers.hpp>

#include <mutex>
#include <vector>

#include <ractor/actor_system.hpp>
#include <ractor/detail/timer_registry.hpp>

namespace ractor {

namespace detail {

struct timer_state {
    timer_state(const runtime& r, timer_registry& reg, std::uint64_t o) : rt(r), registry(reg), owner(o) {}
    const runtime& rt;
    timer_registry& registry;
    const std::uint64_t owner;  ///< local id of the target actor
    std::uint64_t key = 0;      ///< in the registry
    std::mutex mutex;           ///< guards the fields below
    timer_id current = 0;       ///< the clock timer of the pending period
    bool done = false;          ///< fired its last time, or cancelled

    /// Marks the timer finished; false if it already was. The caller holds `mutex`.
    bool finish() {
        if (done) return false;
        done = true;
        return true;
    }
};

std::uint64_t timer_registry::add(std::uint64_t owner, const std::shared_ptr<timer_state>& t) {
    std::lock_guard g(mutex_);
    const std::uint64_t key = next_key_++;
    pending_.emplace(std::make_pair(owner, key), t);
    return key;
}

void timer_registry::remove(std::uint64_t owner, std::uint64_t key) {
    std::lock_guard g(mutex_);
    pending_.erase({owner, key});
}

namespace {

using pending_map = std::map<std::pair<std::uint64_t, std::uint64_t>, std::weak_ptr<timer_state>>;

/// Cancels the timers in [first, last) of `pending` after unlocking `lock`.
void cancel_range(std::unique_lock<std::mutex> lock, pending_map& pending, pending_map::iterator first,
                  pending_map::iterator last) {
    std::vector<std::shared_ptr<timer_state>> doomed;
    for (auto it = first; it != last; ++it) {
        if (auto t = it->second.lock()) doomed.push_back(std::move(t));
    }
    pending.erase(first, last);
    lock.unlock();
    for (auto& t : doomed) timer_handle(t).cancel();
}

}  // namespace

void timer_registry::cancel_all(std::uint64_t owner) {
    std::unique_lock lock(mutex_);
    auto first = pending_.lower_bound({owner, 0});
    auto last = pending_.lower_bound({owner + 1, 0});
    cancel_range(std::move(lock), pending_, first, last);
}

void timer_registry::cancel_everything() {
    std::unique_lock lock(mutex_);
    cancel_range(std::move(lock), pending_, pending_.begin(), pending_.end());
}

namespace {

/// A new timer aimed at `target`, registered so that the target's exit cancels it; null if
/// the target has stopped already (such a timer would only ever be refused).
std::shared_ptr<timer_state> new_state(const cell_base& target) {
    if (target.status() >= actor_status::stopping) return nullptr;
    auto state = std::make_shared<timer_state>(target.rt(), target.system().timers(), target.id().local);
    state->key = state->registry.add(state->owner, state);
    return state;
}

/// Arms the next period of a periodic timer; the caller holds `state->mutex`.
void arm_period(const std::shared_ptr<timer_state>& state, time_point at, duration period,
                std::shared_ptr<std::function<bool()>> fire) {
    state->current = state->rt.clock.start_timer(at, [state, at, period, fire] {
        {
            std::lock_guard g(state->mutex);
            if (state->done) return;
        }
        const bool again = (*fire)();
        std::lock_guard g(state->mutex);
        if (state->done) return;
        if (!again) {
            state->finish();
            state->registry.remove(state->owner, state->key);
            return;
        }
        // The next deadline follows the previous one, not the (late) firing: no drift.
        arm_period(state, at + period, period, fire);
    });
}

}  // namespace

timer_handle start_once(const cell_base& target, duration delay, timer_callback fire) {
    auto state = new_state(target);
    if (!state) return {};
    std::lock_guard g(state->mutex);
    state->current = state->rt.clock.start_timer(state->rt.clock.now() + delay, [state, fire = std::move(fire)] {
        {
            std::lock_guard g(state->mutex);
            if (!state->finish()) return;
        }
        state->registry.remove(state->owner, state->key);
        fire();
    });
    return timer_handle(state);
}

timer_handle start_periodic(const cell_base& target, duration period, std::function<bool()> fire) {
    auto state = new_state(target);
    if (!state) return {};
    std::lock_guard g(state->mutex);
    arm_period(state, state->rt.clock.now() + period, period,
               std::make_shared<std::function<bool()>>(std::move(fire)));
    return timer_handle(state);
}

}  // namespace detail

bool timer_handle::cancel() const {
    if (!state_) return false;
    timer_id pending;
    {
        std::lock_guard g(state_->mutex);
        if (!state_->finish()) return false;
        pending = state_->current;
    }
    state_->registry.remove(state_->owner, state_->key);
    state_->rt.clock.cancel_timer(pending);
    return true;
}

bool timer_handle::is_active() const {
    if (!state_) return false;
    std::lock_guard g(state_->mutex);
    return !state_->done;
}

timer_handle exit_after(const any_actor_ref& target, duration delay, std::string_view reason) {
    return detail::start_once(*target.cell(), delay, [target, r = std::string(reason)] { target.stop(r); });
}

timer_handle kill_after(const any_actor_ref& target, duration delay) {
    return detail::start_once(*target.cell(), delay, [target] { target.kill(); });
}

}  // namespace ractor
