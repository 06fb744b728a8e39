#include "world_core.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>
#include <utility>

#include <boost/fiber/operations.hpp>

#include <ractor/detail/actor_cell.hpp>
#include <ractor/prng.hpp>
#include <ractor/sim/errors.hpp>
#include <ractor/sim/random_strategy.hpp>

#include "determinism_guard.hpp"
#include "fiber_algorithm.hpp"

namespace ractor::sim::internal {
namespace {

// Steps of any world in progress on this thread: a step must never start inside another.
thread_local int steps_in_progress = 0;

// Parks answered with `interrupted` during one world's destruction before we give up on a
// fiber that will not unwind (the alternative would be hanging the thread forever).
constexpr std::uint64_t teardown_park_limit = 1'000'000;

constexpr std::size_t min_stack_size = 16 * 1024;

constexpr std::uint64_t hash_start = 0x72616374'6f727369ULL;

constexpr std::uint64_t cost_stream = 0x434f53545f4d4f44ULL;

constexpr std::uint64_t sync_stream = 0x53594e435f505453ULL;

// A due timer offered as a candidate: its id with this bit, apart from every task id.
constexpr std::uint64_t timer_task_bit = std::uint64_t{1} << 62;

std::uint64_t combine(std::uint64_t h, std::uint64_t v) noexcept {
    return mix64((h ^ v) + 0x9e3779b97f4a7c15ULL);
}

// Folds the text in little-endian 8-byte words so the hash is the same on every platform.
std::uint64_t combine_text(std::uint64_t h, std::string_view text) noexcept {
    h = combine(h, text.size());
    std::uint64_t word = 0;
    int filled = 0;
    for (const char c : text) {
        word |= static_cast<std::uint64_t>(static_cast<unsigned char>(c)) << (8 * filled);
        if (++filled == 8) {
            h = combine(h, word);
            word = 0;
            filled = 0;
        }
    }
    return filled == 0 ? h : combine(h, word);
}

// Heap order for std::push_heap/pop_heap: the front is the earliest timer, then the lowest id.
bool fires_later(const timer_slot& a, const timer_slot& b) noexcept {
    return a.at != b.at ? a.at > b.at : a.id > b.id;
}

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
      stack_(opts.fiber_stack_size),
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
    nodes_.push_back(
        std::make_unique<sim_node>(*this, net_, seed_, id, std::move(name), opts_.batch_budget));
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
        worker& w = *current_;
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

park_token world_core::prepare_park() {
    check_thread("executor::prepare_park");
    waiter* wt = &main_waiter_;
    if (current_ != nullptr) {
        wt = &current_->wait;
    } else if (in_step_) {
        throw std::logic_error(
            "ractor::sim: executor::prepare_park called from a timer callback (timer callbacks "
            "must not park)");
    }
    ++wt->epoch;
    wt->state = waiter_state::armed;
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
        return park_worker(*current_, node, token, deadline);
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
    auto* wt = static_cast<waiter*>(token.waiter);
    if (wt == nullptr || wt->owner != this || wt->epoch != token.epoch) {
        return false;
    }
    switch (wt->state) {
    case waiter_state::armed:
        wt->state = waiter_state::woken;
        wt->reason = reason;
        return true;
    case waiter_state::parked:
        wt->state = waiter_state::woken;
        wt->reason = reason;
        if (worker* w = wt->fiber; w != nullptr) {
            add_candidate(candidate{candidate_kind::fiber, w->task, w->id, w->node},
                          candidate_target{nullptr, w});
        }
        return true;
    case waiter_state::idle:
    case waiter_state::woken:
        break;
    }
    return false;
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

timer_id world_core::start_timer(std::uint64_t node, time_point at, timer_callback fn) {
    check_thread("clock::start_timer");
    return add_timer(node, at, std::move(fn), false);
}

timer_id world_core::start_clock_timer(std::uint64_t node, time_point at, timer_callback fn) {
    check_thread("clock::start_timer");
    const duration extra = this->node(node).faults.timer_extra(now_);
    const timer_id id = add_timer(node, at + extra, std::move(fn), false);
    if (extra > duration::zero()) {
        record(node, trace_event{trace_kind::fault, 0, 0, id,
                                 "delay timer " + std::to_string(id) + " by " + format_duration(extra)});
    }
    return id;
}

timer_id world_core::add_timer(std::uint64_t node, time_point at, timer_callback fn, bool deadline) {
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

void world_core::record(std::uint64_t node, const trace_event& e) {
    check_thread("trace_sink::record");
    const auto time_ns = static_cast<std::uint64_t>(now_.time_since_epoch().count());
    std::uint64_t h = combine(hash_, steps_);
    h = combine(h, time_ns);
    h = combine(h, node);
    h = combine(h, static_cast<std::uint64_t>(e.kind));
    h = combine(h, e.actor);
    h = combine(h, e.peer);
    h = combine(h, e.value);
    hash_ = combine_text(h, e.text);
    if (opts_.keep_events) {
        events_.push_back(recorded_event{steps_, now_.time_since_epoch().count(), node, e.kind,
                                         e.actor, e.peer, e.value, std::string(e.text)});
    }
}

void world_core::check_thread(const char* what) const {
    if (std::this_thread::get_id() != thread_) {
        throw std::logic_error(std::string("ractor::sim: ") + what +
                               " called from a thread other than the world's");
    }
}

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
    worker* w = target.fiber;
    if (w == nullptr) {
        w = &idle_worker();
        w->job = target.job;
        w->task = c.task;
        w->node = c.node;
        w->busy = true;
    }
    switch_to(*w);
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
        choices.push_back(candidate{candidate_kind::timer, slot.id | timer_task_bit, 0, timers_.at(slot.id).node});
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
        throw std::logic_error("ractor::sim: scheduling_strategy::pick returned " + std::to_string(i) + " for " +
                               std::to_string(due.size()) + " due timers");
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
        throw std::invalid_argument("ractor::sim: time_options: handler costs must not be negative");
    }
    for (const auto& [kind, cost] : opts.per_kind) {
        if (cost < duration::zero()) {
            throw std::invalid_argument("ractor::sim: time_options: the cost of '" + kind + "' is negative");
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

worker& world_core::idle_worker() {
    if (!idle_.empty()) {
        worker* w = idle_.back();
        idle_.pop_back();
        return *w;
    }
    auto w = std::make_unique<worker>();
    w->id = workers_.size() + 1;
    w->wait.owner = this;
    w->wait.fiber = w.get();
    workers_.push_back(std::move(w));
    return *workers_.back();
}

namespace {

// A stack allocator that also tells the worker where its stack is (for the sanitizers).
class recording_stack {
public:
    recording_stack(boost::fibers::protected_fixedsize_stack inner, sanitizer_fiber& out) noexcept
        : inner_(inner), out_(&out) {}

    boost::context::stack_context allocate() {
        boost::context::stack_context sc = inner_.allocate();
        out_->stack_bottom = static_cast<const char*>(sc.sp) - sc.size;
        out_->stack_size = sc.size;
        unpoison_stack(out_->stack_bottom, sc.size);
        return sc;
    }

    void deallocate(boost::context::stack_context& sc) noexcept {
        unpoison_stack(static_cast<const char*>(sc.sp) - sc.size, sc.size);
        inner_.deallocate(sc);
    }

private:
    boost::fibers::protected_fixedsize_stack inner_;
    sanitizer_fiber* out_;
};

}  // namespace

// Exactly one fiber of the world runs at a time and every hand-over names its target, so
// Boost.Fiber's own ready queue never decides the order: the driver switches straight to
// the worker, and the worker switches straight back (hand_back). Only a new fiber's first
// start goes through the ready queue, where it is the only entry besides Boost's dispatcher.
void world_core::switch_to(worker& w) {
    // A worker hands back with its actor still current when it parks mid-handler.
    const ractor::detail::current_cell_keeper keep;
    boost::fibers::context* const self = boost::fibers::context::active();
    if (w.ctx == nullptr) {
        // Posted, not started: the fiber is now the only ready one (besides the dispatcher).
        w.fiber = boost::fibers::fiber(boost::fibers::launch::post, std::allocator_arg,
                                       recording_stack(stack_, w.sanitizer),
                                       [this, wp = &w] { worker_main(*wp); });
        create_sanitizer_fiber(w.sanitizer);
    }
    driver_ = self;
    current_ = &w;
    identify_current_fiber(driver_sanitizer_);
    leave_fiber(driver_sanitizer_, w.sanitizer);
    if (w.ctx == nullptr) {
        self->suspend();
    } else {
        w.ctx->resume();
    }
    arrive_on_fiber(driver_sanitizer_, w.sanitizer);
    current_ = nullptr;
}

void world_core::worker_main(worker& w) {
    arrive_on_fiber(w.sanitizer, driver_sanitizer_);
    w.ctx = boost::fibers::context::active();
    for (;;) {
        if (runnable* job = std::exchange(w.job, nullptr); job != nullptr) {
            job->run(opts_.batch_budget);
        }
        w.busy = false;
        w.task = 0;
        w.node = 0;
        idle_.push_back(&w);
        hand_back(w);
        if (w.quit) {
            // The fiber ends and Boost switches to the joining driver. Frames still return
            // after this point, so ASan's fake stack of this fiber (only with
            // detect_stack_use_after_return=1) is kept rather than destroyed.
            leave_ending_fiber(w.sanitizer, driver_sanitizer_);
            return;
        }
    }
}

void world_core::hand_back(worker& w) {
    leave_fiber(w.sanitizer, driver_sanitizer_);
    driver_->resume();
    arrive_on_fiber(w.sanitizer, driver_sanitizer_);
}

wake_reason world_core::park_worker(worker& w, std::uint64_t node, park_token token,
                                    std::optional<time_point> deadline) {
    waiter& wt = w.wait;
    if (token.waiter != &wt || token.epoch != wt.epoch || wt.state == waiter_state::idle) {
        throw std::logic_error(
            "ractor::sim: executor::park needs the token of the calling fiber's last "
            "prepare_park");
    }
    if (wt.state == waiter_state::woken) {
        wt.state = waiter_state::idle;
        return wt.reason;
    }
    if (tearing_down_) {
        if (++teardown_parks_ > teardown_park_limit) {
            die("a fiber kept parking after being interrupted while its world was destroyed; "
                "code must return from runnable::run once park returns "
                "wake_reason::interrupted");
        }
        wt.state = waiter_state::idle;
        return wake_reason::interrupted;
    }
    if (deadline && *deadline <= now_) {
        wt.state = waiter_state::idle;
        return wake_reason::timed_out;
    }
    wt.state = waiter_state::parked;
    if (deadline) {
        arm_deadline(wt, node, *deadline);
    }
    record(node, trace_event{trace_kind::park, 0, w.id,
                             deadline ? static_cast<std::uint64_t>(
                                            deadline->time_since_epoch().count())
                                      : 0,
                             {}});
    hand_back(w);
    const wake_reason reason = wt.reason;
    end_park(wt);
    record(node, trace_event{trace_kind::wake, 0, w.id, static_cast<std::uint64_t>(reason), {}});
    return reason;
}

wake_reason world_core::park_main(std::uint64_t node, park_token token,
                                  std::optional<time_point> deadline) {
    waiter& wt = main_waiter_;
    if (token.waiter != &wt || token.epoch != wt.epoch || wt.state == waiter_state::idle) {
        throw std::logic_error(
            "ractor::sim: executor::park needs the token of the caller's last prepare_park");
    }
    if (wt.state == waiter_state::woken) {
        wt.state = waiter_state::idle;
        return wt.reason;
    }
    if (deadline && *deadline <= now_) {
        wt.state = waiter_state::idle;
        return wake_reason::timed_out;
    }
    wt.state = waiter_state::parked;
    if (deadline) {
        arm_deadline(wt, node, *deadline);
    }
    try {
        while (wt.state != waiter_state::woken) {
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

void world_core::arm_deadline(waiter& wt, std::uint64_t node, time_point deadline) {
    waiter* const target = &wt;
    const std::uint64_t epoch = wt.epoch;
    wt.deadline = add_timer(node, deadline, [this, target, epoch] {
        unpark(park_token{target, epoch}, wake_reason::timed_out);
    }, true);
}

void world_core::end_park(waiter& wt) {
    if (wt.deadline != 0) {
        cancel_timer(wt.deadline);
        wt.deadline = 0;
    }
    wt.state = waiter_state::idle;
}

// Parked fibers hold stacks with live objects on them: each is resumed with `interrupted`
// (and every later park answers `interrupted` at once) until its run() returns, then every
// idle worker is told to quit and joined. Runnables that never started are dropped.
void world_core::teardown() noexcept {
    if (std::this_thread::get_id() != thread_) {
        die("a world must be destroyed on the thread that created it");
    }
    if (current_ != nullptr || in_step_) {
        die("a world was destroyed from inside one of its own steps");
    }
    const simulation_scope scope;
    tearing_down_ = true;
    for (const candidate_target& t : targets_) {
        if (t.job != nullptr) t.job->discard();
    }
    candidates_.clear();
    targets_.clear();
    armed_.clear();
    triggers_.clear();
    for (const auto& wp : workers_) {
        worker& w = *wp;
        while (w.busy && w.ctx != nullptr) {
            if (w.wait.state == waiter_state::parked) {
                w.wait.state = waiter_state::woken;
                w.wait.reason = wake_reason::interrupted;
            }
            switch_to(w);
        }
    }
    boost::fibers::context* const self = boost::fibers::context::active();
    identify_current_fiber(driver_sanitizer_);
    for (const auto& wp : workers_) {
        worker& w = *wp;
        if (!w.fiber.joinable()) {
            continue;
        }
        w.quit = true;
        self->schedule(w.ctx);
        leave_fiber(driver_sanitizer_, w.sanitizer);
        try {
            w.fiber.join();
        } catch (...) {
            die("could not join a worker fiber while destroying a world");
        }
        resume_after_fiber_end(driver_sanitizer_);
        arrive_on_fiber(driver_sanitizer_, w.sanitizer);
        destroy_sanitizer_fiber(w.sanitizer);
    }
    workers_.clear();
    idle_.clear();
}

std::string world_core::where() const {
    const auto ns = now_.time_since_epoch().count();
    return "virtual time " + std::to_string(ns) + " ns after " + std::to_string(steps_) +
           " steps";
}

}  // namespace ractor::sim::internal
