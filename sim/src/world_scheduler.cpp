#include "world_core.hpp"

#include <span>
#include <stdexcept>
#include <string>
#include <utility>

// The scheduler: the ready candidates and the strategy's pick among them.

namespace ractor::sim::internal {

void world_core::add_candidate(candidate c, candidate_target target) {
    candidates_.push_back(c);
    targets_.push_back(target);
}

std::size_t world_core::pick_candidate() {
    const std::size_t i = strategy_->pick(std::span<const candidate>(candidates_));
    if (i >= candidates_.size()) {
        throw std::logic_error("ractor::sim: scheduling_strategy::pick returned " +
                               std::to_string(i) + " for " + std::to_string(candidates_.size()) +
                               " candidates");
    }
    return i;
}

// The last candidate takes the taken one's place: O(1), where erasing from the middle made a
// world with a million ready actors quadratic.
world_core::candidate_target world_core::take_candidate(std::size_t i) {
    const candidate_target target = targets_[i];
    candidates_[i] = candidates_.back();
    candidates_.pop_back();
    targets_[i] = targets_.back();
    targets_.pop_back();
    return target;
}

void world_core::run_candidate() {
    const std::size_t i = pick_candidate();
    const candidate c = candidates_[i];
    run_target(c, take_candidate(i));
}

// The strategy picks a ready candidate or the `timer` choice, offered last, which fires the
// next timer: offered when only armed faults are ready (time may go on) and, with timers as
// choices, whenever a timer is due.
void world_core::choose_with_time() {
    add_candidate(candidate{candidate_kind::timer, 0, 0, 0}, candidate_target{});
    std::size_t i = 0;
    try {
        i = pick_candidate();
    } catch (...) {
        take_candidate(candidates_.size() - 1);  // a budget failed the run: no timer choice stays
        throw;
    }
    const candidate c = candidates_[i];
    if (c.kind == candidate_kind::timer) {
        take_candidate(i);
        fire_timer();
        return;
    }
    take_candidate(candidates_.size() - 1);  // the timer choice, behind the picked candidate
    run_target(c, take_candidate(i));
}

void world_core::run_target(const candidate& c, candidate_target target) {
    if (target.fault) {
        auto it = armed_.find(c.task);
        armed_fault fault = std::move(it->second);
        armed_.erase(it);
        if (fault.deadline != 0) cancel_timer(fault.deadline);
        fault.fire();
        return;
    }
    sim_fiber* w = target.fiber;
    if (w == nullptr) {
        w = &idle_fiber();
        w->job = target.job;
        w->task = c.task;
        w->node = c.node;
        w->busy = true;
    }
    switch_to(*w);
}

}  // namespace ractor::sim::internal
