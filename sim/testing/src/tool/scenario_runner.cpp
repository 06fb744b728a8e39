#include <ractor/tool/scenario_runner.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <ractor/cluster/node.hpp>
#include <ractor/sim/world.hpp>
#include <ractor/timers.hpp>
#include <ractor/tool/kind_arguments.hpp>

#include "node_startup.hpp"
#include "workload_log.hpp"

namespace ractor::tool {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

/// One run of a scenario: its world, what its nodes run and what the workload saw.
class scenario_run : public std::enable_shared_from_this<scenario_run> {
public:
    scenario_run(std::shared_ptr<const scenario> s, const registry& r, sim::world& w)
        : keep_(std::move(s)), s_(*keep_), r_(r), w_(w) {}

    void start(const std::optional<sim::fault_plan>& plan) {
        for (std::size_t i = 0; i < s_.nodes.size(); ++i) {
            // The world keeps these for restarts, maybe past the program's end: they share the run.
            w_.add_node(s_.nodes[i], [self = shared_from_this(), i](actor_system& sys) { self->start_node(i, sys); });
        }
        if (plan) w_.apply(*plan);
    }

    void run_workload() {
        for (const step& st : s_.workload) run_step(st);
        w_.run_for(s_.settle);
    }

    /// Every violated invariant, one line each.
    std::vector<std::string> violations() {
        for (const invariant& inv : s_.invariants) check(inv);
        return log_->violations;
    }

private:
    std::uint64_t node_id(const std::string& name) const {
        return static_cast<std::uint64_t>(std::find(s_.nodes.begin(), s_.nodes.end(), name) - s_.nodes.begin()) + 1;
    }
    actor_system* system_of(std::string_view node) {
        const auto it = std::find(s_.nodes.begin(), s_.nodes.end(), node);
        return it == s_.nodes.end() ? nullptr : w_.node_system(static_cast<std::uint64_t>(it - s_.nodes.begin()) + 1);
    }
    std::optional<actor_ref<message>> find(const std::string& node, const std::string& name) {
        actor_system* sys = system_of(node);
        return sys ? sys->where_is<message>(name) : std::nullopt;
    }

    void start_node(std::size_t i, actor_system& sys) {
        ++log_->node_starts[s_.nodes[i]];
        if (s_.nodes.size() > 1) start_cluster(i, sys);
        spawn_declared(s_, r_, s_.nodes[i], sys,
                       [log = log_](const std::string& sup) { ++log->child_starts[sup]; });
    }

    void start_cluster(std::size_t i, actor_system& sys) {
        cluster::node_options o;
        o.name = s_.nodes[i];
        o.cookie = "scenario";
        o.listen_address = s_.nodes[i];
        o.heartbeat_interval = 50ms;
        o.node_down_timeout = 300ms;
        o.reconnect_backoff_min = 20ms;
        o.reconnect_backoff_max = 200ms;
        o.connect_timeout = 300ms;
        auto node = std::make_shared<cluster::node>(sys, std::move(o));
        sys.attach(node);
        for (std::size_t peer = 0; peer < s_.nodes.size(); ++peer) {
            if (peer != i) node->connect(s_.nodes[peer]);
        }
    }

    void run_step(const step& st);
    void call_step(const step& st);
    void group_step(const step& st);
    void wait_group(const step& st);
    void check(const invariant& inv);
    void check_convergence();

    std::shared_ptr<const scenario> keep_;  ///< what `s_` and the child specs refer to
    const scenario& s_;
    const registry& r_;
    sim::world& w_;
    std::shared_ptr<workload_log> log_ = std::make_shared<workload_log>();
};

void scenario_run::run_step(const step& st) {
    switch (st.kind) {
        case step_kind::sleep: w_.run_for(st.time); return;
        case step_kind::spawn: {
            actor_system* sys = system_of(st.node);
            if (!sys) return log_->violate(st.path + ": node " + st.node + " is down");
            r_.find_kind(st.spawned.kind)->spawn(*sys, st.spawned.args, {.name = st.spawned.name});
            return;
        }
        case step_kind::cast: {
            auto ref = find(st.node, st.target);
            if (!ref || ref->cast(message{st.body, std::nullopt}) != send_status::ok) {
                return log_->violate(st.path + ": the cast to " + st.target + " on " + st.node + " was not accepted");
            }
            ++log_->casts;
            return;
        }
        case step_kind::call: return call_step(st);
        case step_kind::join:
        case step_kind::leave: return group_step(st);
        case step_kind::wait_group: return wait_group(st);
        case step_kind::clients: {
            actor_system* sys = system_of(st.node);
            if (!sys) return log_->violate(st.path + ": node " + st.node + " is down");
            for (std::size_t c = 0; c < st.count; ++c) spawn_client(*sys, st, log_);
            return;
        }
    }
}

void scenario_run::call_step(const step& st) {
    auto ref = find(st.node, st.target);
    if (!ref) {
        ++log_->calls_failed;
        log_->failed_calls.push_back(st.path + ": no actor " + st.target + " on " + st.node);
        return;
    }
    auto r = ref->call([&](reply_port<json> p) { return message{st.body, std::move(p)}; }, st.timeout);
    log_->record_call(st.path, r, st.expect);
}

void scenario_run::group_step(const step& st) {
    actor_system* sys = system_of(st.node);
    auto ref = find(st.node, st.target);
    if (!sys || !ref) return log_->violate(st.path + ": no actor " + st.target + " on " + st.node);
    log_->groups.insert(st.group);
    if (st.kind == step_kind::join) {
        sys->groups().join(st.group, {*ref});
    } else {
        sys->groups().leave(st.group, {*ref});
    }
}

void scenario_run::wait_group(const step& st) {
    log_->groups.insert(st.group);
    const time_point deadline = w_.now() + st.timeout;
    while (w_.now() < deadline) {
        actor_system* sys = system_of(st.node);
        if (sys && sys->groups().get_members(st.group).size() >= st.count) return;
        w_.run_for(10ms);
    }
    log_->violate(st.path + ": group " + st.group + " on " + st.node + " did not reach " +
                  std::to_string(st.count) + " members in " + sim::format_duration(st.timeout));
}

void scenario_run::check(const invariant& inv) {
    switch (inv.what) {
        case invariant::kind::calls_answered:
            for (const auto& f : log_->failed_calls) log_->violate("calls_answered: " + f);
            return;
        case invariant::kind::clients_finished:
            if (log_->clients_done != log_->clients_started) {
                log_->violate("clients_finished: " + std::to_string(log_->clients_done) + " of " +
                              std::to_string(log_->clients_started) + " clients finished their calls");
            }
            return;
        case invariant::kind::groups_converge: return check_convergence();
        case invariant::kind::restarts_at_most: {
            const supervisor_decl& d = *std::find_if(s_.supervisors.begin(), s_.supervisors.end(),
                                                     [&](const auto& x) { return x.name == inv.supervisor; });
            const std::uint64_t starts = log_->child_starts[d.name];
            const std::uint64_t first = d.children.size() * log_->node_starts[d.node];
            if (starts > first + inv.max) {
                log_->violate("restarts_at_most: supervisor " + d.name + " restarted children " +
                              std::to_string(starts - first) + " times, more than " + std::to_string(inv.max));
            }
            return;
        }
        case invariant::kind::check: {
            check_context ctx{w_, [this](std::string_view n) { return system_of(n); }, log_->calls_ok,
                              log_->calls_failed, log_->casts};
            try {
                r_.find_check(inv.check)->check(ctx);
            } catch (const std::exception& e) {
                log_->violate("check " + inv.check + ": " + e.what());
            }
            return;
        }
    }
}

/// After healing every partition and clog: every node up sees the same number of members in
/// every group the workload used, within 10 s of virtual time.
void scenario_run::check_convergence() {
    w_.heal(0, 0);
    w_.release(0, 0);
    auto views = [&] {
        std::map<std::string, std::set<std::size_t>> sizes;
        for (const auto& g : log_->groups) {
            for (const auto& n : s_.nodes) {
                if (actor_system* sys = system_of(n)) sizes[g].insert(sys->groups().get_members(g).size());
            }
        }
        return sizes;
    };
    auto converged = [&] {
        for (const auto& [g, sizes] : views()) {
            if (sizes.size() > 1) return false;
        }
        return true;
    };
    for (int i = 0; i < 500 && !converged(); ++i) w_.run_for(20ms);
    for (const auto& [g, sizes] : views()) {
        if (sizes.size() > 1) log_->violate("groups_converge: nodes still disagree on the size of group " + g);
    }
}

}  // namespace

/// Throws a `scenario_error` at `at` (a path ending in the kind's name) unless kind `k` is
/// registered and takes `args` (whose path is `at` + ".args" with the last field replaced).
void check_kind(const registry& r, const std::string& k, const nlohmann::json& args,
                const std::string& at, const std::string& args_at) {
    const kind_entry* e = r.find_kind(k);
    if (!e) throw scenario_error(at, "no actor kind '" + k + "' is registered (see `list`)");
    if (!e->check_args) return;
    try {
        e->check_args(args);
    } catch (const std::exception& x) {
        const auto [below, problem] = argument_problem(x);
        throw scenario_error(args_at + below, problem);
    }
}

void check_names(const scenario& s, const registry& r) {
    for (std::size_t i = 0; i < s.actors.size(); ++i) {
        const std::string at = "actors[" + std::to_string(i) + "]";
        check_kind(r, s.actors[i].kind, s.actors[i].args, at + ".kind", at + ".args");
    }
    for (std::size_t i = 0; i < s.supervisors.size(); ++i) {
        for (std::size_t c = 0; c < s.supervisors[i].children.size(); ++c) {
            const std::string at =
                "supervisors[" + std::to_string(i) + "].children[" + std::to_string(c) + "]";
            check_kind(r, s.supervisors[i].children[c].kind, s.supervisors[i].children[c].args,
                       at + ".kind", at + ".args");
        }
    }
    for (const step& st : s.workload) {
        if (st.kind == step_kind::spawn) {
            check_kind(r, st.spawned.kind, st.spawned.args, st.path + ".spawn.kind",
                       st.path + ".spawn.args");
        }
    }
    for (std::size_t i = 0; i < s.invariants.size(); ++i) {
        const invariant& inv = s.invariants[i];
        const std::string path = "invariants[" + std::to_string(i) + "]";
        if (inv.what == invariant::kind::check && !r.find_check(inv.check)) {
            throw scenario_error(path + ".check", "no check '" + inv.check + "' is registered (see `list`)");
        }
        if (inv.what == invariant::kind::restarts_at_most &&
            std::none_of(s.supervisors.begin(), s.supervisors.end(), [&](const auto& d) { return d.name == inv.supervisor; })) {
            throw scenario_error(path + ".restarts_at_most.supervisor", "no supervisor '" + inv.supervisor + "'");
        }
    }
}

scenario_runner make_runner(std::shared_ptr<const scenario> s, const registry& r) {
    check_names(*s, r);
    auto plan = std::make_shared<std::optional<sim::fault_plan>>();
    scenario_runner out;
    out.configure = [plan](sim::world&, const sim::run_options& o) {
        *plan = o.plan || o.fault_rate > 0 ? std::optional(sim::effective_fault_plan(o)) : std::nullopt;
    };
    out.body = [s, &r, plan](sim::world& w) {
        auto run = std::make_shared<scenario_run>(s, r, w);
        run->start(*plan);
        run->run_workload();
        const auto v = run->violations();
        if (!v.empty()) {
            std::string all = s->name + ": " + std::to_string(v.size()) + " violation(s)";
            for (const auto& line : v) all += "\n  " + line;
            throw std::runtime_error(all);
        }
    };
    return out;
}

}  // namespace ractor::tool
