#pragma once
/// \file
/// A fault plan: the faults a simulation injects, as data that is saved and loaded as JSON.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ractor/runtime/time.hpp>

namespace ractor::sim {

/// Makes a handler invocation throw `ractor::injected_failure`, at a fixed invocation or
/// with a probability. The filters `node`, `actor` and `kind` all have to match.
struct invocation_failure {
    std::uint64_t node = 0;   ///< node id; 0: any node
    std::uint64_t actor = 0;  ///< actor local id on its node; 0: any actor
    /// Behaviour type: its demangled name, or a suffix of it after `::` ("worker" matches
    /// "(anonymous namespace)::worker"); empty: any behaviour.
    std::string kind;
    /// Throw at this invocation of `handle` (counting from 1, per actor incarnation);
    /// 0: use `probability` instead.
    std::uint64_t at_invocation = 0;
    /// Throw at each invocation with this probability (used when `at_invocation` is 0).
    double probability = 0;

    friend bool operator==(const invocation_failure&, const invocation_failure&) = default;
};

/// Which actor a timed kill or stop targets: by local id or by registered name.
struct actor_target {
    std::uint64_t node = 0;   ///< node id (required)
    std::uint64_t actor = 0;  ///< local id; 0: use `name`
    std::string name;         ///< registered name, looked up when the fault happens

    friend bool operator==(const actor_target&, const actor_target&) = default;
};

/// Kills an actor (no post_stop) at virtual time `at`.
struct actor_kill {
    duration at{0};
    actor_target target;

    friend bool operator==(const actor_kill&, const actor_kill&) = default;
};

/// Stops an actor (post_stop runs) with `reason` at virtual time `at`.
struct actor_stop {
    duration at{0};
    actor_target target;
    std::string reason = "fault plan stop";

    friend bool operator==(const actor_stop&, const actor_stop&) = default;
};

/// Crashes a node at `at` and, if `restart_at` is set, restarts it then.
struct node_crash {
    duration at{0};
    std::uint64_t node = 0;
    std::optional<duration> restart_at;

    friend bool operator==(const node_crash&, const node_crash&) = default;
};

/// From virtual time `at` on, node `node`'s clock reads virtual time + `offset`.
struct clock_skew {
    std::uint64_t node = 0;
    duration offset{0};
    duration at{0};

    friend bool operator==(const clock_skew&, const clock_skew&) = default;
};

/// Timers started on node `node` while virtual time is in [`from`, `until`) fire late by
/// `extra` plus a seeded random amount in [0, `random_up_to`].
struct timer_delay {
    std::uint64_t node = 0;
    duration extra{0};
    duration random_up_to{0};
    duration from{0};
    std::optional<duration> until;  ///< none: for ever

    friend bool operator==(const timer_delay&, const timer_delay&) = default;
};

/// Enables buggify sites: `site` is a site name, a prefix ending in `*` ("cache.*"), or `*`
/// for every site. A matching site is active in a run with probability `activation`
/// (decided once per site and run); an active site fires with `probability` per call.
struct buggify_rule {
    std::string site = "*";
    double probability = 0;
    double activation = 1;

    friend bool operator==(const buggify_rule&, const buggify_rule&) = default;
};

/// Every fault a run injects. Times are virtual times since the world's start.
///
/// Apply it with `world::apply`. The random draws of a plan (probabilistic failures, random
/// timer delays, buggify) come from streams derived from the world seed and `seed`, so the
/// same world seed, plan and program give the same faults and the same trace.
struct fault_plan {
    std::uint64_t seed = 0;
    std::vector<invocation_failure> failures;
    std::vector<actor_kill> kills;
    std::vector<actor_stop> stops;
    std::vector<node_crash> crashes;
    std::vector<clock_skew> clock_skews;
    std::vector<timer_delay> timer_delays;
    std::vector<buggify_rule> buggify;

    friend bool operator==(const fault_plan&, const fault_plan&) = default;
};

/// The plan a swarm run draws for fault intensity `rate` in [0, 1]: every handler invocation
/// fails with probability `rate`, and each buggify site is active in half the runs and then
/// fires with probability `rate`. Its random draws derive from `seed`.
fault_plan swarm_fault_plan(std::uint64_t seed, double rate);

/// Thrown for a malformed fault plan; `what()` starts with the offending field's path, for
/// example "fault plan: failures[1].probability: must be between 0 and 1".
class fault_plan_error : public std::runtime_error {
public:
    fault_plan_error(std::string field, const std::string& problem)
        : std::runtime_error("fault plan: " + field + ": " + problem), field_(std::move(field)) {}

    /// The path of the offending field ("" for the document itself).
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

/// Checks the values of `plan` (probabilities in [0, 1], node ids set, times not negative,
/// one target per kill or stop...); throws `fault_plan_error` naming the first bad field.
void validate(const fault_plan& plan);

/// Parses a fault plan from JSON (schema in docs/simulator.md); throws `fault_plan_error`.
fault_plan parse_fault_plan(std::string_view json);

/// The JSON text of `plan`; `parse_fault_plan(to_json(plan)) == plan`.
std::string to_json(const fault_plan& plan);

/// Reads and parses a fault plan file; throws `fault_plan_error` (also if unreadable).
fault_plan load_fault_plan(const std::filesystem::path& file);

/// Writes `plan` as JSON to `file`; throws std::runtime_error if it cannot.
void save_fault_plan(const fault_plan& plan, const std::filesystem::path& file);

/// Parses a duration such as "5s", "250ms", "-3us", "10ns", "2min" or "1h";
/// throws std::invalid_argument.
duration parse_duration(std::string_view text);

/// The shortest exact text of `d` in the form `parse_duration` reads ("1500ms", "2s").
std::string format_duration(duration d);

}  // namespace ractor::sim
