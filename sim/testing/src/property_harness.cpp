// Runs a supervision case on the simulator: test actors, a watcher, an injector, a log.
#include <ractor/sim/property_harness.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>

#include <ractor/actor.hpp>
#include <ractor/actor_system.hpp>
#include <ractor/detail/supervisor_mutation.hpp>
#include <ractor/sim/world.hpp>
#include <ractor/supervisor.hpp>
#include <ractor/timers.hpp>

namespace ractor::sim {

namespace {

/// What the test actors share (the simulator runs them all on one thread).
struct recorder {
    std::vector<std::string> log;
    std::map<std::string, std::vector<any_actor_ref>> incarnations;  ///< per path, oldest first
    std::map<std::string, int> attempts;  ///< per worker path: starts tried so far
    std::size_t stale_before_faults = 0;

    void started(const std::string& path, any_actor_ref a) { incarnations[path].push_back(std::move(a)); }
    any_actor_ref newest(const std::string& path) const {
        auto it = incarnations.find(path);
        return it == incarnations.end() ? any_actor_ref{} : it->second.back();
    }
    std::size_t stale_alive() const {
        std::size_t n = 0;
        for (const auto& [path, all] : incarnations) {
            for (std::size_t i = 0; i + 1 < all.size(); ++i) n += all[i].is_alive();
        }
        return n;
    }
};
using recorder_ptr = std::shared_ptr<recorder>;

struct worker_args {
    recorder_ptr rec;
    std::string path;
};

/// A worker that fails whenever it gets a message, and logs its post_stop.
struct worker : actor<int, worker_args, worker_args> {
    worker_args pre_start(actor_ref<int>, worker_args a) { return a; }
    void handle(actor_ref<int>, int, worker_args&) { throw std::runtime_error("planned failure"); }
    void post_stop(actor_ref<int>, worker_args& a) { a.rec->log.push_back("stop " + a.path); }
};

/// Starts the worker `n` at `path`, or ignores or refuses the start as `n` says.
any_actor_ref start_worker(const any_actor_ref& sup, const tree_node& n, const std::string& path,
                           const recorder_ptr& rec) {
    if (n.ignore) {
        rec->log.push_back("ignore " + path);
        return {};
    }
    const int attempt = ++rec->attempts[path];
    if (attempt > 1 && attempt <= 1 + n.failed_restarts) {
        rec->log.push_back("refuse " + path);
        throw std::runtime_error("planned start failure");
    }
    rec->log.push_back("start " + path);
    auto ref = sup.system().spawn(worker{}, {rec, path}, {.supervisor = sup, .trap_exit = n.trap_exit});
    rec->started(path, ref);
    return ref;
}

/// The root's supervisor: logs the root's exit.
struct watcher : actor<int, recorder_ptr, recorder_ptr> {
    recorder_ptr pre_start(actor_ref<int>, recorder_ptr r) { return r; }
    void handle(actor_ref<int>, int, recorder_ptr&) {}
    void handle_supervisor_evt(actor_ref<int>, const supervision_event& e, recorder_ptr& r) {
        if (e.is_exit() && !e.from_monitor) r->log.push_back("root exit");
    }
};

struct injector_args {
    recorder_ptr rec;
    std::vector<fault> plan;
    std::vector<std::string> paths;   ///< per fault: its target
    std::vector<bool> is_supervisor;  ///< per fault: whether its target is a supervisor
};

/// Plants the plan as timers to itself and applies each fault when its timer fires.
struct injector : actor<std::size_t, injector_args, injector_args> {
    injector_args pre_start(actor_ref<std::size_t>, injector_args a) { return a; }
    void post_start(actor_ref<std::size_t> self, injector_args& a) {
        std::chrono::milliseconds at{0};
        for (std::size_t i = 0; i < a.plan.size(); ++i) {
            at += std::chrono::milliseconds(a.plan[i].gap_ms);
            send_after(self, at, i);
        }
    }
    void handle(actor_ref<std::size_t>, std::size_t i, injector_args& a) {
        std::int64_t now_ms = 0;
        for (std::size_t j = 0; j <= i; ++j) now_ms += a.plan[j].gap_ms;
        const std::string at = " @" + std::to_string(now_ms);
        a.rec->stale_before_faults += a.rec->stale_alive();
        const fault& f = a.plan[i];
        const std::string& path = a.paths[i];
        auto target = a.rec->newest(path);
        if (!target || !target.is_alive()) {
            a.rec->log.push_back("skip " + path + at);
            return;
        }
        a.rec->log.push_back("fault " + path + " " + to_string(f.kind) + at);
        switch (f.kind) {
            case fault_kind::raise:
                if (a.is_supervisor[i]) target.stop("crash");
                else target.as<int>().cast(0);
                break;
            case fault_kind::exit_normal: target.stop(exit_reason::normal); break;
            case fault_kind::kill: target.kill(); break;
        }
    }
};

supervisor_spec spec_of(const tree_node& n, const std::string& path, const recorder_ptr& rec, supervisor_mutation m);

child_spec child_of(const tree_node& n, const std::string& path, const recorder_ptr& rec, supervisor_mutation m) {
    child_spec s{path, {}, n.restart};
    s.shutdown = n.brutal_kill ? child_shutdown::brutal_kill()
                 : n.supervisor ? child_shutdown::infinity()
                                : child_shutdown::timeout(std::chrono::milliseconds(10));
    if (n.supervisor) {
        s.type = child_type::supervisor;
        s.start = [spec = spec_of(n, path, rec, m), path, rec,
                   m](const any_actor_ref& sup) -> any_actor_ref {
            rec->log.push_back("start " + path);
            auto ref = ractor::detail::spawn_mutated_supervisor(sup.system(), spec, m,
                                                                {.supervisor = sup});
            rec->started(path, ref);
            return ref;
        };
    } else {
        s.start = [n, path, rec](const any_actor_ref& sup) { return start_worker(sup, n, path, rec); };
    }
    return s;
}

supervisor_spec spec_of(const tree_node& n, const std::string& path, const recorder_ptr& rec, supervisor_mutation m) {
    if (!n.supervisor || n.strategy == supervisor_strategy::simple_one_for_one) {
        throw std::invalid_argument("a case's supervisors have static children");
    }
    supervisor_spec spec{.strategy = n.strategy,
                         .intensity = n.intensity,
                         .period = std::chrono::milliseconds(n.period_ms)};
    for (std::size_t i = 0; i < n.children.size(); ++i) {
        spec.children.push_back(child_of(n.children[i], path + "/" + std::to_string(i), rec, m));
    }
    return spec;
}

}  // namespace

supervision_run run_case(const supervision_case& c, std::uint64_t seed) {
    supervision_run run;
    run.seed = seed;
    world w(seed, {.keep_events = false});
    {
        actor_system sys(w.add_node("n1"));
        auto rec = std::make_shared<recorder>();
        injector_args inj{rec, c.plan, {}, {}};
        for (const auto& f : c.plan) {
            inj.paths.push_back(target_path(c.root, f.target));
            inj.is_supervisor.push_back(node_at(c.root, inj.paths.back()).supervisor);
        }

        auto top = sys.spawn(watcher{}, rec);
        rec->log.push_back("start r");
        auto root = ractor::detail::spawn_mutated_supervisor(
            sys, spec_of(c.root, "r", rec, c.mutation), c.mutation, {.supervisor = top});
        rec->started("r", root);
        auto chaos = sys.spawn(injector{}, std::move(inj));
        w.run();

        run.stale_alive = rec->stale_before_faults + rec->stale_alive();
        run.outcome.log = rec->log;
        for (const auto& [path, all] : rec->incarnations) {
            if (all.back().is_alive()) run.outcome.running.insert(path);
        }
        root.stop_and_wait();
        chaos.stop_and_wait();
        top.stop_and_wait();
        w.run();  // kills of brutally killed subtrees spread one actor at a time
        run.leaked = sys.alive_count();
    }
    run.trace_hash = w.trace_hash();
    return run;
}

}  // namespace ractor::sim
