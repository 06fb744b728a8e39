#include "world_core.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

// The timer queue and virtual time: timers, their firing and the handler cost model.

namespace ractor::sim::internal {
namespace {

// A due timer offered as a candidate: its id with this bit, apart from every task id.
constexpr std::uint64_t timer_task_bit = std::uint64_t{1} << 62;

// Heap order for std::push_heap/pop_heap: the front is the earliest timer, then the lowest id.
bool fires_later(const timer_slot& a, const timer_slot& b) noexcept {
    return a.at != b.at ? a.at > b.at : a.id > b.id;
}

}  // namespace

timer_id world_core::start_timer(std::uint64_t node, time_point at, timer_callback fn) {
    check_thread("clock::start_timer");
    return add_timer(node, at, std::move(fn), false);
}

timer_id world_core::start_clock_timer(std::uint64_t node, time_point at, timer_callback fn) {
    check_thread("clock::start_timer");
    const duration extra = this->node(node).faults.timer_extra(now_);
    const timer_id id = add_timer(node, at + extra, std::move(fn), false);
    if (extra > duration::zero()) {
        record(node,
               trace_event{trace_kind::fault, 0, 0, id,
                           "delay timer " + std::to_string(id) + " by " + format_duration(extra)});
    }
    return id;
}

timer_id world_core::add_timer(std::uint64_t node, time_point at, timer_callback fn,
                               bool deadline) {
    const timer_id id = next_timer_++;
    timers_.emplace(id, pending_timer{std::move(fn), node, deadline});
    timer_heap_.push_back(timer_slot{at, id});
    std::push_heap(timer_heap_.begin(), timer_heap_.end(), fires_later);
    return id;
}

bool world_core::cancel_timer(timer_id id) {
    check_thread("clock::cancel_timer");
    if (timers_.erase(id) == 0) {
        return false;
    }
    // Cancelled slots stay in the heap until they reach its top; rebuild it when they
    // outnumber the live ones, so that many short-lived timeouts cannot pile up.
    if (timer_heap_.size() > 64 && timer_heap_.size() > 2 * timers_.size()) {
        std::erase_if(timer_heap_, [this](const timer_slot& s) { return !timers_.contains(s.id); });
        std::make_heap(timer_heap_.begin(), timer_heap_.end(), fires_later);
    }
    return true;
}

void world_core::fire_timer() {
    if (time_.timers_as_choices) {
        fire_chosen_timer();
        return;
    }
    prune_timer_heap();
    const timer_slot slot = timer_heap_.front();
    std::pop_heap(timer_heap_.begin(), timer_heap_.end(), fires_later);
    timer_heap_.pop_back();
    fire_slot(slot);
}

// Every live timer of the earliest instant is offered; the others go back into the heap.
void world_core::fire_chosen_timer() {
    prune_timer_heap();
    const time_point at = timer_heap_.front().at;
    std::vector<timer_slot> due;
    std::vector<candidate> choices;
    while (!timer_heap_.empty() && timer_heap_.front().at == at) {
        const timer_slot slot = timer_heap_.front();
        std::pop_heap(timer_heap_.begin(), timer_heap_.end(), fires_later);
        timer_heap_.pop_back();
        if (!timers_.contains(slot.id)) continue;
        due.push_back(slot);
        choices.push_back(candidate{candidate_kind::timer, slot.id | timer_task_bit, 0,
                                    timers_.at(slot.id).node});
    }
    // The timers not fired go back, also when a budget throws from the pick.
    const auto put_back = [&](std::size_t fired) {
        for (std::size_t k = 0; k < due.size(); ++k) {
            if (k == fired) continue;
            timer_heap_.push_back(due[k]);
            std::push_heap(timer_heap_.begin(), timer_heap_.end(), fires_later);
        }
    };
    std::size_t i = 0;
    if (due.size() > 1) {
        try {
            i = strategy_->pick(std::span<const candidate>(choices));
        } catch (...) {
            put_back(due.size());
            throw;
        }
    }
    if (i >= due.size()) {
        put_back(due.size());
        throw std::logic_error("ractor::sim: scheduling_strategy::pick returned " +
                               std::to_string(i) + " for " + std::to_string(due.size()) +
                               " due timers");
    }
    put_back(i);
    fire_slot(due[i]);
}

void world_core::fire_slot(const timer_slot& slot) {
    auto it = timers_.find(slot.id);
    pending_timer timer = std::move(it->second);
    timers_.erase(it);
    now_ = std::max(now_, slot.at);
    record(timer.node, trace_event{trace_kind::timer, 0, 0, slot.id, {}});
    timer.fn();
}

void world_core::set_time_options(time_options opts) {
    check_thread("world::set_time_options");
    if (opts.handler_fixed < duration::zero() || opts.handler_random_up_to < duration::zero()) {
        throw std::invalid_argument(
            "ractor::sim: time_options: handler costs must not be negative");
    }
    for (const auto& [kind, cost] : opts.per_kind) {
        if (cost < duration::zero()) {
            throw std::invalid_argument("ractor::sim: time_options: the cost of '" + kind +
                                        "' is negative");
        }
    }
    time_ = std::move(opts);
    charges_ = time_.has_cost();
}

// Virtual time passes while the handler runs: it is charged before the handler, so what the
// handler reads off the clock and sends is stamped after it, and the handler yields, so that
// what came due meanwhile (a deadline timer) may go before its effects.
void world_core::charge_handler(const std::string& behaviour) {
    duration cost = time_.handler_fixed;
    for (const auto& [kind, kind_cost] : time_.per_kind) {
        if (kind_matches(behaviour, kind)) {
            cost = kind_cost;
            break;
        }
    }
    if (time_.handler_random_up_to > duration::zero()) {
        cost += duration(static_cast<std::int64_t>(
            costs_.below(static_cast<std::uint64_t>(time_.handler_random_up_to.count()) + 1)));
    }
    if (cost == duration::zero()) return;
    now_ += cost;
    if (current_ != nullptr) yield();
}

std::optional<time_point> world_core::next_timer_time() {
    prune_timer_heap();
    if (timer_heap_.empty()) {
        return std::nullopt;
    }
    return timer_heap_.front().at;
}

void world_core::prune_timer_heap() {
    while (!timer_heap_.empty() && !timers_.contains(timer_heap_.front().id)) {
        std::pop_heap(timer_heap_.begin(), timer_heap_.end(), fires_later);
        timer_heap_.pop_back();
    }
}

}  // namespace ractor::sim::internal
