// ractor-sim as a user runs it: exit statuses, strict values, fault plan files and the
// reproduction lines it prints.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/fault_plan_file.hpp>

#include "tools/child_process.hpp"
#include "support/test_paths.hpp"

#ifdef RACTOR_HAVE_SIM_TOOL

namespace {

using tool_test::run_tool;
using tool_test::tool_run;

tool_run sim_tool(std::vector<std::string> args) { return run_tool(ractor::test_paths::sim_binary(), std::move(args)); }

/// A scratch file holding `text`, removed at the end of the test.
class scratch_file {
public:
    scratch_file(const std::string& name, const std::string& text)
        : path_(std::filesystem::temp_directory_path() /
                ("ractor-cli-" + std::to_string(::getpid()) + "-" + name)) {
        std::ofstream(path_) << text;
    }
    scratch_file(const scratch_file&) = delete;
    scratch_file& operator=(const scratch_file&) = delete;
    ~scratch_file() { std::filesystem::remove(path_); }
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

/// How often `needle` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

/// The value after `key=` in the summary line of `output`.
std::string summary_field(const std::string& output, const std::string& key) {
    std::smatch m;
    REQUIRE(std::regex_search(output, m, std::regex(" " + key + "=([^ \\n]+)")));
    return m[1];
}

/// The words of the first line of `output` that starts (after blanks) with `start`.
std::vector<std::string> line_words(const std::string& output, const std::string& start) {
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        const auto at = line.find_first_not_of(' ');
        if (at != std::string::npos && line.compare(at, start.size(), start) == 0) {
            std::istringstream words(line.substr(at));
            std::vector<std::string> out;
            for (std::string w; words >> w;) out.push_back(w);
            return out;
        }
    }
    FAIL("no line starting with '" << start << "' in:\n" << output);
    return {};
}

/// A plan that fails the ping-pong players' tenth handler invocation, so the rally stops.
const char* const failing_plan = R"({"failures": [{"kind": "player", "at_invocation": 10}]})";

}  // namespace

TEST_CASE("ractor-sim: a malformed --expect-hash is a usage error", "[tools][cli]") {
    for (const char* bad : {"zz", "0x", "0x12345678901234567", "-1", "18446744073709551616", "12abc"}) {
        const tool_run r = sim_tool({"replay", "ping-pong", "--seed", "1", "--expect-hash", bad});
        INFO(bad << ":\n" << r.output);
        CHECK(r.status == 2);
        CHECK(r.output.find("must be a trace hash") != std::string::npos);
    }
}

TEST_CASE("ractor-sim: --expect-hash passes on the printed hash and fails on another", "[tools][cli]") {
    const tool_run first = sim_tool({"run", "ping-pong", "--seed", "3"});
    REQUIRE(first.status == 0);
    const std::string hash = summary_field(first.output, "hash");
    const tool_run same = sim_tool({"replay", "ping-pong", "--seed", "3", "--expect-hash", hash});
    CHECK(same.status == 0);
    CHECK(same.output.find("trace hash matches " + hash) != std::string::npos);
    const tool_run other = sim_tool({"replay", "ping-pong", "--seed", "3", "--expect-hash", "0x1"});
    CHECK(other.status == 1);
    CHECK(other.output.find("MISMATCH: expected 0x0000000000000001, got " + hash) != std::string::npos);
}

TEST_CASE("ractor-sim: negative and out-of-range counts are usage errors", "[tools][cli]") {
    const std::vector<std::vector<std::string>> bad = {
        {"run", "ping-pong", "--seed", "-1"},
        {"run", "ping-pong", "--seed", "18446744073709551616"},
        {"run", "ping-pong", "--budget", "-5"},
        {"run", "ping-pong", "--fault-rate", "nan"},
        {"run", "ping-pong", "--fault-rate", "1.5"},
        {"explore", "ping-pong", "--seeds", "-3"},
        {"explore", "ping-pong", "--jobs", "-1"},
        {"replay", "ping-pong", "--tail", "-2"},
    };
    for (const auto& args : bad) {
        const tool_run r = sim_tool(args);
        INFO(args[2] << " " << args[3] << ":\n" << r.output);
        CHECK(r.status == 2);
        CHECK(r.output.find("FAIL") == std::string::npos);
        CHECK(r.output.find("PASS") == std::string::npos);
    }
    const tool_run r = sim_tool({"run", "ping-pong", "--seed", "-1"});
    CHECK(r.output.find("must be an integer from 0 to 18446744073709551615, not '-1'") != std::string::npos);
}

TEST_CASE("ractor-sim: exit statuses are 0 pass, 1 run failed, 2 usage", "[tools][cli]") {
    CHECK(sim_tool({"run", "ping-pong"}).status == 0);
    CHECK(sim_tool({"run", "stuck-call"}).status == 1);
    CHECK(sim_tool({"check", "ping-pong"}).status == 0);
    CHECK(sim_tool({}).status == 2);
    CHECK(sim_tool({"run", "no-such-program"}).status == 2);
    CHECK(sim_tool({"run", "ping-pong", "--no-such-flag"}).status == 2);
    CHECK(sim_tool({"--help"}).status == 0);
}

TEST_CASE("ractor-sim: export of a failing run writes the trace and exits 1", "[tools][cli]") {
    const scratch_file out("stuck.jsonl", "");
    const tool_run failing = sim_tool({"export", "stuck-call", "--format", "jsonl", "-o", out.path()});
    INFO(failing.output);
    CHECK(failing.status == 1);
    CHECK(failing.output.find("deadlock: ") != std::string::npos);
    CHECK(failing.output.find("reproduce: ") != std::string::npos);
    CHECK(std::filesystem::file_size(out.path()) > 0);
    CHECK(sim_tool({"export", "ping-pong", "--format", "jsonl", "-o", out.path()}).status == 0);
}

TEST_CASE("ractor-sim: export --from picks the HTML window", "[tools][cli]") {
    const scratch_file out("window.html", "");
    const tool_run r = sim_tool({"export", "livelock", "--budget", "20000", "--from", "100", "-o", out.path()});
    INFO(r.output);
    CHECK(r.status == 1);
    std::ifstream in(out.path());
    const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(page.find("events #100 to #") != std::string::npos);
    CHECK(sim_tool({"export", "livelock", "--from", "-1", "-o", out.path()}).status == 2);
}

TEST_CASE("ractor-sim: replay --full-trace prints every event of a passing run", "[tools][cli]") {
    const tool_run r = sim_tool({"replay", "worker-pool", "--seed", "2", "--full-trace"});
    REQUIRE(r.status == 0);
    const std::string events = summary_field(r.output, "events");
    CHECK(r.output.find("trace (" + events + " events):") != std::string::npos);
    CHECK(count_of(r.output, "\n    #") == std::stoul(events));
    // Without the flag a passing run prints no trace.
    CHECK(count_of(sim_tool({"replay", "worker-pool", "--seed", "2"}).output, "\n    #") == 0);
}

TEST_CASE("ractor-sim: a fault plan error names its field once", "[tools][cli]") {
    const scratch_file plan("bad-plan.json", R"({"partition": []})");
    const tool_run r = sim_tool({"run", "ping-pong", "--fault-plan", plan.path()});
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(count_of(r.output, "fault plan:") == 1);
    CHECK(r.output.find("fault plan: partition: unknown field (in " + plan.path() + ")") != std::string::npos);
    // The library's own message, as a user of load_fault_plan sees it.
    try {
        ractor::sim::load_fault_plan(plan.path());
        FAIL("the plan loaded");
    } catch (const ractor::sim::fault_plan_error& e) {
        CHECK(std::string(e.what()) == "fault plan: partition: unknown field (in " + plan.path() + ")");
        CHECK(e.problem() == "unknown field (in " + plan.path() + ")");
    }
}

TEST_CASE("ractor-sim: a plan naming a node a built-in program's fresh world lacks is refused", "[tools][cli]") {
    const scratch_file plan("skew.json", R"({"clock_skews": [{"node": 1, "offset": "5ms"}]})");
    const tool_run r = sim_tool({"run", "ticker", "--fault-plan", plan.path()});
    INFO(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find("fault plan: clock_skews[0].node: no node 1 in this world") != std::string::npos);
    CHECK(sim_tool({"run", "ticker", "--fault-plan", "/no/such/plan.json"}).status == 2);
}

TEST_CASE("ractor-sim: --fault-plan applies to run, check, replay and export", "[tools][cli]") {
    const scratch_file plan("failing-plan.json", failing_plan);
    const tool_run run = sim_tool({"run", "ping-pong", "--seed", "4", "--fault-plan", plan.path()});
    INFO(run.output);
    CHECK(run.status == 1);
    CHECK(run.output.find("the rally did not finish exactly once") != std::string::npos);
    const auto repro = line_words(run.output, "reproduce:");
    CHECK(std::vector<std::string>(repro.end() - 2, repro.end()) ==
          std::vector<std::string>{"--fault-plan", plan.path()});
    const std::string hash = summary_field(run.output, "hash");
    CHECK(sim_tool({"replay", "ping-pong", "--seed", "4", "--fault-plan", plan.path(), "--expect-hash", hash})
              .status == 1);
    CHECK(sim_tool({"check", "ping-pong", "--seed", "4", "--fault-plan", plan.path()}).status == 0);
    const scratch_file out("failing.jsonl", "");
    CHECK(sim_tool({"export", "ping-pong", "--seed", "4", "--fault-plan", plan.path(), "-o", out.path()}).status == 1);
    // The same seed without the plan passes: the plan made the difference.
    CHECK(sim_tool({"run", "ping-pong", "--seed", "4"}).status == 0);
}

TEST_CASE("ractor-sim: explore's reproduction lines replay swarm failures with their plan", "[tools][cli]") {
    const scratch_file plan("swarm-plan.json", failing_plan);
    const tool_run e = sim_tool({"explore", "ping-pong", "--seeds", "8", "--swarm", "--fault-plan", plan.path()});
    INFO(e.output);
    REQUIRE(e.status == 1);
    CHECK(e.output.find("0 passed, 8 failed") != std::string::npos);
    // Each failing seed: "  seed N (DRAWS): ..." then "    TOOL replay ping-pong --seed N ...".
    const std::regex failure("  seed ([0-9]+) \\((random|pct depth ([0-9]+))(, fault rate ([0-9.e-]+))?\\)[^\n]*\n    ([^ \n]+ replay [^\n]+)");
    int replayed = 0, pct = 0;
    for (std::sregex_iterator it(e.output.begin(), e.output.end(), failure), end; it != end; ++it) {
        const std::smatch& m = *it;
        const std::string line = m[6];
        INFO(line);
        CHECK(line.find(" --seed " + m[1].str() + " ") != std::string::npos);
        CHECK((line.find("--strategy pct --depth " + m[3].str() + " ") != std::string::npos) == m[3].matched);
        CHECK((line.find("--fault-rate " + m[5].str() + " ") != std::string::npos) == m[5].matched);
        CHECK(line.ends_with(" --fault-plan " + plan.path()));
        pct += m[3].matched;
        std::vector<std::string> words;
        std::istringstream in(line);
        for (std::string w; in >> w;) words.push_back(w);
        CHECK(words.front() == ractor::test_paths::sim_binary());
        words.erase(words.begin());
        const tool_run again = sim_tool(words);
        CHECK(again.status == 1);
        CHECK(again.output.find("FAIL ping-pong seed=" + m[1].str() + " ") != std::string::npos);
        ++replayed;
    }
    CHECK(replayed == 8);
    CHECK(pct > 0);
}

#endif  // RACTOR_HAVE_SIM_TOOL
