// Timers on the runtime clock. A timer's state is shared by its handle and its callback, so
// cancel and fire race safely: exactly one of them wins each pending period.
#include <ractor/timers.hpp>

#include <mutex>

namespace ractor {

namespace detail {

struct timer_state {
    explicit timer_state(const runtime& r) : rt(r) {}
    const runtime& rt;
    std::mutex mutex;      ///< guards the fields below
    timer_id current = 0;  ///< the clock timer of the pending period
    bool done = false;     ///< fired its last time, or cancelled
};

timer_handle start_once(const runtime& rt, duration delay, timer_callback fire) {
    auto state = std::make_shared<timer_state>(rt);
    std::lock_guard g(state->mutex);
    state->current = rt.clock.start_timer(rt.clock.now() + delay, [state, fire = std::move(fire)] {
        {
            std::lock_guard g(state->mutex);
            if (state->done) return;
            state->done = true;
        }
        fire();
    });
    return timer_handle(state);
}

namespace {

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
            state->done = true;
            return;
        }
        // The next deadline follows the previous one, not the (late) firing: no drift.
        arm_period(state, at + period, period, fire);
    });
}

}  // namespace

timer_handle start_periodic(const runtime& rt, duration period, std::function<bool()> fire) {
    auto state = std::make_shared<timer_state>(rt);
    std::lock_guard g(state->mutex);
    arm_period(state, rt.clock.now() + period, period, std::make_shared<std::function<bool()>>(std::move(fire)));
    return timer_handle(state);
}

}  // namespace detail

bool timer_handle::cancel() const {
    if (!state_) return false;
    timer_id pending;
    {
        std::lock_guard g(state_->mutex);
        if (state_->done) return false;
        state_->done = true;
        pending = state_->current;
    }
    state_->rt.clock.cancel_timer(pending);
    return true;
}

bool timer_handle::is_active() const {
    if (!state_) return false;
    std::lock_guard g(state_->mutex);
    return !state_->done;
}

timer_handle exit_after(const any_actor_ref& target, duration delay, std::string_view reason) {
    return detail::start_once(detail::caller_runtime(*target.cell()), delay,
                              [target, r = std::string(reason)] { target.stop(r); });
}

timer_handle kill_after(const any_actor_ref& target, duration delay) {
    return detail::start_once(detail::caller_runtime(*target.cell()), delay, [target] { target.kill(); });
}

}  // namespace ractor
