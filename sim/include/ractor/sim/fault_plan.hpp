#pragma once
/// \file
/// A fault plan: the faults a simulation injects, as data that is saved and loaded as JSON.

#include <cstdint>
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
    std::string kind{};
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

/// "After the Nth message handled by X": what arms a kill, stop or crash of the trigger form.
/// Counts the message handler invocations (as `invocation_failure` does) of every actor that
/// matches the filters, together; the fault is armed when the `handled`-th one begins.
struct message_trigger {
    std::uint64_t node = 0;     ///< node id (required)
    std::uint64_t actor = 0;    ///< local id; 0: any actor of the node
    std::string kind;           ///< behaviour type name or suffix after `::`; empty: any
    std::uint64_t handled = 1;  ///< N, at least 1

    friend bool operator==(const message_trigger&, const message_trigger&) = default;
};

/// Kills an actor (no post_stop) at virtual time `at`; with `until` or `after`, at a step
/// the scheduling strategy chooses (see docs/simulator.md, "Faults as scheduling choices").
struct actor_kill {
    duration at{0};
    actor_target target;
    /// Window form: the kill fires at some step in [`at`, `until`] that the strategy picks.
    std::optional<duration> until{};
    /// Trigger form: armed by the trigger (then `at` must be 0), fires at a chosen step after.
    std::optional<message_trigger> after{};

    friend bool operator==(const actor_kill&, const actor_kill&) = default;
};

/// Stops an actor (post_stop runs) with `reason` at virtual time `at`; `until` and `after`
/// as for `actor_kill`.
struct actor_stop {
    duration at{0};
    actor_target target;
    std::string reason = "fault plan stop";
    std::optional<duration> until{};
    std::optional<message_trigger> after{};

    friend bool operator==(const actor_stop&, const actor_stop&) = default;
};

/// Crashes a node at `at` and, if `restart_at` is set, restarts it then (or `restart_after`
/// the crash); `until` and `after` as for `actor_kill`, and those forms take `restart_after`.
struct node_crash {
    duration at{0};
    std::uint64_t node = 0;
    std::optional<duration> restart_at{};
    std::optional<duration> until{};
    std::optional<message_trigger> after{};
    std::optional<duration> restart_after{};  ///< restart this long after the crash

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

/// Frames on the links from `from` to `to` are lost, duplicated or delayed while virtual
/// time is in [`since`, `until`). Loss and duplication apply to data frames only (not to
/// connect, accept, refuse or close notices) and break the stream's ordering/reliability
/// guarantee on purpose: the session layer above must cope.
struct link_fault {
    std::uint64_t from = 0;  ///< sending node; 0: any node
    std::uint64_t to = 0;    ///< receiving node; 0: any node
    double loss = 0;         ///< probability that a frame is dropped
    double duplicate = 0;    ///< probability that a frame is delivered twice
    duration delay{0};       ///< extra latency of every packet
    duration since{0};
    std::optional<duration> until{};  ///< none: for ever

    friend bool operator==(const link_fault&, const link_fault&) = default;
};

/// At `at`, packets from `from` to `to` (and back, if `two_way`) are dropped and connects
/// get no answer, until `heal_at` (if set) or a heal.
struct link_partition {
    duration at{0};
    std::uint64_t from = 0;  ///< node; 0: every node
    std::uint64_t to = 0;    ///< node; 0: every node
    bool two_way = true;
    std::optional<duration> heal_at{};

    friend bool operator==(const link_partition&, const link_partition&) = default;
};

/// At `at`, removes the partitions between `from` and `to` in both directions (0: any).
struct link_heal {
    duration at{0};
    std::uint64_t from = 0;
    std::uint64_t to = 0;

    friend bool operator==(const link_heal&, const link_heal&) = default;
};

/// At `at`, packets from `from` to `to` (and back, if `two_way`) are held, not dropped,
/// until `release_at` (if set), when they are delivered in the order they were sent.
struct link_clog {
    duration at{0};
    std::uint64_t from = 0;  ///< node; 0: every node
    std::uint64_t to = 0;    ///< node; 0: every node
    bool two_way = true;
    std::optional<duration> release_at{};

    friend bool operator==(const link_clog&, const link_clog&) = default;
};

/// At `at`, resets every connection between `from` and `to` (0: any node): both ends see
/// `closed` at once.
struct link_reset {
    duration at{0};
    std::uint64_t from = 0;
    std::uint64_t to = 0;

    friend bool operator==(const link_reset&, const link_reset&) = default;
};

/// From `at` on, clogs `nodes` (empty: every node) one by one, one every `interval`, then
/// releases them one every `interval` in a seeded random order.
struct swizzle {
    duration at{0};
    std::vector<std::uint64_t> nodes{};
    duration interval{100'000'000};

    friend bool operator==(const swizzle&, const swizzle&) = default;
};

/// Every fault a run injects. Times are virtual times since the world's start.
///
/// Apply it with `world::apply`. The random draws of a plan (probabilistic failures, random
/// timer delays, buggify, frame loss and duplication, swizzle orders) come from streams
/// derived from the world seed and `seed`, so the same world seed, plan and program give the
/// same faults and the same trace.
struct fault_plan {
    std::uint64_t seed = 0;
    std::vector<invocation_failure> failures;
    std::vector<actor_kill> kills;
    std::vector<actor_stop> stops;
    std::vector<node_crash> crashes;
    std::vector<clock_skew> clock_skews;
    std::vector<timer_delay> timer_delays;
    std::vector<buggify_rule> buggify;
    std::vector<link_fault> link_faults;
    std::vector<link_partition> partitions;
    std::vector<link_heal> heals;
    std::vector<link_clog> clogs;
    std::vector<link_reset> resets;
    std::vector<swizzle> swizzles;

    friend bool operator==(const fault_plan&, const fault_plan&) = default;
};

/// The plan a swarm run draws for fault intensity `rate` in [0, 1]: every handler invocation
/// fails with probability `rate`, each buggify site is active in half the runs and then
/// fires with probability `rate`, and the network loses data frames with probability `rate`
/// in half the seeds and duplicates them with probability `rate` in half the seeds (drawn
/// independently). Its random draws derive from `seed`.
fault_plan swarm_fault_plan(std::uint64_t seed, double rate);

/// Thrown for a malformed fault plan; `what()` starts with the offending field's path, for
/// example "fault plan: failures[1].probability: must be between 0 and 1" ("fault plan: " and
/// the problem alone when the document itself is at fault).
class fault_plan_error : public std::runtime_error {
public:
    fault_plan_error(std::string field, std::string problem)
        : std::runtime_error("fault plan: " + (field.empty() ? "" : field + ": ") + problem),
          field_(std::move(field)), problem_(std::move(problem)) {}

    /// The path of the offending field ("" for the document itself).
    const std::string& field() const noexcept { return field_; }

    /// What is wrong with it, without the "fault plan: FIELD: " prefix.
    const std::string& problem() const noexcept { return problem_; }

private:
    std::string field_;
    std::string problem_;
};

/// Checks the values of `plan` (probabilities in [0, 1], node ids set, times not negative,
/// one target per kill or stop...); throws `fault_plan_error` naming the first bad field.
void validate(const fault_plan& plan);

/// Parses a duration such as "5s", "250ms", "-3us", "10ns", "2min" or "1h";
/// throws std::invalid_argument.
duration parse_duration(std::string_view text);

/// The shortest exact text of `d` in the form `parse_duration` reads ("1500ms", "2s").
std::string format_duration(duration d);

}  // namespace ractor::sim
