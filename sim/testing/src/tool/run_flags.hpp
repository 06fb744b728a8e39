#pragma once
/// \file
/// The options every command that runs a program or a scenario shares.

#include <cstddef>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>

#include <ractor/sim/program.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/tool/registry.hpp>

namespace ractor::tool::cli {

/// What a command runs: a registered program or a scenario file made into one.
struct target {
    std::string name;  ///< the program's name or the scenario file's path, as given
    sim::program body;
    /// Set for a scenario: hands it the run's fault plan (`scenario_runner::configure`).
    std::function<void(sim::world&, const sim::run_options&)> configure;
    std::optional<sim::fault_plan> plan;  ///< a scenario's own fault plan
    const registry* reg = nullptr;  ///< where a scenario's kinds and checks come from
};

/// The command-line form of `ractor::sim::run_options`, plus the program's name.
struct run_flags {
    std::string program;
    std::uint64_t seed = 1;
    std::string strategy = "random";
    unsigned depth = 3;
    std::uint64_t pct_steps = 0;
    std::uint64_t budget = ractor::sim::run_options{}.max_steps;
    std::uint64_t time_budget_ms = 0;
    std::size_t batch = 1;
    double fault_rate = 0;
    std::string fault_plan_file;

    /// The run options these flags say for `t`, with the fault plan file read and checked
    /// (`--fault-plan` replaces a scenario's own plan); throws `ractor::sim::fault_plan_error`
    /// for a plan that is unreadable, malformed or, for a program, names what its fresh
    /// world does not have.
    ractor::sim::run_options options(const target& t) const;
};

/// Adds PROGRAM and the run flags to `cmd` (`--seed` only if `with_seed`).
void add_run_flags(CLI::App& cmd, run_flags& f, bool with_seed);

/// The program of `r` called `name` or, for a name ending in ".json", that scenario file
/// read and checked against `r`; throws CLI::ValidationError for an unknown program and
/// `scenario_error` for a bad scenario (both usage errors).
target resolve(const registry& r, const std::string& name);

}  // namespace ractor::tool::cli
