#pragma once
/// \file
/// The options every ractor-sim command that runs a program shares.

#include <cstddef>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include <ractor/sim/program.hpp>
#include <ractor/sim/run_program.hpp>

namespace ractor_sim {

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

    /// The run options these flags say, with the fault plan file read and checked; throws
    /// `ractor::sim::fault_plan_error` for a plan that is unreadable, malformed or names
    /// what a built-in program's fresh world does not have.
    ractor::sim::run_options options() const;
};

/// Adds PROGRAM and the run flags to `cmd` (`--seed` only if `with_seed`).
void add_run_flags(CLI::App& cmd, run_flags& f, bool with_seed);

/// The built-in program called `name`; throws CLI::ValidationError (a usage error) if none.
const ractor::sim::named_program& program_named(const std::string& name);

}  // namespace ractor_sim
