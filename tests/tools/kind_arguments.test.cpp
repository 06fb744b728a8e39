// A kind's arguments that are wrong fail the scenario before it runs, with the field path
// in the file, and the command line exits 2.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <ractor/actor.hpp>
#include <ractor/tool/kind_arguments.hpp>
#include <ractor/tool/main.hpp>
#include <ractor/tool/registry.hpp>
#include <ractor/tool/scenario.hpp>
#include <ractor/tool/scenario_runner.hpp>

namespace {

/// A bounded buffer kind's arguments: a capacity and an optional label.
struct buffer_args {
    unsigned capacity = 0;
    std::string label;
};
void from_json(const nlohmann::json& j, buffer_args& a) {
    a.capacity = ractor::tool::argument<unsigned>(j, "capacity");
    if (j.contains("label")) a.label = ractor::tool::argument<std::string>(j, "label");
}

struct buffer : ractor::actor<ractor::tool::message, buffer_args, buffer_args> {
    buffer_args pre_start(ractor::actor_ref<ractor::tool::message>, buffer_args a) { return a; }
    void handle(ractor::actor_ref<ractor::tool::message>, ractor::tool::message, buffer_args&) {}
};

/// A kind whose arguments come from nlohmann's own conversion (no `tool::argument`).
struct pair_kind : ractor::actor<ractor::tool::message, std::vector<int>, std::vector<int>> {
    std::vector<int> pre_start(ractor::actor_ref<ractor::tool::message>, std::vector<int> a) {
        return a;
    }
    void handle(ractor::actor_ref<ractor::tool::message>, ractor::tool::message,
                std::vector<int>&) {}
};

ractor::tool::registry kinds() {
    ractor::tool::registry r;
    r.add_kind<buffer>("buffer");
    r.add_kind<pair_kind>("ints");
    return r;
}

/// A scenario of one node with `actors` and `workload` (JSON arrays).
std::string scenario(const std::string& actors, const std::string& workload = "[]") {
    return R"({"version": 1, "name": "t", "nodes": ["n1"], "actors": )" + actors +
           R"(, "workload": )" + workload + "}";
}

/// The error `check_names` gives `text` (empty if none).
std::string error_of(const std::string& text) {
    try {
        ractor::tool::check_names(ractor::tool::parse_scenario(text), kinds());
    } catch (const ractor::tool::scenario_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("good kind arguments pass", "[tools][scenario]") {
    CHECK(error_of(scenario(
              R"([{"node": "n1", "name": "b", "kind": "buffer", "args": {"capacity": 3}}])")) ==
          "");
}

TEST_CASE("a missing or mistyped kind argument is named by its path in the file",
          "[tools][scenario]") {
    CHECK(error_of(scenario(R"([{"node": "n1", "name": "b", "kind": "buffer", "args": {}}])")) ==
          "actors[0].args.capacity: missing");
    CHECK(error_of(scenario(
              R"([{"node": "n1", "name": "b", "kind": "buffer", "args": {"capacity": -1}}])")) ==
          "actors[0].args.capacity: expected an unsigned integer up to 4294967295");
    CHECK(
        error_of(scenario(
            R"([{"node": "n1", "name": "b", "kind": "buffer", "args": {"capacity": 1, "label": 2}}])")) ==
        "actors[0].args.label: expected a string");
    CHECK(error_of(scenario(R"([{"node": "n1", "name": "b", "kind": "buffer", "args": [1]}])")) ==
          "actors[0].args: expected an object");
    const auto in_step = error_of(scenario(
        "[]",
        R"([{"sleep": "1ms"}, {"spawn": {"node": "n1", "name": "b", "kind": "buffer", "args": {"capacity": "x"}}}])"));
    CHECK(in_step.find("[1].spawn.args.capacity: expected an unsigned integer") !=
          std::string::npos);
}

TEST_CASE("nlohmann's own conversion errors lose their tag and keep the args path",
          "[tools][scenario]") {
    const auto e =
        error_of(scenario(R"([{"node": "n1", "name": "p", "kind": "ints", "args": {"a": 1}}])"));
    CHECK(e.rfind("actors[0].args: type must be array", 0) == 0);
    CHECK(e.find("[json.exception") == std::string::npos);
}

TEST_CASE("the command line exits 2 on a bad kind argument and names its path",
          "[tools][scenario]") {
    const auto dir = std::filesystem::temp_directory_path() / "ractor_kind_arguments_test";
    std::filesystem::create_directories(dir);
    const auto file = dir / "bad.json";
    std::ofstream(file) << scenario(
        R"([{"node": "n1", "name": "b", "kind": "buffer", "args": {"capacity": true}}])");
    std::string tool = "tool", cmd = "run", path = file.string(), seed_flag = "--seed", seed = "1";
    std::vector<char*> argv{tool.data(), cmd.data(), path.data(), seed_flag.data(), seed.data()};
    auto r = kinds();
    CHECK(ractor::tool::main(static_cast<int>(argv.size()), argv.data(), r) == 2);
    std::filesystem::remove_all(dir);
}
