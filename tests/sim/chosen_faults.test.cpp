// Faults as scheduling choices: kills, stops and crashes of the window and trigger forms fire
// at a step the strategy picks, so they land between two steps of one virtual instant.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <ractor/ractor.hpp>
#include <ractor/sim/example_programs.hpp>
#include <ractor/sim/explore.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/world.hpp>

using namespace std::chrono_literals;
namespace sim = ractor::sim;
using ractor::trace_kind;

namespace {

const sim::program& example(std::string_view name) {
    const auto* p = sim::find_example_program(name);
    REQUIRE(p != nullptr);
    return p->body;
}

/// Counts what it handles into a shared counter.
struct counter : ractor::actor<int, std::shared_ptr<int>, std::shared_ptr<int>> {
    std::shared_ptr<int> pre_start(ractor::actor_ref<int>, std::shared_ptr<int> n) { return n; }
    void handle(ractor::actor_ref<int>, int, std::shared_ptr<int>& n) { ++*n; }
};

/// The virtual time (ns) of the first fault event whose text starts with `prefix`; -1: none.
std::int64_t fault_time(const sim::world& w, const std::string& prefix) {
    for (const auto& e : w.events()) {
        if (e.kind == trace_kind::fault && e.text.starts_with(prefix)) return e.time_ns;
    }
    return -1;
}

sim::explore_summary explore_acked_write(const char* name, sim::strategy_kind strategy, std::uint64_t seeds) {
    sim::explore_options o;
    o.base.strategy = strategy;
    o.seeds = seeds;
    o.program_name = name;
    return sim::explore(example(name), o);
}

}  // namespace

TEST_CASE("chosen faults: a crash in a window finds the acknowledgement lost between two steps",
          "[sim][chosen_faults]") {
    for (auto strategy : {sim::strategy_kind::random, sim::strategy_kind::pct}) {
        INFO(sim::to_string(strategy));
        // The same crash at an exact time lands only where the world is idle: never caught.
        const auto exact = explore_acked_write("acked-write-exact", strategy, 500);
        CHECK(exact.failures.empty());
        CHECK(exact.fault_kinds.at("crash").fired == 500);

        const auto windowed = explore_acked_write("acked-write", strategy, 50);
        REQUIRE_FALSE(windowed.failures.empty());
        const sim::seed_result& first = windowed.failures.front();
        CHECK(first.message.find("was acknowledged but is not on disk") != std::string::npos);

        // The reproduction replays it, event for event.
        sim::run_options again = first.options;
        again.keep_events = true;
        const auto replay = sim::run_program(example("acked-write"), again);
        CHECK(replay.outcome == sim::run_outcome::failed);
        CHECK(replay.trace_hash == first.trace_hash);
        CHECK(sim::run_program(example("acked-write"), again).trace_hash == first.trace_hash);
        // The crash fell at the instant of a put, after the front's step and before the disk's.
        const auto crash = std::find_if(replay.events.begin(), replay.events.end(), [](const auto& e) {
            return e.kind == trace_kind::fault && e.text == "crash node store";
        });
        REQUIRE(crash != replay.events.end());
        CHECK(std::any_of(replay.events.begin(), crash, [&](const auto& e) {
            return e.kind == trace_kind::send && e.time_ns == crash->time_ns;
        }));
    }
}

TEST_CASE("chosen faults: a window fault fires inside its window, at instants the seed picks",
          "[sim][chosen_faults]") {
    std::set<std::int64_t> times;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        sim::world w(seed);
        auto n = std::make_shared<int>(0);
        w.add_node("n", [n](ractor::actor_system& s) {
            auto c = s.spawn(counter{}, n, {.name = "c"});
            ractor::send_interval(c, 1ms, [] { return 1; });
        });
        sim::fault_plan plan;
        plan.kills.push_back({.at = 2ms, .target = {.node = 1, .name = "c"}, .until = 6ms});
        w.apply(plan);
        w.run_for(10ms);
        const std::int64_t at = fault_time(w, "kill 'c'");
        INFO("seed " << seed);
        CHECK(at >= std::chrono::nanoseconds(2ms).count());
        CHECK(at <= std::chrono::nanoseconds(6ms).count());
        CHECK(w.fault_tallies().at(0).fired == 1);
        times.insert(at);
    }
    CHECK(times.size() >= 3);  // the strategy lets time go on before some firings
}

TEST_CASE("chosen faults: a trigger fault is armed by the Nth message its actors handle",
          "[sim][chosen_faults]") {
    std::set<int> handled_before;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        sim::world w(seed);
        auto n = std::make_shared<int>(0);
        w.add_node("n", [n](ractor::actor_system& s) { s.spawn(counter{}, n, {.name = "c"}); });
        sim::fault_plan plan;
        plan.kills.push_back(
            {.target = {.node = 1, .name = "c"}, .after = sim::message_trigger{.node = 1, .kind = "counter", .handled = 3}});
        w.apply(plan);
        const auto c = *w.node_system(1)->where_is<int>("c");
        for (int i = 0; i < 6; ++i) c.cast(i);
        w.run();
        INFO("seed " << seed);
        CHECK(*n >= 3);  // never before the third message began
        CHECK(w.fault_tallies().at(0).fired == 1);
        handled_before.insert(*n);
    }
    CHECK(handled_before.size() >= 2);  // and at a step the strategy chose after it
}

TEST_CASE("chosen faults: a windowed crash restarts its node restart_after later", "[sim][chosen_faults]") {
    sim::world w(5);
    w.add_node("n", [](ractor::actor_system& s) { s.spawn(counter{}, std::make_shared<int>(0), {.name = "c"}); });
    sim::fault_plan plan;
    plan.crashes.push_back({.at = 1ms, .node = 1, .restart_at = std::nullopt, .until = 2ms, .restart_after = 5ms});
    w.apply(plan);
    w.run_for(3ms);
    CHECK_FALSE(w.node_up(1));
    const std::int64_t crashed = fault_time(w, "crash node n");
    w.run_for(10ms);
    CHECK(w.node_up(1));
    CHECK(fault_time(w, "restart node n") - crashed == std::chrono::nanoseconds(5ms).count());
    CHECK(w.fault_tallies().at(1).entry == "crashes[0].restart_after");
    CHECK(w.fault_tallies().at(1).fired == 1);
}
