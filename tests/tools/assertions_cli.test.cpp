// Assertion sites through ractor-sim: explore's catalogue report and --require-sites, over
// a live and an inert fault plan, and the sites a single run prints.
#include <catch2/catch.hpp>

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

/// A scratch fault plan holding `text`, removed at the end of the test.
struct scratch_plan {
    std::filesystem::path path;
    scratch_plan(const std::string& name, const std::string& text)
        : path(std::filesystem::temp_directory_path() /
               ("ractor-assert-" + std::to_string(::getpid()) + "-" + name)) {
        std::ofstream(path) << text;
    }
    ~scratch_plan() { std::filesystem::remove(path); }
};

/// bank_partitions (three nodes in a cluster) under `plan` instead of its own, requiring the
/// library's "a session came back with the same peer incarnation" site.
tool_run explore_bank(const scratch_plan& plan) {
    return sim_tool({"explore", ractor::test_paths::scenario_dir() + "/bank_partitions.json",
                     "--seeds", "12", "-j", "2", "--fault-plan", plan.path.string(),
                     "--require-sites", "ractor.cluster.reconnected"});
}

/// The report line of the site called `name` in `output`.
std::string site_line(const std::string& output, const std::string& name) {
    const auto at = output.find("'" + name + "' at ");
    if (at == std::string::npos) return {};
    const auto begin = output.rfind('\n', at) + 1;
    return output.substr(begin, output.find('\n', at) - begin);
}

}  // namespace

TEST_CASE(
    "ractor-sim explore fails when a required sometimes site was never hit: the plan's partition "
    "never fired",
    "[tools][assertions]") {
    // A partition an hour in: the scenario is over long before, so the fault can never fire.
    const scratch_plan inert(
        "inert.json", R"({"partitions": [{"at": "1h", "from": 1, "to": 3, "heal_at": "2h"}]})");
    const tool_run r = explore_bank(inert);
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("12 passed, 0 failed") != std::string::npos);
    CHECK(r.output.find("assertion failures:\n  sometimes site never hit (never true): sometimes "
                        "'ractor.cluster.reconnected' at cluster/src/session_registry.cpp:") !=
          std::string::npos);
    // Every site of the catalogue is listed, hit or not, with kind, name and file:line.
    CHECK(site_line(r.output, "ractor.mailbox_full")
              .starts_with("  reachable 'ractor.mailbox_full' at api/src/actor_cell.cpp:"));
    CHECK(site_line(r.output, "ractor.mailbox_full")
              .find(": 0 hits (0 true) in 0 runs, first seed -") != std::string::npos);
    CHECK(site_line(r.output, "ractor.cluster.reconnected")
              .find("in 12 runs, first seed 1, first true at seed - [required]") !=
          std::string::npos);
}

TEST_CASE("ractor-sim explore passes once the partition fires and heals, and names the first seed",
          "[tools][assertions]") {
    const scratch_plan live(
        "live.json",
        R"({"partitions": [{"at": "300ms", "from": 1, "to": 3, "heal_at": "900ms"}]})");
    const tool_run r = explore_bank(live);
    INFO(r.output);
    CHECK(r.status == 0);
    CHECK(r.output.find("assertion failures:") == std::string::npos);
    const std::string line = site_line(r.output, "ractor.cluster.reconnected");
    CHECK(line.find(" in 12 runs, first seed 1, first true at seed 1 [required]") !=
          std::string::npos);
    CHECK(line.find(" 0 true)") == std::string::npos);
    // Unrequired sites never hit are reported, and fail nothing.
    CHECK(site_line(r.output, "ractor.supervisor.restart_intensity_reached").find(": 0 hits") !=
          std::string::npos);

    // A single run prints the sites it hit, and only those.
    const tool_run one =
        sim_tool({"run", ractor::test_paths::scenario_dir() + "/bank_partitions.json", "--seed",
                  "1", "--fault-plan", live.path.string()});
    INFO(one.output);
    CHECK(one.status == 0);
    CHECK(one.output.find("assertion sites hit:\n") != std::string::npos);
    CHECK(one.output.find(
              "  sometimes 'ractor.cluster.reconnected' at cluster/src/session_registry.cpp:") !=
          std::string::npos);
    CHECK(one.output.find("ractor.mailbox_full") == std::string::npos);
}

#endif
