#include "world_core.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <ractor/sim/errors.hpp>
#include <ractor/sim/random_strategy.hpp>

#include "determinism_guard.hpp"
#include "fiber_algorithm.hpp"

// The world's controls: construction, nodes, steps and sync points. The other roles live in
// world_scheduler.cpp, world_timers.cpp, world_parking.cpp, world_fibers.cpp and
// world_trace.cpp.

namespace ractor::sim::internal {
namespace {

// Steps of any world in progress on this thread: a step must never start inside another.
thread_local int steps_in_progress = 0;

constexpr std::size_t min_stack_size = 16 * 1024;

constexpr std::uint64_t hash_start = 0x72616374'6f727369ULL;

constexpr std::uint64_t cost_stream = 0x434f53545f4d4f44ULL;

constexpr std::uint64_t sync_stream = 0x53594e435f505453ULL;

class step_marker {
public:
    explicit step_marker(bool& in_step) noexcept : in_step_(in_step) {
        in_step_ = true;
        ++steps_in_progress;
    }
    ~step_marker() {
        in_step_ = false;
        --steps_in_progress;
    }
    step_marker(const step_marker&) = delete;
    step_marker& operator=(const step_marker&) = delete;

private:
    bool& in_step_;
};

}  // namespace

world_core::world_core(std::uint64_t seed, world_options opts)
    : seed_(seed),
      opts_(opts),
      thread_(std::this_thread::get_id()),
      strategy_(std::make_unique<random_strategy>(seed)),
      net_(*this, seed, opts.network),
      costs_(seed, cost_stream),
      sync_choices_(seed, sync_stream),
      hash_(hash_start) {
    rules_.key = fault_key(seed, 0);
    if (opts_.batch_budget == 0) {
        throw std::invalid_argument("ractor::sim: world_options::batch_budget must be positive");
    }
    if (opts_.fiber_stack_size < min_stack_size) {
        throw std::invalid_argument(
            "ractor::sim: world_options::fiber_stack_size must be at least " +
            std::to_string(min_stack_size) + " bytes");
    }
    if (opts_.network.base_latency < duration::zero() || opts_.network.jitter < duration::zero()) {
        throw std::invalid_argument(
            "ractor::sim: world_options::network latencies (base_latency, jitter) must not be negative");
    }
    main_waiter_.owner = this;
    sim_fiber_algorithm::install_on_this_thread();
}

world_core::~world_core() {
    release_systems();
    teardown();
}

sim_node& world_core::add_node(std::string name) {
    check_thread("world::add_node");
    const std::uint64_t id = nodes_.size() + 1;
    nodes_.push_back(std::make_unique<sim_node>(*this, net_, seed_, id, std::move(name),
                                                opts_.batch_budget, assertions_));
    // A node added after a plan draws its faults from that plan's key like the others.
    nodes_.back()->faults.reseed(rules_.key);
    return *nodes_.back();
}

sim_node& world_core::add_node(std::string name, std::function<void(actor_system&)> startup) {
    if (!startup) {
        throw std::invalid_argument("ractor::sim: world::add_node needs a start-up function");
    }
    sim_node& n = add_node(std::move(name));
    n.startup = std::move(startup);
    n.system = std::make_unique<actor_system>(n.view);
    n.startup(*n.system);
    return n;
}

sim_node& world_core::node(std::uint64_t id) const {
    if (id == 0 || id > nodes_.size()) {
        throw std::out_of_range("ractor::sim: no node " + std::to_string(id) + " in this world");
    }
    return *nodes_[id - 1];
}

void world_core::set_strategy(std::unique_ptr<scheduling_strategy> strategy) {
    if (!strategy) {
        throw std::invalid_argument("ractor::sim: world::set_strategy needs a strategy");
    }
    strategy_ = std::move(strategy);
}

bool world_core::step() {
    check_thread("world::step");
    if (steps_in_progress > 0) {
        throw std::logic_error(
            "ractor::sim: a world step was started inside another step (from a worker fiber "
            "or a timer callback)");
    }
    if (candidates_.empty() && timers_.empty()) {
        return false;
    }
    if (opts_.max_steps != 0 && steps_ >= opts_.max_steps && !unbudgeted_) {
        throw step_budget_exceeded("ractor::sim: the step budget of " +
                                   std::to_string(opts_.max_steps) + " steps is exhausted at " +
                                   where() + " (livelock?)");
    }
    ++steps_;
    {
        const simulation_scope scope;
        const step_marker marker(in_step_);
        if (candidates_.empty()) {
            fire_timer();
        } else if (!timers_.empty() && (candidates_.size() == armed_.size() ||
                                        (time_.timers_as_choices && *next_timer_time() <= now_))) {
            choose_with_time();
        } else {
            run_candidate();
        }
    }
    if (!crashed_.empty()) {
        collect_crashed();
    }
    return true;
}

void world_core::run() {
    while (step()) {
    }
}

void world_core::run_for(duration d) {
    if (d < duration::zero()) {
        throw std::invalid_argument("ractor::sim: world::run_for needs a non-negative duration");
    }
    const time_point target = now_ + d;
    for (;;) {
        // Armed faults alone do not keep the world at this instant: they may fire later.
        if (candidates_.size() > armed_.size()) {
            step();
            continue;
        }
        const std::optional<time_point> next = next_timer_time();
        if (!next || *next > target) {
            break;
        }
        step();
    }
    now_ = std::max(now_, target);
}

void world_core::schedule(std::uint64_t node, runnable& r) {
    check_thread("executor::schedule");
    // A fiber finishing during teardown may still send: nothing runs any more.
    if (tearing_down_) {
        r.discard();
        return;
    }
    add_candidate(candidate{candidate_kind::runnable, next_task_++, 0, node},
                  candidate_target{&r, nullptr});
}

void world_core::yield() {
    check_thread("executor::yield");
    if (current_ != nullptr) {
        sim_fiber& w = *current_;
        if (tearing_down_) {
            return;
        }
        add_candidate(candidate{candidate_kind::fiber, w.task, w.id, w.node},
                      candidate_target{nullptr, &w});
        hand_back(w);
        return;
    }
    if (in_step_) {
        throw std::logic_error("ractor::sim: executor::yield called from a timer callback");
    }
    step();
}

// At a sync point the world offers a scheduling choice with probability 1 / sync_choice_one_in
// (only when other work is ready: a choice between one thing is none). A worker offers
// itself again among the ready work and hands back, as a yield does, so the strategy's next
// pick (PCT priorities and change points included) decides who goes on. Code outside
// actors runs one step per choice offered. Inside a step but on no worker (a timer
// callback, a fault firing) nothing else may run, as on a single thread; and only sends and
// registry calls stop code outside actors: its other core calls (kill, stop, shutdown) may
// come from destructors, where running actors would re-enter the caller.
void world_core::at_sync_point(sync_point where) {
    if (tearing_down_ || candidates_.empty()) return;
    if (current_ != nullptr) {
        if (offers_choice()) yield();
        return;
    }
    if (in_step_ || (where != sync_point::admission && where != sync_point::registry)) return;
    while (!candidates_.empty() && offers_choice()) step();
}

bool world_core::offers_choice() {
    return opts_.sync_choice_one_in != 0 && sync_choices_.below(opts_.sync_choice_one_in) == 0;
}

void world_core::check_thread(const char* what) const {
    if (std::this_thread::get_id() != thread_) {
        throw std::logic_error(std::string("ractor::sim: ") + what +
                               " called from a thread other than the world's");
    }
}

std::string world_core::where() const {
    const auto ns = now_.time_since_epoch().count();
    return "virtual time " + std::to_string(ns) + " ns after " + std::to_string(steps_) +
           " steps";
}

}  // namespace ractor::sim::internal
