#pragma once
/// \file
/// Shrinking a failing scenario: smaller scenarios that still fail, down to a local minimum.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/sim/run_program.hpp>
#include <ractor/tool/registry.hpp>

namespace ractor::tool {

/// How hard to shrink.
struct shrink_options {
    /// A candidate counts as failing if it fails for the current seed or one of the next
    /// `nearby` seeds: removing a step shifts the schedule, so the same bug may need
    /// another seed to show.
    std::uint64_t nearby = 4;
    /// Runs after which shrinking stops with what it has.
    std::size_t max_runs = 2000;
};

/// What `shrink` found.
struct shrink_result {
    bool reproduced = false;        ///< the original scenario failed for the seed
    nlohmann::json scenario;        ///< the smallest failing scenario (fault plan inline)
    std::uint64_t seed = 0;         ///< the seed it fails with (also in its `seeds`)
    std::string message;            ///< the failure of the smallest scenario
    std::size_t runs = 0;           ///< runs made
    std::vector<std::string> steps; ///< each accepted reduction, in order ("removed workload[2]")
};

/// Shrinks the scenario `doc` (already read by `parse_scenario`; `base` is where its fault
/// plan path is relative to) failing with `opts.seed`: greedily removes workload steps,
/// fault-plan entries, actors, supervisor children and nodes, and halves counts and times,
/// keeping each change after which a run still fails (see `shrink_options::nearby`), until
/// no change does. `opts` gives the strategy and budgets; its plan, if set, replaces the
/// scenario's. Candidates that no longer read (a step naming a removed node) are skipped.
shrink_result shrink(const nlohmann::json& doc, const std::filesystem::path& base, const registry& r,
                     const sim::run_options& opts, const shrink_options& how = {});

}  // namespace ractor::tool
