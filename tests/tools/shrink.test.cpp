// Shrinking the planted-bug scenario: the smallest failing scenario keeps the put, the get
// and the buggify rule, drops the rest, and replays its failure.
#include <catch2/catch.hpp>

#include <fstream>
#include <memory>

#include <ractor/sim/run_program.hpp>
#include <ractor/tool/builtins.hpp>
#include <ractor/tool/scenario_runner.hpp>
#include <ractor/tool/shrink.hpp>

#include "support/test_paths.hpp"

using namespace ractor;
using json = nlohmann::json;

namespace {

sim::run_report run_doc(const json& doc, const tool::registry& r, std::uint64_t seed) {
    auto s = std::make_shared<const tool::scenario>(tool::parse_scenario(doc.dump()));
    tool::check_names(*s, r);
    const auto runner = tool::make_runner(s, r);
    sim::run_options o;
    o.seed = seed;
    o.plan = s->plan;
    o.configure = runner.configure;
    return sim::run_program(runner.body, o);
}

}  // namespace

TEST_CASE("shrink reduces the planted-bug scenario and the result replays its failure", "[tools][shrink]") {
    tool::registry r;
    tool::add_builtins(r);
    const std::string file = ractor::test_paths::scenario_dir() + "/planted_write_behind.json";
    const json doc = json::parse(std::ifstream(file));
    std::uint64_t seed = 1;
    while (run_doc(doc, r, seed).passed()) {
        REQUIRE(seed < 200);
        ++seed;
    }
    sim::run_options o;
    o.seed = seed;
    const tool::shrink_result s = tool::shrink(doc, ractor::test_paths::scenario_dir(), r, o);
    INFO(s.scenario.dump(2));
    REQUIRE(s.reproduced);
    CHECK(s.scenario["workload"].size() < doc["workload"].size());
    CHECK(s.scenario["workload"].size() >= 2);  // a put must stay before the get that misses it
    CHECK(s.scenario["fault_plan"]["buggify"].size() == 1);
    CHECK(s.scenario["seeds"]["first"] == s.seed);
    CHECK_FALSE(s.steps.empty());
    const auto again = run_doc(s.scenario, r, s.seed);
    CHECK_FALSE(again.passed());
    CHECK(again.message.find("answered null") != std::string::npos);
}

TEST_CASE("shrink reports a seed that passes as nothing to shrink", "[tools][shrink]") {
    tool::registry r;
    tool::add_builtins(r);
    const json doc = json::parse(std::ifstream(ractor::test_paths::scenario_dir() + "/crash_loop.json"));
    sim::run_options o;
    o.seed = 1;
    const auto s = tool::shrink(doc, ractor::test_paths::scenario_dir(), r, o);
    CHECK_FALSE(s.reproduced);
    CHECK(s.steps.empty());
}

