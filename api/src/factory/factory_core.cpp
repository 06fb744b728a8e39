// The factory actor: routes jobs to its workers, queues and sheds them, respawns workers,
// watches for stuck ones, resizes the pool and drains, as ractor's factory does.
#include <ractor/factory/detail/factory_core.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <ractor/actor.hpp>
#include <ractor/actor_system.hpp>
#include <ractor/exit_reason.hpp>
#include <ractor/timers.hpp>

#include "job_queue.hpp"
#include "leaky_bucket.hpp"

namespace ractor::factory::detail {

namespace {

using self_ref = actor_ref<factory_message>;
using job_ptr = std::unique_ptr<erased_job>;

/// One place in the pool. Its id is its index; it outlives the incarnations of its worker.
struct worker_slot {
    actor_ref<worker_job> actor{};  ///< null once a retired worker stopped
    std::uint64_t generation = 0;   ///< which incarnation `finished` messages must come from
    job_queue backlog;
    bool busy = false;
    std::uint64_t busy_key = 0;
    time_point busy_since{};
    bool reported_stuck = false;
    bool retiring = false;  ///< removed by a resize: stops once idle
    bool stop_sent = false; ///< a retiring worker was told to stop
};

struct factory_state {
    core_spec spec;
    std::vector<worker_slot> slots;  ///< ids `0 .. active - 1` route jobs, the rest retire
    std::size_t active = 0;
    job_queue queue;                 ///< the queuer modes' factory-side queue
    std::optional<std::size_t> limit;
    std::optional<leaky_bucket> bucket;
    std::size_t next_round_robin = 0;
    std::uint64_t generations = 0;
    factory_stats stats;
    bool draining = false;
    bool stopping = false;
};

/// True if the worker of `slot` can be handed a job now: alive, idle and not told to stop.
bool can_take(const worker_slot& slot) { return slot.actor && !slot.busy && !slot.stop_sent; }

/// True for the modes that keep a factory-side queue.
bool is_queuer(routing_mode m) { return m == routing_mode::queuer || m == routing_mode::sticky_queuer; }

/// The factory's time, on its node's runtime clock.
time_point now_of(const self_ref& self) { return self.system().runtime().clock.now(); }

/// Counts `job` as discarded for `reason` and tells the discard handler; the job then goes.
void discard(factory_state& s, job_ptr job, discard_reason reason) {
    ++s.stats.discarded[static_cast<std::size_t>(reason)];
    if (s.spec.on_discard) s.spec.on_discard(reason, *job);
}

/// Starts a new incarnation of worker `id` in its place, keeping the place's backlog.
void spawn_worker(const self_ref& self, factory_state& s, worker_id id) {
    worker_slot& slot = s.slots[id];
    slot.generation = ++s.generations;
    slot.busy = false;
    slot.retiring = false;
    slot.stop_sent = false;
    slot.actor = s.spec.spawn_worker(self, id, slot.generation);
}

/// True if `job` has waited past its ttl at `now`.
bool expired(const erased_job& job, time_point now) {
    return job.options.ttl && now - job.arrived > *job.options.ttl;
}

/// Hands `job` to the idle worker of `slot`.
void start_job(worker_slot& slot, job_ptr job, time_point now) {
    slot.busy = true;
    slot.busy_key = job->key_hash;
    slot.busy_since = now;
    slot.reported_stuck = false;
    // A worker that died since its last job refuses the cast (the job goes with it); its
    // exit event follows and counts the job as lost then.
    slot.actor.cast(worker_job{std::move(job)});
}

/// The next job for an idle worker: its own backlog first, then (queuer modes) the
/// factory's queue. Expired jobs met on the way are discarded.
job_ptr next_job(factory_state& s, worker_slot& slot, time_point now) {
    while (true) {
        job_ptr job = slot.backlog.pop();
        if (!job && is_queuer(s.spec.mode) && !slot.retiring) job = s.queue.pop();
        if (!job || !expired(*job, now)) return job;
        discard(s, std::move(job), discard_reason::ttl_expired);
    }
}

/// Sends an idle worker its next job, or stops it if it is retiring and has none.
void feed(const self_ref& self, factory_state& s, worker_slot& slot) {
    if (!can_take(slot)) return;
    if (job_ptr job = next_job(s, slot, now_of(self))) {
        start_job(slot, std::move(job), now_of(self));
    } else if (slot.retiring) {
        slot.stop_sent = true;
        slot.actor.stop();
    }
}

/// Queues `job` on `queue` under the discard limit; false if `job` itself was shed.
bool enqueue(factory_state& s, job_queue& queue, job_ptr job) {
    if (s.limit && *s.limit == 0) {
        discard(s, std::move(job), discard_reason::load_shed);
        return false;
    }
    const erased_job* incoming = job.get();
    queue.push(std::move(job));
    if (!s.limit) return true;
    bool kept = true;
    for (auto& victim : queue.shed(*s.limit, s.spec.discard.mode)) {
        kept = kept && victim.get() != incoming;
        discard(s, std::move(victim), discard_reason::load_shed);
    }
    return kept;
}

/// The active worker the keyed modes pick for `job`.
std::size_t pick(factory_state& s, const erased_job& job) {
    switch (s.spec.mode) {
        case routing_mode::key_persistent: return static_cast<std::size_t>(job.key_hash % s.active);
        case routing_mode::round_robin: return s.next_round_robin++ % s.active;
        default: return s.spec.custom(job, s.active) % s.active;
    }
}

/// A worker already holding `job`'s key (sticky queuer), if any.
worker_slot* sticky_worker(factory_state& s, const erased_job& job) {
    for (std::size_t i = 0; i < s.active; ++i) {
        worker_slot& slot = s.slots[i];
        if (slot.busy && (slot.busy_key == job.key_hash || slot.backlog.holds_key(job.key_hash))) return &slot;
    }
    return nullptr;
}

/// The first active worker that can take a job now, if any.
worker_slot* idle_worker(factory_state& s) {
    for (std::size_t i = 0; i < s.active; ++i) {
        if (can_take(s.slots[i])) return &s.slots[i];
    }
    return nullptr;
}

/// Routes an admitted job to a worker or a queue; false if it was shed instead.
bool route(const self_ref& self, factory_state& s, job_ptr job) {
    worker_slot* target = nullptr;
    if (is_queuer(s.spec.mode)) {
        if (s.spec.mode == routing_mode::sticky_queuer) target = sticky_worker(s, *job);
        if (!target) target = idle_worker(s);
        if (!target) return enqueue(s, s.queue, std::move(job));
    } else {
        target = &s.slots[pick(s, *job)];
    }
    if (can_take(*target) && target->backlog.empty()) {
        start_job(*target, std::move(job), now_of(self));
        return true;
    }
    return enqueue(s, target->backlog, std::move(job));
}

/// Admits or refuses a dispatched job, then routes it.
acceptance admit(const self_ref& self, factory_state& s, job_ptr job) {
    ++s.stats.received;
    const time_point now = now_of(self);
    job->arrived = now;
    std::optional<discard_reason> refused;
    if (s.draining || s.stopping) refused = discard_reason::shutdown;
    else if (s.bucket && !s.bucket->take(now)) refused = discard_reason::rate_limited;
    if (refused) {
        discard(s, std::move(job), *refused);
        return {false, refused};
    }
    if (route(self, s, std::move(job))) return {true, std::nullopt};
    return {false, discard_reason::load_shed};
}

/// The counters now, with the depths and in-flight jobs counted over every place.
factory_stats snapshot(const factory_state& s) {
    factory_stats out = s.stats;
    out.workers = s.active;
    out.queue_depth = s.queue.size();
    out.in_flight = 0;
    for (const auto& slot : s.slots) {
        out.queue_depth += slot.backlog.size();
        out.in_flight += slot.busy ? 1 : 0;
    }
    return out;
}

/// Once a draining factory has no job left, stops the workers (their post_stop runs) and itself.
void finish_drain_if_done(const self_ref& self, factory_state& s) {
    if (!s.draining || s.stopping) return;
    const factory_stats now = snapshot(s);
    if (now.queue_depth > 0 || now.in_flight > 0) return;
    s.stopping = true;
    for (auto& slot : s.slots) {
        if (slot.actor) slot.actor.stop_and_wait(exit_reason::shutdown);
    }
    self.stop(exit_reason::normal);
}

/// Forgets retired places at the end of the pool whose worker has stopped.
void trim_retired(factory_state& s) {
    while (s.slots.size() > s.active && !s.slots.back().actor && s.slots.back().backlog.empty()) s.slots.pop_back();
}

/// Adds places up to `workers`, keeping a retiring worker that is still there.
void grow(const self_ref& self, factory_state& s, std::size_t workers) {
    const std::size_t old_active = s.active;
    s.active = workers;
    while (s.slots.size() < workers) {
        s.slots.emplace_back();
        s.slots.back().backlog = job_queue(s.spec.priorities);
    }
    for (std::size_t id = old_active; id < workers; ++id) {
        worker_slot& slot = s.slots[id];
        slot.retiring = false;
        // A worker told to stop is respawned by its exit event, as it is no longer retiring.
        if (!slot.actor) spawn_worker(self, s, id);
        feed(self, s, slot);
    }
}

/// Retires the places from `workers` on and routes their backlogs over the rest.
void shrink(const self_ref& self, factory_state& s, std::size_t workers) {
    const std::size_t old_active = s.active;
    s.active = workers;
    std::vector<job_ptr> homeless;
    for (std::size_t id = workers; id < old_active; ++id) {
        worker_slot& slot = s.slots[id];
        slot.retiring = true;
        for (auto& job : slot.backlog.take_all()) homeless.push_back(std::move(job));
        feed(self, s, slot);
    }
    for (auto& job : homeless) route(self, s, std::move(job));
}

/// Grows or shrinks the pool to `workers`, at least one.
void resize(const self_ref& self, factory_state& s, std::size_t workers) {
    workers = std::max<std::size_t>(workers, 1);
    if (workers > s.active) grow(self, s, workers);
    else if (workers < s.active) shrink(self, s, workers);
}

/// A worker's report of a finished job; one from an earlier incarnation is ignored.
void on_finished(const self_ref& self, factory_state& s, const factory_msg::finished& f) {
    if (f.id >= s.slots.size() || s.slots[f.id].generation != f.generation || !s.slots[f.id].busy) return;
    worker_slot& slot = s.slots[f.id];
    slot.busy = false;
    ++s.stats.completed;
    s.stats.total_processing += f.took;
    s.stats.max_processing = std::max(s.stats.max_processing, f.took);
    feed(self, s, slot);
    finish_drain_if_done(self, s);
}

/// The dead-man's switch: reports (and kills, if asked) workers busy past the threshold.
void check_stuck(factory_state& s, time_point now) {
    const dead_mans_switch& dms = *s.spec.dead_man;
    for (std::size_t id = 0; id < s.slots.size(); ++id) {
        worker_slot& slot = s.slots[id];
        if (!slot.busy || slot.reported_stuck || now - slot.busy_since < dms.threshold) continue;
        slot.reported_stuck = true;
        ++s.stats.stuck;
        if (s.spec.hooks.on_stuck) s.spec.hooks.on_stuck(id);
        if (dms.kill) slot.actor.kill();
    }
}

/// Runs what a periodic timer of the factory is for.
void on_tick(const self_ref& self, factory_state& s, factory_msg::tick::kind what) {
    switch (what) {
        case factory_msg::tick::kind::dead_mans_switch: check_stuck(s, now_of(self)); break;
        case factory_msg::tick::kind::stats: s.spec.hooks.on_stats(snapshot(s)); break;
        case factory_msg::tick::kind::discard_limit: s.limit = s.spec.discard.update(*s.limit); break;
    }
}

/// Starts the periodic timers the spec asks for (they end with the factory).
void start_ticks(const self_ref& self, const factory_state& s) {
    auto every = [&](duration period, factory_msg::tick::kind what) {
        send_interval(self, period, [what] { return factory_message{factory_msg::tick{what}}; });
    };
    if (s.spec.dead_man) every(s.spec.dead_man->check_interval, factory_msg::tick::kind::dead_mans_switch);
    if (s.spec.hooks.on_stats) every(s.spec.hooks.stats_interval, factory_msg::tick::kind::stats);
    if (s.spec.discard.update) every(s.spec.discard.update_interval, factory_msg::tick::kind::discard_limit);
}

/// Throws `std::invalid_argument` for a spec that cannot work.
void validate(const core_spec& spec) {
    if (spec.workers == 0) throw std::invalid_argument("a factory needs at least one worker");
    if (spec.mode == routing_mode::custom && !spec.custom) {
        throw std::invalid_argument("custom routing needs a routing function");
    }
    if (spec.discard.update && !spec.discard.limit) {
        throw std::invalid_argument("a dynamic discard limit needs a limit to start from");
    }
    if (!spec.spawn_worker) throw std::invalid_argument("a factory needs a way to start its workers");
    const auto positive = [](duration d, const char* what) {
        if (d <= duration::zero()) throw std::invalid_argument(std::string(what) + " must be positive");
    };
    if (spec.dead_man) positive(spec.dead_man->check_interval, "the dead-man's switch check interval");
    if (spec.hooks.on_stats) positive(spec.hooks.stats_interval, "the stats interval");
    if (spec.discard.update) positive(spec.discard.update_interval, "the discard limit's update interval");
    if (spec.limit) positive(spec.limit->interval, "the rate limit's interval");
}

struct factory_actor : actor<factory_message, factory_state, core_spec> {
    factory_state pre_start(self_ref self, core_spec spec) {
        factory_state s;
        s.spec = std::move(spec);
        s.queue = job_queue(s.spec.priorities);
        s.limit = s.spec.discard.limit;
        if (s.spec.limit) s.bucket.emplace(*s.spec.limit, now_of(self));
        grow(self, s, s.spec.workers);
        return s;
    }

    void post_start(self_ref self, factory_state& s) {
        start_ticks(self, s);
        if (s.spec.hooks.on_started) s.spec.hooks.on_started(self);
    }

    void handle(self_ref self, factory_message msg, factory_state& s);
    void handle_supervisor_evt(self_ref self, const supervision_event& e, factory_state& s);

    void post_stop(self_ref self, factory_state& s) {
        s.stopping = true;
        for (auto& job : s.queue.take_all()) discard(s, std::move(job), discard_reason::shutdown);
        for (auto& slot : s.slots) {
            for (auto& job : slot.backlog.take_all()) discard(s, std::move(job), discard_reason::shutdown);
        }
        if (s.spec.hooks.on_stopped) s.spec.hooks.on_stopped(self);
    }
};

void factory_actor::handle(self_ref self, factory_message msg, factory_state& s) {
    if (auto* d = std::get_if<factory_msg::dispatch>(&msg)) {
        const acceptance verdict = admit(self, s, std::move(d->job));
        if (d->ack) d->ack->send(verdict);
    } else if (auto* f = std::get_if<factory_msg::finished>(&msg)) {
        on_finished(self, s, *f);
    } else if (auto* r = std::get_if<factory_msg::resize>(&msg)) {
        if (!s.draining) resize(self, s, r->workers);
    } else if (std::holds_alternative<factory_msg::drain>(msg)) {
        if (s.draining) return;
        s.draining = true;
        if (s.spec.hooks.on_draining) s.spec.hooks.on_draining(self);
        finish_drain_if_done(self, s);
    } else if (auto* g = std::get_if<factory_msg::get_stats>(&msg)) {
        g->port.send(snapshot(s));
    } else if (auto* t = std::get_if<factory_msg::tick>(&msg)) {
        on_tick(self, s, t->what);
    }
}

/// A worker's exit: its running job is lost; a retiring worker is let go, any other one
/// respawned under its id to carry on with its backlog.
void factory_actor::handle_supervisor_evt(self_ref self, const supervision_event& e, factory_state& s) {
    if (!e.is_exit() || e.from_monitor || s.stopping) return;
    auto it = std::find_if(s.slots.begin(), s.slots.end(), [&](const worker_slot& w) { return w.actor == e.actor; });
    if (it == s.slots.end()) return;
    if (it->busy) ++s.stats.lost;
    it->busy = false;
    if (it->retiring) {
        it->actor = {};
        trim_retired(s);
    } else {
        spawn_worker(self, s, static_cast<worker_id>(it - s.slots.begin()));
        ++s.stats.respawns;
        feed(self, s, *it);
    }
    finish_drain_if_done(self, s);
}

}  // namespace

actor_ref<factory_message> spawn_core(actor_system& system, core_spec spec, spawn_options options) {
    validate(spec);
    return system.spawn(factory_actor{}, std::move(spec), std::move(options));
}

}  // namespace ractor::factory::detail
