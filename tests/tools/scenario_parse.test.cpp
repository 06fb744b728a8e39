// Scenario files are hostile input: every error names its JSON field path, and limits on
// size, depth and counts hold before any work is done.
#include <catch2/catch.hpp>

#include <string>

#include <ractor/tool/scenario.hpp>

using ractor::tool::parse_scenario;
using ractor::tool::scenario_error;
using ractor::tool::scenario_limits;

namespace {

/// A minimal valid scenario with `extra` (a JSON member list, may be empty) added.
std::string doc(const std::string& extra) {
    return R"({"version": 1, "name": "t", "nodes": ["n1", "n2"])" + (extra.empty() ? "" : ", " + extra) + "}";
}

/// The message parsing `text` fails with (empty if it does not fail).
std::string error_of(const std::string& text, const scenario_limits& limits = {}) {
    try {
        parse_scenario(text, {}, limits);
    } catch (const scenario_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a scenario is read into types", "[tools][scenario]") {
    const auto s = parse_scenario(doc(R"(
        "actors": [{"node": "n1", "name": "a", "kind": "echo", "args": {"x": 1}}],
        "supervisors": [{"node": "n2", "name": "sup", "strategy": "rest_for_one", "intensity": 4, "period": "2s",
                         "children": [{"id": "c", "kind": "crasher", "restart": "transient"}]}],
        "workload": [{"sleep": "5ms"}, {"call": {"node": "n1", "to": "a", "message": 3, "expect": 3, "timeout": "20ms"}},
                     {"clients": {"node": "n2", "to": "a", "message": "m", "count": 3, "calls": 7, "interval": "1ms"}}],
        "fault_plan": {"crashes": [{"at": "1s", "node": 2, "restart_at": "2s"}]},
        "invariants": ["calls_answered", {"restarts_at_most": {"supervisor": "sup", "max": 2}}, {"check": "mine"}],
        "seeds": {"first": 5, "count": 9, "swarm": true})"));
    CHECK(s.nodes == std::vector<std::string>{"n1", "n2"});
    REQUIRE(s.actors.size() == 1);
    CHECK(s.actors[0].args["x"] == 1);
    REQUIRE(s.supervisors.size() == 1);
    CHECK(s.supervisors[0].strategy == ractor::supervisor_strategy::rest_for_one);
    CHECK(s.supervisors[0].children[0].restart == ractor::restart_type::transient);
    REQUIRE(s.workload.size() == 3);
    CHECK(s.workload[1].kind == ractor::tool::step_kind::call);
    CHECK(s.workload[1].expect == nlohmann::json(3));
    CHECK(s.workload[1].timeout == std::chrono::milliseconds(20));
    CHECK(s.workload[2].count == 3);
    CHECK(s.workload[2].calls == 7);
    REQUIRE(s.plan);
    CHECK(s.plan->crashes.size() == 1);
    CHECK(s.invariants.size() == 3);
    CHECK(s.first_seed == 5);
    CHECK(s.seeds == 9);
    CHECK(s.swarm);
}

TEST_CASE("scenario errors name the field path", "[tools][scenario]") {
    CHECK(error_of(doc(R"("workload": [{"sleep": "1ms"}, {"call": {"node": "n1", "to": "a", "message": 1, "expect": 2, "timeout": 5}}])")) ==
          "workload[1].call.timeout: expected a string");
    CHECK(error_of(doc(R"("workload": [{"call": {"node": "n1", "to": "a"}}])")) == "workload[0].call.message: missing");
    CHECK(error_of(doc(R"("actors": [{"node": "n9", "name": "a", "kind": "k"}])")) == "actors[0].node: no node 'n9' in nodes");
    CHECK(error_of(doc(R"("actors": [{"node": "n1", "name": "a", "kind": "k", "colour": 1}])")) == "actors[0].colour: unknown field");
    CHECK(error_of(doc(R"("supervisors": [{"node": "n1", "name": "s", "strategy": "all_for_none", "children": []}])")) ==
          "supervisors[0].strategy: 'all_for_none' is not one_for_one, one_for_all or rest_for_one");
    CHECK(error_of(doc(R"("workload": [{"dance": {}}])")).starts_with("workload[0].dance: unknown step"));
    CHECK(error_of(doc(R"("invariants": ["everything_fine"])")).starts_with("invariants[0]: unknown invariant"));
    CHECK(error_of(doc(R"("fault_plan": {"crashes": [{"at": "soon", "node": 1}]})")).starts_with("fault_plan.crashes[0].at:"));
    CHECK(error_of(doc(R"("workload": [{"sleep": "2h"}])")).starts_with("workload[0].sleep: '2h' is outside"));
    CHECK(error_of(R"({"version": 2, "name": "t", "nodes": ["n1"]})") == "version: this build reads version 1 only");
    CHECK(error_of(R"({"version": 1, "name": "t", "nodes": ["n1", "n1"]})") == "nodes[1]: node 'n1' appears twice");
    CHECK(error_of(R"({"version": 1, "name": "t", "nodes": []})") == "nodes: at least one node is needed");
    CHECK(error_of(R"({"version": 1, "nodes": ["n1"]})") == "name: missing");
}

TEST_CASE("hostile scenario files get clear errors, not crashes or hangs", "[tools][scenario]") {
    SECTION("deep nesting") {
        const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
        CHECK(error_of(doc("\"x\": " + deep)).find("nested deeper than 16 levels") != std::string::npos);
    }
    SECTION("huge counts") {
        CHECK(error_of(doc(R"("workload": [{"clients": {"node": "n1", "to": "a", "message": 1, "count": 1000000, "calls": 1}}])")) ==
              "workload[0].clients.count: 1000000 is above the limit 64");
        CHECK(error_of(doc(R"("workload": [{"clients": {"node": "n1", "to": "a", "message": 1, "count": -1, "calls": 1}}])")) ==
              "workload[0].clients.count: expected an integer from 0 to 64");
    }
    SECTION("too many entries and too many bytes") {
        scenario_limits small;
        small.max_steps = 2;
        CHECK(error_of(doc(R"("workload": [{"sleep": "1ms"}, {"sleep": "1ms"}, {"sleep": "1ms"}])"), small) ==
              "workload: 3 entries, the limit is 2");
        small.max_bytes = 10;
        CHECK(error_of(doc(""), small).find("the limit is 10") != std::string::npos);
    }
    SECTION("wrong types and garbage") {
        CHECK(error_of(doc(R"("workload": {"sleep": "1ms"})")) == "workload: expected an array");
        CHECK(error_of(R"([1, 2])") == "expected an object");
        CHECK(error_of("{\"version\": 1,").starts_with("not JSON"));
        CHECK(error_of(doc(R"("actors": [{"node": "n1", "name": "", "kind": "k"}])")) ==
              "actors[0].name: expected a name of 1 to 64 characters");
    }
}
