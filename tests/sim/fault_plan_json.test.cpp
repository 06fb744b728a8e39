// Fault plans as data: JSON round trips, the documented example, and clear errors.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/fault_plan_file.hpp>

using namespace std::chrono_literals;
using namespace ractor::sim;

namespace {

fault_plan full_plan() {
    fault_plan p;
    p.seed = 0xfeedface12345678ULL;
    p.failures.push_back({.node = 1, .actor = 3, .kind = "", .at_invocation = 3, .probability = 0});
    p.failures.push_back({.node = 0, .actor = 0, .kind = "worker", .at_invocation = 0, .probability = 0.125});
    p.failures.push_back({.node = 2, .actor = 0, .kind = "", .at_invocation = 0, .probability = 0.1});
    p.kills.push_back({.at = 5s, .target = {.node = 1, .actor = 2, .name = ""}});
    p.kills.push_back({.at = 1500ms, .target = {.node = 2, .actor = 0, .name = "db"}});
    p.stops.push_back({.at = 7s, .target = {.node = 1, .actor = 0, .name = "cache"}, .reason = "planned"});
    p.crashes.push_back({.at = 10s, .node = 2, .restart_at = 13s});
    p.crashes.push_back({.at = 1h, .node = 1, .restart_at = std::nullopt});
    p.clock_skews.push_back({.node = 2, .offset = -250ms, .at = 0s});
    p.clock_skews.push_back({.node = 1, .offset = 3us, .at = 2min});
    p.timer_delays.push_back(
        {.node = 1, .extra = 10ms, .random_up_to = 5ms, .from = 1s, .until = 20s});
    p.timer_delays.push_back(
        {.node = 2, .extra = 7ns, .random_up_to = 0s, .from = 0s, .until = std::nullopt});
    p.buggify.push_back({.site = "cache.*", .probability = 0.25, .activation = 0.5});
    p.buggify.push_back({.site = "*", .probability = 1.0 / 3.0, .activation = 1});
    return p;
}

// The example of docs/simulator.md, section "Fault plans".
constexpr const char* documented_example = R"({
  "seed": 7,
  "failures": [
    {"node": 1, "actor": 3, "at_invocation": 3},
    {"kind": "worker", "probability": 0.01}
  ],
  "kills": [{"at": "5s", "node": 1, "name": "db"}],
  "stops": [{"at": "6s", "node": 1, "actor": 4, "reason": "maintenance"}],
  "crashes": [{"at": "10s", "node": 2, "restart_at": "12s"}],
  "clock_skews": [{"node": 2, "offset": "-250ms"}],
  "timer_delays": [{"node": 1, "extra": "20ms", "random_up_to": "5ms", "from": "1s", "until": "30s"}],
  "buggify": [{"site": "cache.evict_early", "probability": 0.5}, {"site": "*", "probability": 0.05, "activation": 0.5}]
})";

std::string error_field(const std::string& json) {
    try {
        parse_fault_plan(json);
    } catch (const fault_plan_error& e) {
        return e.field();
    }
    return "<no error>";
}

std::string error_text(const std::string& json) {
    try {
        parse_fault_plan(json);
    } catch (const fault_plan_error& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace

TEST_CASE("fault plan: load(save(plan)) == plan", "[sim][faults][json]") {
    const fault_plan plan = full_plan();
    const std::string text = to_json(plan);
    CHECK(parse_fault_plan(text) == plan);
    CHECK(to_json(parse_fault_plan(text)) == text);
    CHECK(parse_fault_plan(to_json(fault_plan{})) == fault_plan{});
    CHECK(parse_fault_plan("{}") == fault_plan{});
}

TEST_CASE("fault plan: files round trip", "[sim][faults][json]") {
    const auto file = std::filesystem::temp_directory_path() / "ractor_fault_plan_test.json";
    save_fault_plan(full_plan(), file);
    CHECK(load_fault_plan(file) == full_plan());
    std::filesystem::remove(file);
    CHECK_THROWS_AS(load_fault_plan(file), fault_plan_error);
}

TEST_CASE("fault plan: the documented example parses to what it says", "[sim][faults][json]") {
    const fault_plan p = parse_fault_plan(documented_example);
    CHECK(p.seed == 7);
    REQUIRE(p.failures.size() == 2);
    CHECK(p.failures[0] == invocation_failure{.node = 1, .actor = 3, .kind = "", .at_invocation = 3, .probability = 0});
    CHECK(p.failures[1].kind == "worker");
    CHECK(p.failures[1].probability == 0.01);
    REQUIRE(p.kills.size() == 1);
    CHECK(p.kills[0].at == 5s);
    CHECK(p.kills[0].target.name == "db");
    REQUIRE(p.stops.size() == 1);
    CHECK(p.stops[0].target.actor == 4);
    CHECK(p.stops[0].reason == "maintenance");
    REQUIRE(p.crashes.size() == 1);
    CHECK(p.crashes[0].restart_at == std::optional<ractor::duration>(12s));
    REQUIRE(p.clock_skews.size() == 1);
    CHECK(p.clock_skews[0].offset == -250ms);
    CHECK(p.clock_skews[0].at == 0s);
    REQUIRE(p.timer_delays.size() == 1);
    CHECK(p.timer_delays[0].until == std::optional<ractor::duration>(30s));
    REQUIRE(p.buggify.size() == 2);
    CHECK(p.buggify[0].activation == 1.0);
    CHECK(p.buggify[1].activation == 0.5);
}

TEST_CASE("fault plan: durations read and write in exact units", "[sim][faults][json]") {
    CHECK(parse_duration("5s") == 5s);
    CHECK(parse_duration("250ms") == 250ms);
    CHECK(parse_duration("-3us") == -3us);
    CHECK(parse_duration("10ns") == 10ns);
    CHECK(parse_duration("2min") == 2min);
    CHECK(parse_duration("1h") == 1h);
    CHECK(format_duration(1500ms) == "1500ms");
    CHECK(format_duration(120s) == "2min");
    CHECK(format_duration(0s) == "0s");
    CHECK(format_duration(-7ns) == "-7ns");
    CHECK_THROWS_AS(parse_duration("5"), std::invalid_argument);
    CHECK_THROWS_AS(parse_duration("5 s"), std::invalid_argument);
    CHECK_THROWS_AS(parse_duration("s"), std::invalid_argument);
    CHECK_THROWS_AS(parse_duration("5days"), std::invalid_argument);
    CHECK_THROWS_AS(parse_duration("99999999999999999999h"), std::invalid_argument);
}

TEST_CASE("fault plan: malformed JSON names the offending field", "[sim][faults][json]") {
    CHECK(error_field("{") == "");
    CHECK(error_text("{").find("not valid JSON") != std::string::npos);
    CHECK(error_field("[]") == "");
    CHECK(error_field(R"({"failure": []})") == "failure");
    CHECK(error_text(R"({"failure": []})") == "fault plan: failure: unknown field");
    CHECK(error_field(R"({"seed": -1})") == "seed");
    CHECK(error_field(R"({"failures": {}})") == "failures");
    CHECK(error_field(R"({"failures": [3]})") == "failures[0]");
    CHECK(error_field(R"({"failures": [{"at_invocation": 1}, {"probabilty": 0.5}]})") ==
          "failures[1].probabilty");
    CHECK(error_field(R"({"failures": [{"probability": 2}]})") == "failures[0].probability");
    CHECK(error_text(R"({"failures": [{"probability": 2}]})") ==
          "fault plan: failures[0].probability: must be between 0 and 1");
    CHECK(error_field(R"({"failures": [{"probability": "high"}]})") == "failures[0].probability");
    CHECK(error_field(R"({"failures": [{"at_invocation": 2, "probability": 0.5}]})") == "failures[0]");
    CHECK(error_field(R"({"kills": [{"node": 1, "actor": 2}]})") == "kills[0].at");
    CHECK(error_field(R"({"kills": [{"at": 5, "node": 1, "actor": 2}]})") == "kills[0].at");
    CHECK(error_text(R"({"kills": [{"at": "5 seconds", "node": 1, "actor": 2}]})").find("kills[0].at: bad duration") !=
          std::string::npos);
    CHECK(error_field(R"({"kills": [{"at": "1s", "actor": 2}]})") == "kills[0].node");
    CHECK(error_field(R"({"kills": [{"at": "1s", "node": 0, "actor": 2}]})") == "kills[0].node");
    CHECK(error_field(R"({"kills": [{"at": "1s", "node": 1}]})") == "kills[0]");
    CHECK(error_field(R"({"kills": [{"at": "1s", "node": 1, "actor": 1, "name": "x"}]})") == "kills[0]");
    CHECK(error_field(R"({"kills": [{"at": "-1s", "node": 1, "actor": 1}]})") == "kills[0].at");
    CHECK(error_field(R"({"stops": [{"at": "1s", "node": 1, "name": "x", "reason": 3}]})") == "stops[0].reason");
    CHECK(error_field(R"({"crashes": [{"at": "5s", "node": 1, "restart_at": "4s"}]})") == "crashes[0].restart_at");
    CHECK(error_field(R"({"clock_skews": [{"node": 1}]})") == "clock_skews[0].offset");
    CHECK(error_field(R"({"timer_delays": [{"node": 1, "extra": "-1ms"}]})") == "timer_delays[0].extra");
    CHECK(error_field(R"({"timer_delays": [{"node": 1, "from": "2s", "until": "1s"}]})") ==
          "timer_delays[0].until");
    CHECK(error_field(R"({"buggify": [{"site": "x"}]})") == "buggify[0].probability");
    CHECK(error_field(R"({"buggify": [{"site": "", "probability": 1}]})") == "buggify[0].site");
    CHECK(error_field(R"({"buggify": [{"probability": 1, "activation": -0.5}]})") == "buggify[0].activation");
}

TEST_CASE("fault plan: validate checks plans built in code", "[sim][faults][json]") {
    fault_plan p;
    p.buggify.push_back({.site = "x", .probability = 1.5, .activation = 1});
    try {
        validate(p);
        FAIL("no error");
    } catch (const fault_plan_error& e) {
        CHECK(e.field() == "buggify[0].probability");
    }
    CHECK_NOTHROW(validate(full_plan()));
}

TEST_CASE("fault plan: the window and trigger forms round trip and are checked", "[sim][faults][json]") {
    const fault_plan plan = parse_fault_plan(R"({
      "kills": [{"at": "1s", "until": "3s", "node": 1, "name": "db"}],
      "stops": [{"after": {"node": 1, "kind": "writer", "handled": 4}, "node": 1, "actor": 2}],
      "crashes": [{"after": {"node": 2, "actor": 3}, "node": 2, "restart_after": "50ms"},
                  {"at": "2s", "node": 1, "restart_at": "4s"}]
    })");
    REQUIRE(plan.kills.size() == 1);
    CHECK(plan.kills[0].at == 1s);
    CHECK(plan.kills[0].until == 3s);
    REQUIRE(plan.stops.size() == 1);
    REQUIRE(plan.stops[0].after.has_value());
    CHECK(*plan.stops[0].after == message_trigger{.node = 1, .actor = 0, .kind = "writer", .handled = 4});
    REQUIRE(plan.crashes.size() == 2);
    CHECK(plan.crashes[0].after == message_trigger{.node = 2, .actor = 3, .kind = "", .handled = 1});
    CHECK(plan.crashes[0].restart_after == 50ms);
    CHECK_FALSE(plan.crashes[1].until.has_value());
    CHECK_FALSE(plan.crashes[1].after.has_value());
    CHECK(parse_fault_plan(to_json(plan)) == plan);
    // An exact-time entry writes no key of the new forms, so older readers still read it.
    CHECK(to_json(full_plan()).find("after") == std::string::npos);

    CHECK(error_field(R"({"kills": [{"at": "1s", "after": {"node": 1}, "node": 1, "name": "x"}]})") == "kills[0].at");
    CHECK(error_field(R"({"kills": [{"after": {"node": 1, "handled": 0}, "node": 1, "name": "x"}]})") ==
          "kills[0].after.handled");
    CHECK(error_field(R"({"kills": [{"after": {"kind": "x"}, "node": 1, "name": "x"}]})") == "kills[0].after.node");
    CHECK(error_field(R"({"stops": [{"at": "2s", "until": "1s", "node": 1, "name": "x"}]})") == "stops[0].until");
    CHECK(error_field(R"({"crashes": [{"at": "1s", "until": "2s", "node": 1, "restart_at": "3s"}]})") ==
          "crashes[0].restart_at");
    CHECK(error_field(R"({"crashes": [{"at": "1s", "node": 1, "restart_at": "3s", "restart_after": "1s"}]})") ==
          "crashes[0].restart_after");
    CHECK(error_field(R"({"crashes": [{"at": "1s", "node": 1, "after": {"node": 1, "handled": 2, "whom": 1}}]})") ==
          "crashes[0].after.whom");
}
