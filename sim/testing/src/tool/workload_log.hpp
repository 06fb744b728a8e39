#pragma once
// What a scenario's workload saw (calls, casts, clients, starts), shared by the run, its
// node start-ups and its client actors; touched on the world's thread only.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/actor_system.hpp>
#include <ractor/call_result.hpp>
#include <ractor/tool/scenario.hpp>

namespace ractor::tool {

/// The record of one scenario run's workload.
struct workload_log {
    std::uint64_t calls_ok = 0;
    std::uint64_t calls_failed = 0;
    std::uint64_t casts = 0;
    std::uint64_t clients_started = 0;
    std::uint64_t clients_done = 0;
    std::vector<std::string> failed_calls;      ///< calls that got no answer, with why
    std::vector<std::string> violations;        ///< broken invariants and wrong answers
    std::set<std::string> groups;               ///< process groups the workload used
    std::map<std::string, std::uint64_t> node_starts;   ///< per node: start-ups
    std::map<std::string, std::uint64_t> child_starts;  ///< per supervisor: child starts

    void violate(std::string what) { violations.push_back(std::move(what)); }

    /// Counts a call's result: a wrong answer is always a violation, no answer a failed call.
    void record_call(const std::string& path, const call_result<nlohmann::json>& r,
                     const std::optional<nlohmann::json>& expect);

    /// The counts and lines (not the groups and starts) as JSON, for a real run's node to
    /// send its parent.
    nlohmann::json counts_json() const;
    /// Adds counts and lines sent by a real run's node; throws nlohmann::json::exception if
    /// `j` is not of the `counts_json` form.
    void add_counts(const nlohmann::json& j);
};

/// Spawns a client on `sys` that makes `st.calls` calls as `st` says, `st.time` apart, and
/// counts itself finished in `log` after the last.
void spawn_client(actor_system& sys, const step& st, const std::shared_ptr<workload_log>& log);

}  // namespace ractor::tool
