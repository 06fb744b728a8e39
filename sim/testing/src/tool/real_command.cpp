// `real FILE`: the scenario's workload and invariants over real node processes, and the
// report in the form of a simulated run's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include <ractor/tool/scenario_runner.hpp>

#include "common/exit_status.hpp"
#include "real.hpp"
#include "real_run.hpp"

namespace ractor::tool::cli {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

/// The margin a node gets beyond a step's own timeout to send its answer.
constexpr duration answer_margin = 5s;

std::size_t index_of(const scenario& s, const std::string& node) {
    return static_cast<std::size_t>(std::find(s.nodes.begin(), s.nodes.end(), node) -
                                    s.nodes.begin());
}

/// What a step on a node that is down does, as the simulated run records it.
void step_on_down_node(const step& st, workload_log& log) {
    if (st.kind == step_kind::call) {
        ++log.calls_failed;
        log.failed_calls.push_back(st.path + ": no actor " + st.target + " on " + st.node +
                                   " (node down)");
    } else {
        log.violate(st.path + ": node " + st.node + " is down");
    }
}

void run_step(real_run& run, const scenario& s, std::size_t i) {
    const step& st = s.workload[i];
    if (st.kind == step_kind::sleep) return run.sleep_for(st.time);
    const std::size_t n = index_of(s, st.node);
    if (!run.running(n)) return step_on_down_node(st, run.log());
    const bool waits = st.kind == step_kind::call || st.kind == step_kind::wait_group;
    const auto reply =
        run.request(n, {{"step", i}}, (waits ? st.timeout : duration{0}) + answer_margin);
    if (!reply) {
        if (run.timed_out()) return;
        if (st.kind == step_kind::call) {
            ++run.log().calls_failed;
            run.log().failed_calls.push_back(st.path + ": node " + st.node +
                                             " went down before answering");
        } else {
            run.log().violate(st.path + ": node " + st.node + " went down before answering");
        }
        return;
    }
    try {
        if (reply->contains("error"))
            throw std::runtime_error(reply->at("error").get<std::string>());
        run.log().add_counts(*reply);
    } catch (const std::exception& e) {
        run.log().violate(st.path + ": node " + st.node + ": " + e.what());
    }
}

/// Adds what the clients of every node still up recorded.
void collect_clients(real_run& run, const scenario& s) {
    for (std::size_t n = 0; n < s.nodes.size(); ++n) {
        if (!run.running(n)) continue;
        const auto reply = run.request(n, {{"report", true}}, answer_margin);
        try {
            if (!reply || reply->contains("error")) throw std::runtime_error("no report");
            run.log().add_counts(*reply);
        } catch (const std::exception& e) {
            run.log().violate("report: node " + s.nodes[n] + ": " + e.what());
        }
    }
}

std::set<std::string> groups_used(const scenario& s) {
    std::set<std::string> out;
    for (const step& st : s.workload) {
        if (!st.group.empty()) out.insert(st.group);
    }
    return out;
}

/// Every node up sees the same number of members in every group the workload used, within
/// 10 s (nothing to heal: a real run applies no partitions).
void check_convergence(real_run& run, const scenario& s) {
    const std::set<std::string> groups = groups_used(s);
    const json names(groups);
    std::map<std::string, std::set<std::size_t>> sizes;
    for (int round = 0; round < 200 && !run.timed_out(); ++round) {
        sizes.clear();
        for (std::size_t n = 0; n < s.nodes.size(); ++n) {
            const auto reply =
                run.running(n) ? run.request(n, {{"groups", names}}, answer_margin) : std::nullopt;
            if (!reply || !reply->is_object() || reply->contains("error")) continue;
            for (const auto& g : groups) sizes[g].insert(reply->value(g, std::size_t{0}));
        }
        if (std::all_of(sizes.begin(), sizes.end(),
                        [](const auto& kv) { return kv.second.size() <= 1; }))
            return;
        run.sleep_for(50ms);
    }
    for (const auto& [g, v] : sizes) {
        if (v.size() > 1)
            run.log().violate("groups_converge: nodes still disagree on the size of group " + g);
    }
}

void check(real_run& run, const scenario& s, const invariant& inv) {
    workload_log& log = run.log();
    switch (inv.what) {
        case invariant::kind::calls_answered:
            for (const auto& f : log.failed_calls) log.violate("calls_answered: " + f);
            return;
        case invariant::kind::clients_finished:
            if (log.clients_done != log.clients_started) {
                log.violate("clients_finished: " + std::to_string(log.clients_done) + " of " +
                            std::to_string(log.clients_started) + " clients finished their calls");
            }
            return;
        case invariant::kind::groups_converge:
            return check_convergence(run, s);
        case invariant::kind::restarts_at_most: {
            const supervisor_decl& d =
                *std::find_if(s.supervisors.begin(), s.supervisors.end(),
                              [&](const auto& x) { return x.name == inv.supervisor; });
            const std::uint64_t starts = log.child_starts[d.name];
            const std::uint64_t first = d.children.size() * log.node_starts[d.node];
            if (starts > first + inv.max) {
                log.violate("restarts_at_most: supervisor " + d.name + " restarted children " +
                            std::to_string(starts - first) + " times, more than " +
                            std::to_string(inv.max));
            }
            return;
        }
        case invariant::kind::check:
            return;  // listed as skipped: a user check reads a simulated world
    }
}

/// What a real run cannot do beyond the fault plan: user checks.
std::vector<std::string> skipped_checks(const scenario& s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.invariants.size(); ++i) {
        if (s.invariants[i].what == invariant::kind::check) {
            out.push_back("invariants[" + std::to_string(i) + "] (check " + s.invariants[i].check +
                          "): a user check reads the simulated world");
        }
    }
    return out;
}

/// The report, in the form of a simulated run's: summary, faults, speed, failure.
void print_report(const std::string& file, const scenario& s, real_run& run, double wall) {
    const workload_log& log = run.log();
    std::uint64_t starts = 0;
    for (const auto& [n, k] : log.node_starts) starts += k;
    std::printf(
        "%s %s real nodes=%zu processes=%llu calls_ok=%llu calls_failed=%llu casts=%llu "
        "clients=%llu/%llu\n",
        log.violations.empty() ? "PASS" : "FAIL", file.c_str(), s.nodes.size(),
        static_cast<unsigned long long>(starts), static_cast<unsigned long long>(log.calls_ok),
        static_cast<unsigned long long>(log.calls_failed),
        static_cast<unsigned long long>(log.casts),
        static_cast<unsigned long long>(log.clients_done),
        static_cast<unsigned long long>(log.clients_started));
    if (!run.plan().faults.empty()) {
        std::printf("faults fired per plan entry:\n");
        std::set<std::string> labels;
        for (const auto& f : run.plan().faults) labels.insert(f.label);
        for (const auto& l : labels) {
            const auto it = run.fired().find(l);
            const std::uint64_t k = it == run.fired().end() ? 0 : it->second;
            std::printf("  %s: fired %llu time%s\n", l.c_str(), static_cast<unsigned long long>(k),
                        k == 1 ? "" : "s");
        }
    }
    std::vector<std::string> skipped = run.plan().skipped;
    for (auto& c : skipped_checks(s)) skipped.push_back(std::move(c));
    if (!skipped.empty()) std::printf("skipped (cannot be done for real):\n");
    for (const auto& line : skipped) std::printf("  %s\n", line.c_str());
    std::printf("wall %.3f s\n", wall);
    if (!log.violations.empty()) {
        std::printf("failed: %s: %zu violation(s)\n", s.name.c_str(), log.violations.size());
        for (const auto& v : log.violations) std::printf("  %s\n", v.c_str());
    }
    std::fflush(stdout);
}

}  // namespace

int real_command(const std::string& tool, const registry& r, const real_flags& f) {
    if (!f.file.ends_with(".json"))
        throw scenario_error("", "real takes a scenario file (FILE.json), not " + f.file);
    const scenario s = load_scenario(f.file);
    check_names(s, r);
    const auto wall_start = std::chrono::steady_clock::now();
    real_run run(tool, std::filesystem::absolute(f.file).string(), s,
                 plan_for_real(s.plan.value_or(sim::fault_plan{}), s.nodes),
                 std::chrono::seconds(f.timeout_s));
    if (run.start()) {
        for (std::size_t i = 0; i < s.workload.size() && !run.timed_out(); ++i) run_step(run, s, i);
        run.sleep_for(s.settle);
        if (!run.timed_out()) collect_clients(run, s);
        for (const invariant& inv : s.invariants) {
            if (!run.timed_out()) check(run, s, inv);
        }
    }
    if (run.timed_out()) {
        run.log().violate("run: not finished within " + std::to_string(f.timeout_s) +
                          " s (--timeout); every node process was killed");
    }
    run.finish_all();
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;
    print_report(f.file, s, run, wall.count());
    return run.log().violations.empty() ? exit_status::passed : exit_status::run_failed;
}

}  // namespace ractor::tool::cli
