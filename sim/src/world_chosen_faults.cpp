// Faults as scheduling choices: a kill, stop or crash of a plan's window or trigger form is
// armed (at its start time, or when its trigger counts enough handled messages) and from
// then on is a candidate like ready work, so the strategy may fire it between any two steps.
#include <algorithm>
#include <utility>

#include "world_core.hpp"

namespace ractor::sim::internal {

void world_core::start_fault(duration at, const std::optional<duration>& until,
                             const std::optional<message_trigger>& after, std::size_t tally,
                             std::function<bool()> fault) {
    if (!until && !after) {
        start_counted(time_point(at), tally, std::move(fault));
        return;
    }
    std::function<void()> fire = counted(tally, std::move(fault));
    if (after) {
        triggers_.push_back(fault_trigger{*after, 0, std::move(fire)});
        return;
    }
    const std::optional<time_point> end = time_point(*until);
    if (time_point(at) <= now_) {
        arm_fault(std::move(fire), end);
    } else {
        start_timer(0, time_point(at), [this, fire = std::move(fire), end] { arm_fault(fire, end); });
    }
}

void world_core::arm_fault(std::function<void()> fire, std::optional<time_point> until) {
    const std::uint64_t task = next_task_++;
    timer_id deadline = 0;
    if (until) {
        deadline = start_timer(0, std::max(*until, now_), [this, task] { fire_overdue(task); });
    }
    armed_.emplace(task, armed_fault{std::move(fire), deadline});
    add_candidate(candidate{candidate_kind::fault, task, 0, 0}, candidate_target{nullptr, nullptr, true});
}

// The window ended before the strategy picked the fault: it fires now.
void world_core::fire_overdue(std::uint64_t task) {
    auto it = armed_.find(task);
    if (it == armed_.end()) return;
    std::function<void()> fire = std::move(it->second.fire);
    armed_.erase(it);
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
        if (targets_[i].fault && candidates_[i].task == task) {
            take_candidate(i);
            break;
        }
    }
    fire();
}

// Armed and waiting faults are dropped (in a deterministic order) when the world shuts its
// systems down: a fault must not hit a system while the world is destroying it.
void world_core::disarm_all() {
    for (std::size_t i = candidates_.size(); i-- > 0;) {
        if (targets_[i].fault) take_candidate(i);
    }
    armed_.clear();
    triggers_.clear();
}

}  // namespace ractor::sim::internal
