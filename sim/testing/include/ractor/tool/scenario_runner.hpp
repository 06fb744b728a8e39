#pragma once
/// \file
/// A scenario made into a simulator program, with the hook that hands it its fault plan.

#include <functional>
#include <memory>

#include <ractor/sim/program.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/tool/registry.hpp>
#include <ractor/tool/scenario.hpp>

namespace ractor::tool {

/// What `run_program` needs to run a scenario: the program and the `run_options::configure`
/// hook. The hook takes the run's effective fault plan (the scenario's, or `--fault-plan`,
/// plus swarm rules) and the program applies it once the scenario's nodes exist, so the plan
/// can name nodes by id (position in `nodes`, from 1).
struct scenario_runner {
    sim::program body;
    std::function<void(sim::world&, const sim::run_options&)> configure;
};

/// Checks that every kind and check `s` names is registered in `r`; throws `scenario_error`
/// with the field path otherwise.
void check_names(const scenario& s, const registry& r);

/// The program that runs `s` with the kinds and checks of `r` (both must outlive it): nodes
/// (a cluster when there are several), actors, supervisors, the workload in order, `settle`,
/// then the invariants; it throws with every violation found. Calls `check_names` first.
scenario_runner make_runner(std::shared_ptr<const scenario> s, const registry& r);

}  // namespace ractor::tool
