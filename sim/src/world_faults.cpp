// The world's faults: node crash and restart, clock skew, timed kills and stops, and
// applying a fault plan.
#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include <ractor/detail/exception_text.hpp>
#include <ractor/prng.hpp>

#include "world_core.hpp"

namespace ractor::sim::internal {
namespace {

std::string field(const char* list, std::size_t i, const char* key) {
    return std::string(list) + "[" + std::to_string(i) + "]." + key;
}

std::string describe_target(const actor_target& t) {
    return t.name.empty() ? "actor " + std::to_string(t.actor) : "'" + t.name + "'";
}

/// The checks of a plan against the world it is applied to: its nodes and its virtual time.
/// Each group checks its lists in plan order, so the first bad entry is the one reported.
class plan_checker {
public:
    plan_checker(const std::vector<std::unique_ptr<sim_node>>& nodes, time_point now)
        : nodes_(nodes), now_(now) {}

    void failures(const fault_plan& plan) const {
        for (std::size_t i = 0; i < plan.failures.size(); ++i) {
            if (plan.failures[i].node != 0) {
                node(plan.failures[i].node, field("failures", i, "node"), false);
            }
        }
    }

    void actor_faults(const fault_plan& plan) const {
        for (std::size_t i = 0; i < plan.kills.size(); ++i) {
            const actor_kill& k = plan.kills[i];
            node(k.target.node, field("kills", i, "node"), true);
            start("kills", i, k.at, k.until, k.after);
        }
        for (std::size_t i = 0; i < plan.stops.size(); ++i) {
            const actor_stop& st = plan.stops[i];
            node(st.target.node, field("stops", i, "node"), true);
            start("stops", i, st.at, st.until, st.after);
        }
        for (std::size_t i = 0; i < plan.crashes.size(); ++i) {
            const node_crash& c = plan.crashes[i];
            node(c.node, field("crashes", i, "node"), true);
            start("crashes", i, c.at, c.until, c.after);
        }
    }

    void clocks(const fault_plan& plan) const {
        for (std::size_t i = 0; i < plan.clock_skews.size(); ++i) {
            node(plan.clock_skews[i].node, field("clock_skews", i, "node"), false);
        }
        for (std::size_t i = 0; i < plan.timer_delays.size(); ++i) {
            node(plan.timer_delays[i].node, field("timer_delays", i, "node"), false);
        }
    }

    void network(const fault_plan& plan) const {
        for (std::size_t i = 0; i < plan.link_faults.size(); ++i) {
            link("link_faults", i, plan.link_faults[i].from, plan.link_faults[i].to);
        }
        timed_links("partitions", plan.partitions);
        timed_links("heals", plan.heals);
        timed_links("clogs", plan.clogs);
        timed_links("resets", plan.resets);
        for (std::size_t i = 0; i < plan.swizzles.size(); ++i) {
            for (const std::uint64_t n : plan.swizzles[i].nodes)
                node(n, field("swizzles", i, "nodes"), false);
            time(plan.swizzles[i].at, field("swizzles", i, "at"));
        }
    }

private:
    void node(std::uint64_t id, const std::string& path, bool needs_system) const {
        if (id > nodes_.size()) {
            throw fault_plan_error(path, "no node " + std::to_string(id) + " in this world");
        }
        if (needs_system && !nodes_[id - 1]->startup) {
            throw fault_plan_error(path, "node " + std::to_string(id) +
                                             " has no start-up function (add it with "
                                             "world::add_node(name, startup))");
        }
    }

    void time(duration at, const std::string& path) const {
        if (time_point(at) < now_) {
            throw fault_plan_error(path, "is before the world's current virtual time (" +
                                             format_duration(now_.time_since_epoch()) + ")");
        }
    }

    // A trigger-form fault has no start time; a window may have begun already.
    void start(const char* list, std::size_t i, duration at, const std::optional<duration>& until,
               const std::optional<message_trigger>& after) const {
        if (after) {
            node(after->node, field(list, i, "after.node"), false);
        } else {
            time(until.value_or(at), field(list, i, until ? "until" : "at"));
        }
    }

    void link(const char* list, std::size_t i, std::uint64_t from, std::uint64_t to) const {
        node(from, field(list, i, "from"), false);
        node(to, field(list, i, "to"), false);
    }

    template <class Items>
    void timed_links(const char* list, const Items& items) const {
        for (std::size_t i = 0; i < items.size(); ++i) {
            link(list, i, items[i].from, items[i].to);
            time(items[i].at, field(list, i, "at"));
        }
    }

    const std::vector<std::unique_ptr<sim_node>>& nodes_;
    time_point now_;
};

}  // namespace

actor_system* world_core::node_system(std::uint64_t id) const { return node(id).system.get(); }

bool world_core::node_up(std::uint64_t id) const {
    const sim_node& n = node(id);
    return !n.startup || n.system != nullptr;
}

// A crash is abrupt and takes no virtual time: every living actor is killed (so no
// post_stop runs and no further handler starts), every parked fiber of the node is
// interrupted and the node's pending timers are dropped, all within the calling step.
// The dead system is destroyed once its killed actors have all finished.
bool world_core::crash_node(std::uint64_t id) {
    check_thread("world::crash_node");
    sim_node& n = node(id);
    if (!n.startup) {
        throw std::invalid_argument("ractor::sim: node " + std::to_string(id) +
                                    " has no start-up function, so the world cannot crash it "
                                    "(add it with world::add_node(name, startup))");
    }
    if (!n.system) {
        record(id, trace_event{trace_kind::fault, 0, 0, 0, "crash node " + n.name + ": already down"});
        return false;
    }
    record(id, trace_event{trace_kind::fault, 0, 0, 0, "crash node " + n.name});
    crashed_system dead{id, std::move(n.system), {}};
    dead.system->kill_all();
    for (const auto& wp : fibers_) {
        sim_fiber& w = *wp;
        if (!w.busy || w.node != id) {
            continue;
        }
        dead.tasks.push_back(w.task);
        if (w.wait.state == sim_waiter_state::parked) {
            unpark(park_token{&w.wait, w.wait.epoch}, wake_reason::interrupted);
        }
    }
    const std::size_t dropped = drop_node_timers(id);
    if (dropped > 0) {
        record(id, trace_event{trace_kind::fault, 0, 0, dropped,
                               "crash node " + n.name + ": dropped " + std::to_string(dropped) + " timers"});
    }
    crashed_.push_back(std::move(dead));
    net_.node_crashed(id, n.name);
    return true;
}

bool world_core::restart_node(std::uint64_t id) {
    check_thread("world::restart_node");
    sim_node& n = node(id);
    if (!n.startup) {
        throw std::invalid_argument("ractor::sim: node " + std::to_string(id) +
                                    " has no start-up function, so the world cannot restart it");
    }
    if (n.system) {
        record(id, trace_event{trace_kind::fault, 0, 0, 0, "restart node " + n.name + ": already up"});
        return false;
    }
    record(id, trace_event{trace_kind::fault, 0, 0, 0, "restart node " + n.name});
    n.faults.next_incarnation();
    n.system = std::make_unique<actor_system>(n.view);
    std::exception_ptr failure;
    try {
        n.startup(*n.system);
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        record(id, trace_event{trace_kind::fault, 0, 0, 0,
                               "restart node " + n.name + ": start-up failed: " +
                                   ractor::detail::exception_text(failure)});
    }
    return true;
}

void world_core::set_clock_skew(std::uint64_t id, duration offset) {
    check_thread("world::set_clock_skew");
    sim_node& n = node(id);
    n.clock.set_skew(offset);
    record(id, trace_event{trace_kind::fault, 0, 0, static_cast<std::uint64_t>(offset.count()),
                           "clock skew " + format_duration(offset)});
}

sim_network& world_core::network_control(const char* what, std::uint64_t from, std::uint64_t to) {
    check_thread(what);
    for (const std::uint64_t id : {from, to}) {
        if (id > nodes_.size()) {
            throw std::out_of_range(std::string("ractor::sim: ") + what + ": no node " + std::to_string(id) +
                                    " in this world");
        }
    }
    return net_;
}

std::size_t world_core::drop_node_timers(std::uint64_t node) {
    std::vector<timer_callback> dropped;
    for (auto it = timers_.begin(); it != timers_.end();) {
        if (it->second.node == node && !it->second.deadline) {
            dropped.push_back(std::move(it->second.fn));
            it = timers_.erase(it);
        } else {
            ++it;
        }
    }
    // The callbacks are destroyed here, after the map is consistent again: what they hold
    // (actor references, timer states) may run destructors.
    return dropped.size();
}

void world_core::collect_crashed() {
    for (auto it = crashed_.begin(); it != crashed_.end();) {
        const bool running = std::any_of(fibers_.begin(), fibers_.end(), [&](const auto& w) {
            return w->busy && std::find(it->tasks.begin(), it->tasks.end(), w->task) != it->tasks.end();
        });
        if (!running && it->system->alive_count() == 0) {
            it = crashed_.erase(it);
        } else {
            ++it;
        }
    }
}

// The world's own systems stop like any other before the world goes: each is shut down
// from here (driving the simulation), without the step budget. A system that cannot be
// shut down (deadlock) is leaked rather than destroyed under its actors.
void world_core::release_systems() noexcept {
    if (current_ != nullptr || in_step_ || std::this_thread::get_id() != thread_) {
        return;  // teardown reports the misuse
    }
    unbudgeted_ = true;
    disarm_all();
    const auto release = [](std::unique_ptr<actor_system>& system) {
        if (!system) {
            return;
        }
        try {
            system->shutdown();
        } catch (...) {
            (void)system.release();
            return;
        }
        system.reset();
    };
    for (auto& n : nodes_) {
        release(n->system);
    }
    // Taken out first: the steps a shutdown runs collect crashed systems themselves.
    std::vector<crashed_system> crashed = std::move(crashed_);
    crashed_.clear();
    for (auto& dead : crashed) {
        release(dead.system);
    }
}

void world_core::check_plan(const fault_plan& plan) const {
    validate(plan);
    const plan_checker check(nodes_, now_);
    check.failures(plan);
    check.actor_faults(plan);
    check.clocks(plan);
    check.network(plan);
}

bool world_core::signal_actor(const actor_target& target, bool kill, const std::string& reason) {
    const sim_node& n = node(target.node);
    const std::string what = std::string(kill ? "kill " : "stop ") + describe_target(target);
    std::optional<any_actor_ref> ref;
    if (n.system) {
        ref = target.name.empty() ? n.system->find(target.actor) : n.system->where_is(target.name);
    }
    if (!ref) {
        record(target.node, trace_event{trace_kind::fault, 0, 0, 0,
                                        what + (n.system ? ": not found" : ": node down")});
        return false;
    }
    record(target.node, trace_event{trace_kind::fault, ref->id().local, 0, 0, what});
    if (kill) {
        ref->kill();
    } else {
        ref->stop(reason);
    }
    return true;
}

std::size_t world_core::add_tally(std::string entry, const char* kind) {
    tallies_.push_back(fault_tally{plans_applied_, std::move(entry), kind, 0});
    return tallies_.size() - 1;
}

std::size_t world_core::add_tallies(const char* list, std::size_t count, const char* kind) {
    const std::size_t first = tallies_.size();
    for (std::size_t i = 0; i < count; ++i) add_tally(std::string(list) + "[" + std::to_string(i) + "]", kind);
    return first;
}

std::function<void()> world_core::counted(std::size_t tally, std::function<bool()> fault) {
    return [this, tally, fault = std::move(fault)] {
        if (fault()) count_fault(tally);
    };
}

// A timed fault of a plan: a world timer (node 0, so that no crash drops it).
void world_core::start_counted(time_point at, std::size_t tally, std::function<bool()> fault) {
    start_timer(0, at, counted(tally, std::move(fault)));
}

// Timed faults become world timers in the order the plan lists them: skews, kills, stops,
// then each crash followed by its restart. Timers of one instant fire in start order, so
// that is also the order of faults at one instant.
void world_core::apply(const fault_plan& plan) {
    check_thread("world::apply");
    check_plan(plan);
    ++plans_applied_;
    rules_.key = fault_key(seed_, plan.seed);
    rules_.failures = plan.failures;
    rules_.timer_delays = plan.timer_delays;
    rules_.buggify = plan.buggify;
    rules_.active_sites.clear();
    rules_.first_failure_tally = add_tallies("failures", plan.failures.size(), "failure");
    rules_.first_delay_tally = add_tallies("timer_delays", plan.timer_delays.size(), "timer_delay");
    rules_.first_buggify_tally = add_tallies("buggify", plan.buggify.size(), "buggify");
    for (const auto& n : nodes_) {
        n->faults.reseed(rules_.key);
    }
    std::size_t tally = add_tallies("clock_skews", plan.clock_skews.size(), "clock_skew");
    for (const clock_skew& s : plan.clock_skews) {
        if (time_point(s.at) <= now_) {
            set_clock_skew(s.node, s.offset);
            count_fault(tally++);
        } else {
            start_counted(time_point(s.at), tally++, [this, s] {
                set_clock_skew(s.node, s.offset);
                return true;
            });
        }
    }
    tally = add_tallies("kills", plan.kills.size(), "kill");
    for (const actor_kill& k : plan.kills) {
        start_fault(k.at, k.until, k.after, tally++, [this, t = k.target] { return signal_actor(t, true, {}); });
    }
    tally = add_tallies("stops", plan.stops.size(), "stop");
    for (const actor_stop& st : plan.stops) {
        start_fault(st.at, st.until, st.after, tally++,
                    [this, st] { return signal_actor(st.target, false, st.reason); });
    }
    apply_crashes(plan.crashes);
    apply_network(plan);
}

// Each crash's tally is followed by the tally of its restart, if it has one. A restart
// `restart_after` the crash is started by the crash itself, when it happened.
void world_core::apply_crashes(const std::vector<node_crash>& crashes) {
    for (std::size_t i = 0; i < crashes.size(); ++i) {
        const node_crash& c = crashes[i];
        const std::string entry = "crashes[" + std::to_string(i) + "]";
        const std::size_t crash_tally = add_tally(entry, "crash");
        const auto restart = [this, id = c.node] { return restart_node(id); };
        if (c.restart_after) {
            const std::size_t restart_tally = add_tally(entry + ".restart_after", "restart");
            start_fault(c.at, c.until, c.after, crash_tally, [this, c, restart, restart_tally] {
                if (!crash_node(c.node)) return false;
                start_counted(now_ + *c.restart_after, restart_tally, restart);
                return true;
            });
            continue;
        }
        start_fault(c.at, c.until, c.after, crash_tally, [this, id = c.node] { return crash_node(id); });
        if (c.restart_at) start_counted(time_point(*c.restart_at), add_tally(entry + ".restart_at", "restart"), restart);
    }
}

// The network's faults follow the others at one instant, in this order: partitions (each
// followed by its heal), heals, clogs (each followed by its release), resets, swizzles.
// Link rules fire when the network loses, duplicates or delays a packet by them.
void world_core::apply_network(const fault_plan& plan) {
    const std::size_t first_link = add_tallies("link_faults", plan.link_faults.size(), "link_fault");
    net_.set_rules(plan.link_faults, rules_.key, [this, first_link](std::size_t i) { count_fault(first_link + i); });
    std::size_t tally = add_tallies("partitions", plan.partitions.size(), "partition");
    for (const link_partition& p : plan.partitions) {
        start_counted(time_point(p.at), tally++, [this, p] {
            net_.partition(p.from, p.to, p.two_way);
            return true;
        });
        if (p.heal_at) start_timer(0, time_point(*p.heal_at), [this, p] { net_.heal(p.from, p.to); });
    }
    tally = add_tallies("heals", plan.heals.size(), "heal");
    for (const link_heal& h : plan.heals) {
        start_counted(time_point(h.at), tally++, [this, h] {
            net_.heal(h.from, h.to);
            return true;
        });
    }
    tally = add_tallies("clogs", plan.clogs.size(), "clog");
    for (const link_clog& c : plan.clogs) {
        start_counted(time_point(c.at), tally++, [this, c] {
            net_.clog(c.from, c.to, c.two_way);
            return true;
        });
        if (c.release_at) start_timer(0, time_point(*c.release_at), [this, c] { net_.release(c.from, c.to); });
    }
    tally = add_tallies("resets", plan.resets.size(), "reset");
    for (const link_reset& r : plan.resets) {
        start_counted(time_point(r.at), tally++, [this, r] {
            net_.reset(r.from, r.to);
            return true;
        });
    }
    tally = add_tallies("swizzles", plan.swizzles.size(), "swizzle");
    for (const swizzle& z : plan.swizzles) {
        start_counted(time_point(z.at), tally++, [this, z] {
            net_.swizzle(z.nodes, z.interval);
            return true;
        });
    }
}

}  // namespace ractor::sim::internal
