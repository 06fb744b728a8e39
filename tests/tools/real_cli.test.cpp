// `real FILE` through ractor-sim: scenarios as real node processes, the report's form, the
// faults it lists as skipped, the whole-run timeout and the node mode's usage errors.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/test_paths.hpp"
#include "tools/child_process.hpp"

#ifdef RACTOR_HAVE_SIM_TOOL

namespace {

using tool_test::run_tool;
using tool_test::tool_run;

tool_run sim_tool(std::vector<std::string> args) {
    return run_tool(ractor::test_paths::sim_binary(), std::move(args));
}

std::string scenario_file(const std::string& name) {
    return ractor::test_paths::scenario_dir() + "/" + name;
}

bool has(const tool_run& r, const std::string& text) {
    return r.output.find(text) != std::string::npos;
}

/// A scratch scenario file holding `text`, removed at the end of the test.
struct scratch {
    std::filesystem::path path;
    scratch(const std::string& name, const std::string& text)
        : path(std::filesystem::temp_directory_path() /
               ("ractor-real-" + std::to_string(::getpid()) + "-" + name)) {
        std::ofstream(path) << text;
    }
    ~scratch() { std::filesystem::remove(path); }
};

/// One echo actor on n1 (and an idle n2), then `workload` and `plan`.
std::string two_nodes(const std::string& workload, const std::string& plan,
                      const std::string& invariants) {
    return R"({"version": 1, "name": "t", "nodes": ["n1", "n2"],
               "actors": [{"node": "n1", "name": "e", "kind": "echo"}, {"node": "n2", "name": "f", "kind": "echo"}],
               "workload": )" +
           workload + R"(, "fault_plan": )" + plan + R"(, "invariants": )" + invariants +
           R"(, "settle": "50ms"})";
}

}  // namespace

TEST_CASE("real runs a single-node and a crash-and-restart scenario as processes and passes",
          "[tools][real]") {
    const tool_run loop = sim_tool({"real", scenario_file("crash_loop.json")});
    INFO(loop.output);
    CHECK(loop.status == 0);
    CHECK(has(loop, "PASS " + scenario_file("crash_loop.json") + " real nodes=1 processes=1"));
    CHECK(has(loop, "clients=5/5"));

    const tool_run restart = sim_tool({"real", scenario_file("node_restart.json")});
    INFO(restart.output);
    CHECK(restart.status == 0);
    // n2 ran twice: the first process was killed, a second one started on the same port.
    CHECK(has(restart, "real nodes=2 processes=3 calls_ok=3 calls_failed=0"));
    CHECK(has(restart, "crashes[0] (crash): fired 1 time"));
    CHECK(has(restart, "crashes[0].restart_at (restart): fired 1 time"));
}

TEST_CASE("real fails a broken invariant with the report of a simulated run", "[tools][real]") {
    const scratch f("wrong.json",
                    two_nodes(R"([{"call": {"node": "n1", "to": "e", "message": 1, "expect": 2}}])",
                              "{}", R"(["calls_answered"])"));
    const tool_run real = sim_tool({"real", f.path.string()});
    INFO(real.output);
    CHECK(real.status == 1);
    CHECK(has(real, "FAIL " + f.path.string() + " real nodes=2"));
    const tool_run sim = sim_tool({"run", f.path.string(), "--seed", "1"});
    INFO(sim.output);
    CHECK(sim.status == 1);
    for (const tool_run* r : {&real, &sim}) {
        CHECK(has(*r, "failed: t: 1 violation(s)\n  workload[0]: answered 1, expected 2\n"));
    }
}

TEST_CASE("real kills a crashed node for good: its calls fail and name the node", "[tools][real]") {
    const scratch f(
        "crash.json",
        two_nodes(
            R"([{"sleep": "300ms"}, {"call": {"node": "n2", "to": "f", "message": 1, "expect": 1}},
                                  {"call": {"node": "n1", "to": "e", "message": 1, "expect": 1}}])",
            R"({"crashes": [{"at": "100ms", "node": 2}]})", R"(["calls_answered"])"));
    const tool_run r = sim_tool({"real", f.path.string()});
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(has(r, "calls_ok=1 calls_failed=1"));
    CHECK(has(r, "crashes[0] (crash): fired 1 time"));
    CHECK(has(r, "calls_answered: workload[1]: no actor f on n2 (node down)"));
}

TEST_CASE("real counts a supervisor's restarts from the node's reports", "[tools][real]") {
    // Three calls that crash the child: three restarts, over a bound of one.
    const scratch f("restarts.json", R"({"version": 1, "name": "r", "nodes": ["n1"],
        "supervisors": [{"node": "n1", "name": "sup", "intensity": 10,
                         "children": [{"id": "flaky", "kind": "crasher"}]}],
        "workload": [{"call": {"node": "n1", "to": "flaky", "message": {"crash": true}, "timeout": "50ms"}},
                     {"sleep": "20ms"},
                     {"call": {"node": "n1", "to": "flaky", "message": {"crash": true}, "timeout": "50ms"}},
                     {"sleep": "20ms"},
                     {"call": {"node": "n1", "to": "flaky", "message": {"crash": true}, "timeout": "50ms"}},
                     {"sleep": "50ms"}],
        "invariants": [{"restarts_at_most": {"supervisor": "sup", "max": 1}}]})");
    const tool_run r = sim_tool({"real", f.path.string()});
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(has(r, "restarts_at_most: supervisor sup restarted children 3 times, more than 1"));
}

TEST_CASE("two real runs at once pick their own ports and both pass", "[tools][real]") {
    const std::string file = scenario_file("node_restart.json");
    tool_test::child_process a({ractor::test_paths::sim_binary(), "real", file},
                               tool_test::child_stdin::dev_null);
    tool_test::child_process b({ractor::test_paths::sim_binary(), "real", file},
                               tool_test::child_stdin::dev_null);
    const std::string out_a = a.read_all(), out_b = b.read_all();
    INFO(out_a << out_b);
    CHECK(a.wait() == 0);
    CHECK(b.wait() == 0);
}

TEST_CASE("real lists every fault it cannot apply as skipped, and still runs", "[tools][real]") {
    const scratch f(
        "skips.json",
        two_nodes(R"([{"call": {"node": "n1", "to": "e", "message": 1, "expect": 1}}])",
                  R"({"partitions": [{"at": "10ms", "from": 1, "to": 2, "heal_at": "20ms"}],
                                  "clogs": [{"at": "10ms", "from": 1, "to": 2}],
                                  "failures": [{"kind": "echo", "probability": 0.5}],
                                  "buggify": [{"site": "*", "probability": 0.5}],
                                  "crashes": [{"at": "0ms", "until": "10ms", "node": 2}]})",
                  R"(["calls_answered", "clients_finished"])"));
    const tool_run r = sim_tool({"real", f.path.string()});
    INFO(r.output);
    CHECK(r.status == 0);
    CHECK(has(r, "skipped (cannot be done for real):\n"));
    for (const char* entry :
         {"partitions[0] (partition)", "clogs[0] (clog)", "failures[0] (invocation failure)",
          "buggify[0] (buggify)", "crashes[0] (crash): its window or trigger"}) {
        CHECK(has(r, std::string("  ") + entry));
    }
}

TEST_CASE("real stops at its timeout and leaves no node process behind", "[tools][real]") {
    const scratch f("long.json", two_nodes(R"([{"sleep": "60s"}])", "{}", "[]"));
    const auto begin = std::chrono::steady_clock::now();
    // The node processes share the output pipe: run_tool returns only once every one is gone.
    const tool_run r = sim_tool({"real", f.path.string(), "--timeout", "1"});
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(has(r, "run: not finished within 1 s (--timeout); every node process was killed"));
    CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(20));
}

TEST_CASE("real and its node mode refuse bad input with status 2", "[tools][real]") {
    const std::string file = scenario_file("node_restart.json");
    CHECK(sim_tool({"real", "ping-pong"}).status == 2);
    CHECK(sim_tool({"real", "/nonexistent/x.json"}).status == 2);
    CHECK(sim_tool({"real", file, "--timeout", "0"}).status == 2);
    const tool_run no_cookie = sim_tool({"node", "--scenario", file, "--node", "n1"});
    CHECK(no_cookie.status == 2);
    CHECK(has(no_cookie, "no cookie"));
    ::setenv("RACTOR_REAL_COOKIE", "test-cookie", 1);
    const tool_run stranger = sim_tool({"node", "--scenario", file, "--node", "n9"});
    CHECK(stranger.status == 2);
    CHECK(has(stranger, "--node n9 is not a node of"));
    CHECK(sim_tool({"node", "--scenario", file, "--node", "n1", "--port", "70000"}).status == 2);
    CHECK(sim_tool({"node", "--scenario", file, "--node", "n1", "--port", "-1"}).status == 2);
    CHECK(sim_tool({"node", "--node", "n1"}).status == 2);
    CHECK(sim_tool({"node", "--scenario", "/nonexistent/x.json", "--node", "n1"}).status == 2);
    ::unsetenv("RACTOR_REAL_COOKIE");
}

#endif
