// Property tests of the OTP supervisor on the simulator: random trees and failure plans,
// checked against the oracle and against one rule at a time; mutations prove they bite.
#include <catch2/catch.hpp>

#include <deque>
#include <iostream>
#include <optional>
#include <sstream>

#include <ractor/sim/property_check.hpp>
#include <ractor/sim/property_oracle.hpp>

using namespace ractor;
using namespace ractor::sim;

namespace {

/// Cases per property: enough to find the mutations every time, small enough for CI.
constexpr int cases = 500;

/// A case that failed, with what replays it.
struct failed_case {
    supervision_case c;
    std::uint64_t seed = 0;
    std::uint64_t trace_hash = 0;
};

/// A property over cases of `shape`: draws a case and a seed, runs it, checks `holds`.
/// The last failing run (after shrinking: the counterexample) is kept in `last_failure`.
template <class Holds>
auto supervision_property(case_shape shape, supervisor_mutation mutation, Holds holds,
                          std::optional<failed_case>* last_failure = nullptr) {
    return [=] {
        const supervision_case c = *gen_case(shape, mutation);
        const auto seed = *rc::gen::arbitrary<std::uint64_t>();
        const supervision_run run = run_logged(c, seed);
        RC_ASSERT(run.leaked == 0u);  // no actor outlives the tree
        const bool ok = holds(c, run);
        if (!ok && last_failure) *last_failure = failed_case{c, seed, run.trace_hash};
        RC_ASSERT(ok);
    };
}

bool is_success(const property_result& r) { return r.passed; }
bool is_failure(const property_result& r) { return !r.passed && !r.rc_params.empty(); }

/// The time of a `fault`/`skip` log line (its `@<ms>` suffix).
std::int64_t time_of(const std::string& line) { return std::stoll(line.substr(line.rfind('@') + 1)); }
bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

/// The log lines after line `k` up to the next fault or skip: what that fault caused.
std::vector<std::string> effects_of(const std::vector<std::string>& log, std::size_t k) {
    std::vector<std::string> out;
    for (std::size_t n = k + 1; n < log.size() && !starts_with(log[n], "fault ") && !starts_with(log[n], "skip "); ++n) {
        out.push_back(log[n]);
    }
    return out;
}

/// Flat trees: a root supervisor over workers only.
case_shape flat(std::vector<supervisor_strategy> strategies) {
    case_shape shape;
    shape.max_depth = 1;
    shape.strategies = std::move(strategies);
    return shape;
}

bool agrees_with_oracle(const supervision_case& c, const supervision_run& run) {
    const supervision_outcome expected = predict(c);
    const auto hits = std::count_if(expected.log.begin(), expected.log.end(),
                                    [](const std::string& l) { return starts_with(l, "fault "); });
    RC_TAG(hits == 0 ? "no fault hit" : hits < 4 ? "1-3 faults hit" : "4+ faults hit");
    RC_TAG(std::count(expected.log.begin(), expected.log.end(), "root exit") ? "root exited" : "root survived");
    if (run.outcome.log != expected.log) RC_LOG() << "logs differ\n";
    return run.outcome.log == expected.log && run.outcome.running == expected.running;
}

/// In a flat rest_for_one tree, each fault on a child restarts exactly that child and its
/// younger non-temporary siblings, in order (nothing if the child itself is temporary).
bool rest_for_one_restarts_younger(const supervision_case& c, const supervision_run& run) {
    const auto& log = run.outcome.log;
    for (std::size_t k = 0; k < log.size(); ++k) {
        if (!starts_with(log[k], "fault r/")) continue;
        const std::size_t i = std::stoul(log[k].substr(8));
        std::vector<std::string> expected;
        if (c.root.children[i].restart != restart_type::temporary) {
            for (std::size_t j = i; j < c.root.children.size(); ++j) {
                if (j == i || c.root.children[j].restart != restart_type::temporary) {
                    expected.push_back("start r/" + std::to_string(j));
                }
            }
        }
        std::vector<std::string> seen = effects_of(log, k);
        std::erase_if(seen, [](const std::string& l) { return !starts_with(l, "start "); });
        if (seen != expected) {
            RC_LOG() << "after '" << log[k] << "' expected " << expected.size() << " starts, saw " << seen.size() << "\n";
            return false;
        }
    }
    return true;
}

/// A temporary child is started once: its supervisor never restarts it.
bool temporaries_start_once(const supervision_case& c, const supervision_run& run) {
    for (std::size_t i = 0; i < c.root.children.size(); ++i) {
        if (c.root.children[i].restart != restart_type::temporary) continue;
        const std::string line = "start r/" + std::to_string(i);
        if (std::count(run.outcome.log.begin(), run.outcome.log.end(), line) != 1) return false;
    }
    return true;
}

/// In a flat tree of permanent workers every fault on a running child needs a restart: the
/// supervisor restarts while fewer than `intensity` restarts happened within the period,
/// and otherwise gives up (the root exits) instead of restarting.
bool intensity_escalates(const supervision_case& c, const supervision_run& run) {
    const auto& log = run.outcome.log;
    std::deque<std::int64_t> restarts;
    for (std::size_t k = 0; k < log.size(); ++k) {
        if (!starts_with(log[k], "fault r/")) continue;
        const std::int64_t now = time_of(log[k]);
        while (!restarts.empty() && now - restarts.front() >= c.root.period_ms) restarts.pop_front();
        const bool may_restart = restarts.size() < static_cast<std::size_t>(c.root.intensity);
        auto effects = effects_of(log, k);
        std::erase_if(effects, [](const std::string& l) { return starts_with(l, "stop "); });  // post_stops
        const std::string next = effects.empty() ? "" : effects.front();
        if (may_restart != starts_with(next, "start ")) return false;
        if (!may_restart && next != "root exit") return false;
        restarts.push_back(now);
    }
    return true;
}

}  // namespace

namespace {
/// Every kind of node: trapping and non-trapping workers, ignored starts, refused restarts.
case_shape full_shape() {
    case_shape shape;
    shape.ignores = true;
    shape.max_failed_restarts = 2;
    return shape;
}
/// Flat groups of permanent workers that refuse some restarts, never giving up.
case_shape refusing_group_shape() {
    case_shape shape = flat({supervisor_strategy::one_for_all, supervisor_strategy::rest_for_one});
    shape.restarts = {restart_type::permanent};
    shape.faults = {fault_kind::raise, fault_kind::kill};
    shape.max_failed_restarts = 2;
    shape.min_intensity = shape.max_intensity = 100;
    return shape;
}
}  // namespace

TEST_CASE("the supervisor agrees with the oracle on random trees and failure plans", "[properties]") {
    CHECK(is_success(check_property("oracle agreement", cases,
                                    supervision_property(full_shape(), supervisor_mutation::none, agrees_with_oracle))));
}

TEST_CASE("a start refused in a group restart restarts the group again, as the oracle says", "[properties]") {
    CHECK(is_success(check_property("refused group restarts", cases,
                                    supervision_property(refusing_group_shape(), supervisor_mutation::none,
                                                         agrees_with_oracle))));
}

TEST_CASE("the properties catch a supervisor that retries only the child whose restart failed",
          "[properties][mutation]") {
    std::optional<failed_case> last;
    std::ostringstream report;
    const auto result = check_property("mutant: group retry restarts one child", cases,
                                       supervision_property(refusing_group_shape(),
                                                            supervisor_mutation::retry_failed_child_only,
                                                            agrees_with_oracle, &last),
                                       report);
    std::cout << report.str();  // the shrunk counterexample, unwrapped so RC_PARAMS can be pasted
    REQUIRE(is_failure(result));
    REQUIRE(last);
    // The smallest case: a one_for_all pair whose younger child refuses one restart.
    CHECK(last->c.root.strategy == supervisor_strategy::one_for_all);
    CHECK(last->c.root.children.size() == 2);
    CHECK(last->c.plan.size() == 1);
    CHECK(run_case(last->c, last->seed).trace_hash == last->trace_hash);
    CHECK(run_case(last->c, last->seed).outcome.log != predict(last->c).log);
}

TEST_CASE("one_for_all leaves no child of the old generation alive", "[properties]") {
    case_shape shape;
    shape.strategies = {supervisor_strategy::one_for_all};
    auto no_stale = [](const supervision_case& c, const supervision_run& run) {
        return run.stale_alive == 0 && agrees_with_oracle(c, run);
    };
    CHECK(is_success(check_property("one_for_all generations", cases,
                                    supervision_property(shape, supervisor_mutation::none, no_stale))));
}

namespace {
case_shape rest_for_one_shape() {
    case_shape shape = flat({supervisor_strategy::rest_for_one});
    shape.faults = {fault_kind::raise, fault_kind::kill};
    shape.min_intensity = shape.max_intensity = 100;  // never give up here
    return shape;
}
case_shape intensity_shape() {
    case_shape shape = flat({supervisor_strategy::one_for_one, supervisor_strategy::one_for_all,
                             supervisor_strategy::rest_for_one});
    shape.restarts = {restart_type::permanent};
    return shape;
}
}  // namespace

TEST_CASE("rest_for_one restarts exactly the failed child and its younger siblings", "[properties]") {
    CHECK(is_success(check_property("rest_for_one younger siblings", cases,
                                    supervision_property(rest_for_one_shape(), supervisor_mutation::none,
                                                         rest_for_one_restarts_younger))));
}

TEST_CASE("temporary children are never restarted", "[properties]") {
    CHECK(is_success(check_property("temporary never restarted", cases,
                                    supervision_property(flat({supervisor_strategy::one_for_one,
                                                               supervisor_strategy::one_for_all,
                                                               supervisor_strategy::rest_for_one}),
                                                         supervisor_mutation::none, temporaries_start_once))));
}

TEST_CASE("restart intensity is never exceeded without escalation", "[properties]") {
    CHECK(is_success(check_property("intensity escalation", cases,
                                    supervision_property(intensity_shape(), supervisor_mutation::none,
                                                         intensity_escalates))));
}

TEST_CASE("the properties catch a rest_for_one that restarts one sibling too few; the counterexample replays",
          "[properties][mutation]") {
    std::optional<failed_case> last;
    std::ostringstream report;
    const auto result = check_property("mutant: rest_for_one skips the last sibling", cases,
                                       supervision_property(rest_for_one_shape(), supervisor_mutation::rest_for_one_skips_last,
                                                            rest_for_one_restarts_younger, &last),
                                       report);
    std::cout << report.str();  // the shrunk counterexample, unwrapped so RC_PARAMS can be pasted
    REQUIRE(is_failure(result));
    REQUIRE(last);
    // The shrunk counterexample is small: two children and one fault.
    CHECK(last->c.root.children.size() == 2);
    CHECK(last->c.plan.size() == 1);
    // Replay: the same case and seed give the same trace, twice.
    CHECK(run_case(last->c, last->seed).trace_hash == last->trace_hash);
    CHECK(run_case(last->c, last->seed).trace_hash == last->trace_hash);
    // The oracle disagrees with the mutant as well.
    CHECK(run_case(last->c, last->seed).outcome.log != predict(last->c).log);
}

TEST_CASE("the properties catch a supervisor that ignores its restart intensity", "[properties][mutation]") {
    std::optional<failed_case> last;
    std::ostringstream report;
    const auto result = check_property("mutant: intensity ignored", cases,
                                       supervision_property(intensity_shape(), supervisor_mutation::ignore_intensity,
                                                            intensity_escalates, &last),
                                       report);
    std::cout << report.str();  // the shrunk counterexample, unwrapped so RC_PARAMS can be pasted
    REQUIRE(is_failure(result));
    REQUIRE(last);
    CHECK(last->c.plan.size() <= 2);
}

TEST_CASE("a case replays with the same trace hash for the same seed", "[properties]") {
    supervision_case c;
    c.root = {.supervisor = true, .strategy = supervisor_strategy::one_for_all, .intensity = 2,
              .children = {{}, {.restart = restart_type::transient}, {.supervisor = true, .children = {{}, {}}}}};
    c.plan = {{5, 1, fault_kind::raise}, {5, 3, fault_kind::kill}, {5, 4, fault_kind::exit_normal}};
    const auto first = run_case(c, 42);
    const auto second = run_case(c, 42);
    CHECK(first.trace_hash == second.trace_hash);
    CHECK(first.outcome.log == second.outcome.log);
    CHECK(first.outcome.log == predict(c).log);
    CHECK(run_case(c, 43).outcome.log == first.outcome.log);  // another schedule, same supervision
}
