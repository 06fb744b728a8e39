// Scenario files through ractor-sim: run, explore's reproduction line, --fault-plan, check,
// export and the usage errors of a bad file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tools/child_process.hpp"
#include "support/test_paths.hpp"

#ifdef RACTOR_HAVE_SIM_TOOL

namespace {

using tool_test::run_tool;
using tool_test::tool_run;

tool_run sim_tool(std::vector<std::string> args) { return run_tool(ractor::test_paths::sim_binary(), std::move(args)); }

std::string scenario_file(const std::string& name) { return ractor::test_paths::scenario_dir() + "/" + name; }

/// A scratch file holding `text`, removed at the end of the test.
struct scratch {
    std::filesystem::path path;
    scratch(const std::string& name, const std::string& text)
        : path(std::filesystem::temp_directory_path() / ("ractor-scn-" + std::to_string(::getpid()) + "-" + name)) {
        std::ofstream(path) << text;
    }
    ~scratch() { std::filesystem::remove(path); }
};

}  // namespace

TEST_CASE("ractor-sim runs a scenario file and explore's reproduction line replays its failure", "[tools][scenario]") {
    const std::string planted = scenario_file("planted_write_behind.json");
    const tool_run e = sim_tool({"explore", planted, "--seeds", "40", "-j", "2"});
    INFO(e.output);
    REQUIRE(e.status == 1);
    const auto at = e.output.find(ractor::test_paths::sim_binary() + " replay " + planted + " --seed ");
    REQUIRE(at != std::string::npos);
    std::istringstream line(e.output.substr(at, e.output.find('\n', at) - at));
    std::vector<std::string> words;
    for (std::string w; line >> w;) words.push_back(w);
    words.erase(words.begin());
    const tool_run again = sim_tool(words);
    CHECK(again.status == 1);
    CHECK(again.output.find("expected") != std::string::npos);
    CHECK(sim_tool({"run", scenario_file("crash_loop.json"), "--seed", "2"}).status == 0);
    CHECK(sim_tool({"check", scenario_file("node_restart.json"), "--seed", "2"}).status == 0);
}

TEST_CASE("ractor-sim --fault-plan replaces a scenario's plan and may name its nodes", "[tools][scenario]") {
    // A crash of node 2 that never restarts: node_restart's later calls on n2 find no actor.
    const scratch plan("crash.json", R"({"crashes": [{"at": "100ms", "node": 2}]})");
    const tool_run r = sim_tool({"run", scenario_file("node_restart.json"), "--seed", "1", "--fault-plan", plan.path.string()});
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("--fault-plan " + plan.path.string()) != std::string::npos);
    const scratch out("trace.jsonl", "");
    CHECK(sim_tool({"export", scenario_file("pg_churn.json"), "--seed", "1", "-f", "jsonl", "-o", out.path.string()}).status == 0);
    CHECK(std::filesystem::file_size(out.path) > 0);
}

TEST_CASE("ractor-sim shrink writes a smaller scenario that replays the failure", "[tools][scenario]") {
    const std::string planted = scenario_file("planted_write_behind.json");
    std::string seed;
    for (int s = 1; s < 200 && seed.empty(); ++s) {
        if (sim_tool({"run", planted, "--seed", std::to_string(s)}).status == 1) seed = std::to_string(s);
    }
    REQUIRE_FALSE(seed.empty());
    const scratch out("min.json", "");
    const tool_run r = sim_tool({"shrink", planted, "--seed", seed, "-o", out.path.string()});
    INFO(r.output);
    REQUIRE(r.status == 0);
    const auto at = r.output.find("reproduce: ");
    REQUIRE(at != std::string::npos);
    std::istringstream line(r.output.substr(at + 11, r.output.find('\n', at) - at - 11));
    std::vector<std::string> words;
    for (std::string w; line >> w;) words.push_back(w);
    words.erase(words.begin());
    CHECK(words[1] == out.path.string());
    CHECK(sim_tool(words).status == 1);
    CHECK(sim_tool({"shrink", "bank", "-o", out.path.string()}).status == 2);
    CHECK(sim_tool({"shrink", scenario_file("crash_loop.json"), "--seed", "1", "-o", out.path.string()}).status == 1);
}

TEST_CASE("ractor-sim: a bad scenario file is a usage error naming its field", "[tools][scenario]") {
    const scratch bad("bad.json", R"({"version": 1, "name": "b", "nodes": ["n1"],
        "actors": [{"node": "n1", "name": "a", "kind": "no_such_kind"}]})");
    const tool_run r = sim_tool({"run", bad.path.string()});
    CHECK(r.status == 2);
    CHECK(r.output.find("actors[0].kind: no actor kind 'no_such_kind'") != std::string::npos);
    const scratch deep("deep.json", std::string(5000, '[') + std::string(5000, ']'));
    const tool_run d = sim_tool({"run", deep.path.string()});
    CHECK(d.status == 2);
    CHECK(d.output.find("nested deeper than") != std::string::npos);
    CHECK(sim_tool({"run", "/nonexistent/x.json"}).status == 2);
}

#endif
