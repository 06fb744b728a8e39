// The registry: kinds spawned from JSON arguments, unique names, and scenarios that name
// what is (not) registered.
#include <catch2/catch.hpp>

#include <memory>

#include <ractor/actor.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/world.hpp>
#include <ractor/tool/builtins.hpp>
#include <ractor/tool/registry.hpp>
#include <ractor/tool/scenario_runner.hpp>

using namespace ractor;
using json = nlohmann::json;

namespace {

/// Adds its argument `step` to every number it is sent.
struct adder : actor<tool::message, int, json> {
    int pre_start(actor_ref<tool::message>, json args) { return args.at("step").get<int>(); }
    void handle(actor_ref<tool::message>, tool::message m, int& step) { m.answer(m.body.get<int>() + step); }
};

const char* scenario_text = R"({
  "version": 1, "name": "adder", "nodes": ["n1"],
  "actors": [{"node": "n1", "name": "add", "kind": "adder", "args": {"step": 5}}],
  "workload": [{"call": {"node": "n1", "to": "add", "message": 1, "expect": EXPECTED}}],
  "invariants": ["calls_answered", {"check": "counted"}]
})";

sim::run_report run_text(const tool::registry& r, const std::string& expected) {
    std::string text = scenario_text;
    text.replace(text.find("EXPECTED"), 8, expected);
    auto s = std::make_shared<const tool::scenario>(tool::parse_scenario(text));
    tool::check_names(*s, r);
    auto runner = tool::make_runner(s, r);
    sim::run_options o;
    o.configure = runner.configure;
    return sim::run_program(runner.body, o);
}

}  // namespace

TEST_CASE("a user's kind runs in a scenario with its JSON arguments, and user checks run", "[tools][registry]") {
    tool::registry r;
    r.add_kind<adder>("adder", "adds its step");
    int checked = 0;
    r.add_check("counted", "one call answered", [&](const tool::check_context& c) {
        ++checked;
        if (c.calls_ok != 1) throw std::runtime_error("calls_ok is " + std::to_string(c.calls_ok));
    });
    const auto good = run_text(r, "6");
    CHECK(good.passed());
    CHECK(checked == 1);
    const auto bad = run_text(r, "7");
    CHECK_FALSE(bad.passed());
    CHECK(bad.message.find("workload[0]: answered 6, expected 7") != std::string::npos);
    CHECK(bad.message.find("check counted: calls_ok is 0") != std::string::npos);
}

TEST_CASE("registry names are unique and unknown names are refused with their path", "[tools][registry]") {
    tool::registry r;
    tool::add_builtins(r);
    CHECK(r.find_kind("echo") != nullptr);
    CHECK(r.find_program("bank") != nullptr);
    CHECK(r.find_kind("adder") == nullptr);
    CHECK_THROWS_AS(r.add_kind<adder>("echo"), std::invalid_argument);
    CHECK_THROWS_AS(r.add_program(*r.find_program("bank")), std::invalid_argument);
    std::string text = scenario_text;
    text.replace(text.find("EXPECTED"), 8, "6");
    const auto s = tool::parse_scenario(text);
    try {
        tool::check_names(s, r);
        FAIL("an unknown kind was accepted");
    } catch (const tool::scenario_error& e) {
        CHECK(std::string(e.what()) == "actors[0].kind: no actor kind 'adder' is registered (see `list`)");
    }
    r.add_kind<adder>("adder");
    CHECK_THROWS_WITH(tool::check_names(s, r), "invariants[1].check: no check 'counted' is registered (see `list`)");
}

TEST_CASE("the restart bound of a supervisor is an invariant that can fail", "[tools][registry]") {
    tool::registry r;
    tool::add_builtins(r);
    auto run_with_bound = [&](int bound) {
        const std::string text = R"({"version": 1, "name": "loop", "nodes": ["n1"],
          "supervisors": [{"node": "n1", "name": "sup", "intensity": 50, "period": "10s",
                           "children": [{"id": "c", "kind": "crasher"}]}],
          "workload": [{"clients": {"node": "n1", "to": "c", "message": {"crash": true}, "count": 1, "calls": 4,
                                    "interval": "10ms", "timeout": "20ms"}}],
          "invariants": ["clients_finished", {"restarts_at_most": {"supervisor": "sup", "max": )" +
                                 std::to_string(bound) + "}}]}";
        auto s = std::make_shared<const tool::scenario>(tool::parse_scenario(text));
        tool::check_names(*s, r);
        auto runner = tool::make_runner(s, r);
        sim::run_options o;
        o.configure = runner.configure;
        return sim::run_program(runner.body, o);
    };
    CHECK(run_with_bound(4).passed());
    const auto tight = run_with_bound(3);
    CHECK_FALSE(tight.passed());
    CHECK(tight.message.find("restarts_at_most: supervisor sup restarted children 4 times, more than 3") != std::string::npos);
}
