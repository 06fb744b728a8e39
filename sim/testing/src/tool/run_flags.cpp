#include "run_flags.hpp"

#include <chrono>

#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/fault_plan_file.hpp>
#include <ractor/sim/world.hpp>
#include <ractor/tool/scenario_runner.hpp>

#include "common/cli_values.hpp"

namespace ractor::tool::cli {
namespace {

/// Reads the plan in `file` and checks that a fresh world takes it, as `run_program` will
/// apply it: a built-in program adds its nodes only after that.
sim::fault_plan load_plan(const std::string& file) {
    sim::fault_plan plan = sim::load_fault_plan(file);
    try {
        sim::world fresh(0);
        fresh.apply(plan);
    } catch (const sim::fault_plan_error& e) {
        throw sim::fault_plan_error(
            e.field(), e.problem() + " (in " + file +
                           "; the plan is applied before a built-in program adds its nodes, so "
                           "its faults can name node 0, any node, only)");
    }
    return plan;
}

}  // namespace

sim::run_options run_flags::options(const target& t) const {
    sim::run_options o;
    o.seed = seed;
    o.strategy = strategy == "pct" ? sim::strategy_kind::pct : sim::strategy_kind::random;
    o.depth = depth;
    o.pct_steps = pct_steps;
    o.max_steps = budget;
    o.max_virtual_time = std::chrono::milliseconds(time_budget_ms);
    o.batch_budget = batch;
    o.fault_rate = fault_rate;
    o.configure = t.configure;
    o.plan = t.plan;
    if (!fault_plan_file.empty()) {
        // A scenario applies its plan once its nodes exist, so the plan may name them.
        o.plan = t.configure ? sim::load_fault_plan(fault_plan_file) : load_plan(fault_plan_file);
        o.plan_file = fault_plan_file;
    }
    return o;
}

void add_run_flags(CLI::App& cmd, run_flags& f, bool with_seed) {
    cmd.add_option("PROGRAM", f.program, "a program (see `list`) or a scenario file (.json)")->required();
    if (with_seed) {
        cmd.add_option("--seed,-s", f.seed, "the seed: every random choice of the run derives from it")
            ->check(ractor::tool::unsigned_integer())
            ->capture_default_str();
    }
    cmd.add_option("--strategy", f.strategy,
                   "scheduling strategy: random (uniform) or pct (priorities with change points)")
        ->check(CLI::IsMember({"random", "pct"}))
        ->capture_default_str();
    cmd.add_option("--depth,-d", f.depth, "pct: the bug depth to target (change points + 1)")
        ->check(ractor::tool::unsigned_integer() & CLI::Range(1u, 64u))
        ->capture_default_str();
    cmd.add_option("--pct-steps", f.pct_steps,
                   "pct: steps over which change points are spread (0: measure with one calibration run)")
        ->check(ractor::tool::unsigned_integer())
        ->capture_default_str();
    cmd.add_option("--budget", f.budget, "fail as a livelock after this many steps (0: no limit)")
        ->check(ractor::tool::unsigned_integer())
        ->capture_default_str();
    cmd.add_option("--time-budget-ms", f.time_budget_ms,
                   "fail once virtual time passes this many milliseconds (0: no limit)")
        ->check(ractor::tool::unsigned_integer())
        ->capture_default_str();
    cmd.add_option("--batch", f.batch, "messages an actor handles before yielding its turn")
        ->check(ractor::tool::unsigned_integer() & CLI::PositiveNumber)
        ->capture_default_str();
    cmd.add_option("--fault-rate", f.fault_rate,
                   "fault intensity in [0,1]: each handler invocation fails with this probability, and buggify sites fire with it")
        ->check(ractor::tool::probability())
        ->capture_default_str();
    cmd.add_option("--fault-plan", f.fault_plan_file,
                   "a fault plan file (JSON, see docs/simulator.md) applied before the program starts; for a scenario it replaces the scenario's plan")
        ->check(CLI::ExistingFile);
}

target resolve(const registry& r, const std::string& name) {
    if (name.ends_with(".json")) {
        auto s = std::make_shared<const scenario>(load_scenario(name));
        check_names(*s, r);
        scenario_runner runner = make_runner(s, r);
        return {name, std::move(runner.body), std::move(runner.configure), s->plan, &r};
    }
    if (const auto* p = r.find_program(name)) {
        return {p->name, p->body, {}, std::nullopt, &r};
    }
    throw CLI::ValidationError("PROGRAM", "no program '" + name + "' (`list` shows them; a scenario file ends in .json)");
}

}  // namespace ractor::tool::cli
