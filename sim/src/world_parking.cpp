#include "world_core.hpp"

#include <stdexcept>
#include <string>

#include <ractor/sim/errors.hpp>

#include "determinism_guard.hpp"

// Parking: tokens, park and unpark for worker fibers and for the driving code.

namespace ractor::sim::internal {
namespace {

// Parks answered with `interrupted` during one world's destruction before we give up on a
// fiber that will not unwind (the alternative would be hanging the thread forever).
constexpr std::uint64_t teardown_park_limit = 1'000'000;

/// Marks `wt` parked; false (and `wt` idle) if its deadline has passed already, so that the
/// park times out at once.
bool mark_parked(sim_waiter& wt, std::optional<time_point> deadline, time_point now) {
    if (deadline && *deadline <= now) {
        wt.state = sim_waiter_state::idle;
        return false;
    }
    wt.state = sim_waiter_state::parked;
    return true;
}

/// A park must present the token of its waiter's last prepare_park (`whose`: the waiter).
void check_park_token(const sim_waiter& wt, park_token token, const char* whose) {
    if (token.waiter != &wt || token.epoch != wt.epoch || wt.state == sim_waiter_state::idle) {
        throw std::logic_error(std::string("ractor::sim: executor::park needs the token of ") +
                               whose + " last prepare_park");
    }
}

}  // namespace

park_token world_core::prepare_park() {
    check_thread("executor::prepare_park");
    sim_waiter* wt = &main_waiter_;
    if (current_ != nullptr) {
        wt = &current_->wait;
    } else if (in_step_) {
        throw std::logic_error(
            "ractor::sim: executor::prepare_park called from a timer callback (timer callbacks "
            "must not park)");
    }
    ++wt->epoch;
    wt->state = sim_waiter_state::armed;
    wt->reason = wake_reason::unparked;
    return park_token{wt, wt->epoch};
}

wake_reason world_core::park(std::uint64_t node, park_token token,
                             std::optional<time_point> deadline) {
    check_thread("executor::park");
    if (deadline && node != 0) {
        // The deadline was read off the node's (skewed) clock.
        *deadline -= this->node(node).clock.skew();
    }
    if (current_ != nullptr) {
        return park_fiber(*current_, node, token, deadline);
    }
    if (in_step_) {
        throw std::logic_error(
            "ractor::sim: executor::park called from a timer callback (timer callbacks must "
            "not park)");
    }
    return park_main(node, token, deadline);
}

bool world_core::unpark(park_token token, wake_reason reason) {
    check_thread("executor::unpark");
    auto* wt = static_cast<sim_waiter*>(token.waiter);
    if (wt == nullptr || wt->owner != this || wt->epoch != token.epoch) {
        return false;
    }
    switch (wt->state) {
        case sim_waiter_state::armed:
            wt->state = sim_waiter_state::woken;
            wt->reason = reason;
            return true;
        case sim_waiter_state::parked:
            wt->state = sim_waiter_state::woken;
            wt->reason = reason;
            if (sim_fiber* w = wt->fiber; w != nullptr) {
                add_candidate(candidate{candidate_kind::fiber, w->task, w->id, w->node},
                              candidate_target{nullptr, w});
            }
            return true;
        case sim_waiter_state::idle:
        case sim_waiter_state::woken:
            break;
    }
    return false;
}

wake_reason world_core::park_fiber(sim_fiber& w, std::uint64_t node, park_token token,
                                   std::optional<time_point> deadline) {
    sim_waiter& wt = w.wait;
    check_park_token(wt, token, "the calling fiber's");
    if (wt.state == sim_waiter_state::woken) {
        wt.state = sim_waiter_state::idle;
        return wt.reason;
    }
    if (tearing_down_) {
        if (++teardown_parks_ > teardown_park_limit) {
            die("a fiber kept parking after being interrupted while its world was destroyed; "
                "code must return from runnable::run once park returns "
                "wake_reason::interrupted");
        }
        wt.state = sim_waiter_state::idle;
        return wake_reason::interrupted;
    }
    if (!mark_parked(wt, deadline, now_)) return wake_reason::timed_out;
    if (deadline) arm_deadline(wt, node, *deadline);
    record(
        node,
        trace_event{trace_kind::park,
                    0,
                    w.id,
                    deadline ? static_cast<std::uint64_t>(deadline->time_since_epoch().count()) : 0,
                    {}});
    hand_back(w);
    const wake_reason reason = wt.reason;
    end_park(wt);
    record(node, trace_event{trace_kind::wake, 0, w.id, static_cast<std::uint64_t>(reason), {}});
    return reason;
}

wake_reason world_core::park_main(std::uint64_t node, park_token token,
                                  std::optional<time_point> deadline) {
    sim_waiter& wt = main_waiter_;
    check_park_token(wt, token, "the caller's");
    if (wt.state == sim_waiter_state::woken) {
        wt.state = sim_waiter_state::idle;
        return wt.reason;
    }
    if (!mark_parked(wt, deadline, now_)) return wake_reason::timed_out;
    if (deadline) arm_deadline(wt, node, *deadline);
    try {
        while (wt.state != sim_waiter_state::woken) {
            if (!step()) {
                throw deadlock_error(
                    "ractor::sim: the simulation went quiescent while the caller was still "
                    "waiting (nothing runnable, no timer pending) at " +
                    where());
            }
        }
    } catch (...) {
        end_park(wt);
        throw;
    }
    const wake_reason reason = wt.reason;
    end_park(wt);
    return reason;
}

void world_core::arm_deadline(sim_waiter& wt, std::uint64_t node, time_point deadline) {
    sim_waiter* const target = &wt;
    const std::uint64_t epoch = wt.epoch;
    wt.deadline = add_timer(
        node, deadline,
        [this, target, epoch] {
            unpark(park_token{target, epoch}, wake_reason::timed_out);
        },
        true);
}

void world_core::end_park(sim_waiter& wt) {
    if (wt.deadline != 0) {
        cancel_timer(wt.deadline);
        wt.deadline = 0;
    }
    wt.state = sim_waiter_state::idle;
}

}  // namespace ractor::sim::internal
