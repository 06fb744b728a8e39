// The simulated world: nodes, their runtimes, virtual time, timers and the trace.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <ractor/sim/world.hpp>

#include "sim/sim_test_support.hpp"

using namespace std::chrono_literals;
using ractor::time_point;
using ractor::trace_kind;
using ractor::sim::world;
using ractor::sim::world_options;
namespace t = ractor::sim::test;

TEST_CASE("sim: nodes get counted ids and complete runtimes", "[sim][world]") {
    world w(42, world_options{.batch_budget = 3});
    auto& a = w.add_node("alpha");
    auto& b = w.add_node("beta");
    CHECK(a.node_id == 1);
    CHECK(b.node_id == 2);
    CHECK(a.batch_budget == 3);
    CHECK(a.trace != nullptr);
    CHECK(a.trace != b.trace);
    CHECK(&w.node(2) == &b);
    CHECK(w.node_name(1) == "alpha");
    CHECK(w.node_name(2) == "beta");
    CHECK_THROWS_AS(w.node(0), std::out_of_range);
    CHECK_THROWS_AS(w.node(3), std::out_of_range);
    CHECK(w.seed() == 42);
    CHECK(w.now() == time_point{});
    CHECK(a.clock.now() == time_point{});
    CHECK(w.steps() == 0);
    CHECK_FALSE(w.step());
    CHECK_THROWS_AS(world(1, world_options{.batch_budget = 0}), std::invalid_argument);
    CHECK_THROWS_AS(world(1, world_options{.fiber_stack_size = 1024}), std::invalid_argument);
}

TEST_CASE("sim: node entropy is a stream of the seed and the node id", "[sim][world]") {
    auto draw = [](std::uint64_t seed, int node_index) {
        world w(seed);
        w.add_node("a");
        auto& rt = w.add_node("b");
        auto& chosen = node_index == 0 ? w.node(1) : rt;
        std::vector<std::uint64_t> out;
        for (int i = 0; i < 8; ++i) {
            out.push_back(chosen.entropy.next_u64());
        }
        return out;
    };
    CHECK(draw(7, 0) == draw(7, 0));
    CHECK(draw(7, 1) == draw(7, 1));
    CHECK(draw(7, 0) != draw(7, 1));
    CHECK(draw(7, 0) != draw(8, 0));
}

TEST_CASE("sim: timers fire in time order, ties by start order, cancelled never", "[sim][world]") {
    world w(1);
    auto& rt = w.add_node("a");
    std::vector<std::pair<int, time_point>> fired;
    auto at = [&](ractor::duration d, int tag) {
        return rt.clock.start_timer(
            time_point{} + d, [&fired, &rt, tag] { fired.emplace_back(tag, rt.clock.now()); });
    };
    at(5s, 1);
    at(3s, 2);
    const auto cancelled = at(3s, 3);
    at(3s, 4);
    at(1s, 5);
    const auto also_cancelled = at(2s, 6);
    CHECK(rt.clock.cancel_timer(cancelled));
    CHECK_FALSE(rt.clock.cancel_timer(cancelled));
    CHECK(rt.clock.cancel_timer(also_cancelled));
    w.run();
    const std::vector<std::pair<int, time_point>> expected{
        {5, time_point{} + 1s}, {2, time_point{} + 3s}, {4, time_point{} + 3s},
        {1, time_point{} + 5s}};
    CHECK(fired == expected);
    CHECK(w.steps() == 4);
    CHECK(w.now() == time_point{} + 5s);

    // A timer in the past fires at the current time: virtual time never goes back.
    const auto late = at(2s, 7);
    w.run();
    CHECK(fired.back() == std::pair{7, time_point{} + 5s});
    CHECK_FALSE(rt.clock.cancel_timer(late));  // already fired

    // Timer events carry the node and the timer id.
    REQUIRE_FALSE(w.events().empty());
    CHECK(w.events().back().kind == trace_kind::timer);
    CHECK(w.events().back().value == late);
    CHECK(w.events().back().node == 1);
}

TEST_CASE("sim: timers may start and cancel timers", "[sim][world]") {
    world w(1);
    auto& rt = w.add_node("a");
    std::vector<int> fired;
    ractor::timer_id victim = 0;
    rt.clock.start_timer(time_point{} + 1s, [&] {
        fired.push_back(1);
        rt.clock.start_timer(rt.clock.now() + 1s, [&] { fired.push_back(2); });
        CHECK(rt.clock.cancel_timer(victim));
    });
    victim = rt.clock.start_timer(time_point{} + 1500ms, [&] { fired.push_back(3); });
    w.run();
    CHECK(fired == std::vector<int>{1, 2});
    CHECK(w.now() == time_point{} + 2s);
}

TEST_CASE("sim: many cancelled timers do not disturb the order", "[sim][world]") {
    world w(1, world_options{.keep_events = false});
    auto& rt = w.add_node("a");
    std::vector<int> fired;
    for (int i = 0; i < 1000; ++i) {
        const auto id = rt.clock.start_timer(time_point{} + ractor::duration(1000 - i),
                                             [&fired, i] { fired.push_back(i); });
        if (i % 10 != 0) {
            CHECK(rt.clock.cancel_timer(id));
        }
    }
    w.run();
    REQUIRE(fired.size() == 100);
    for (std::size_t k = 0; k < fired.size(); ++k) {
        CHECK(fired[k] == static_cast<int>(990 - 10 * k));
    }
}

TEST_CASE("sim: run_for stops at the horizon and leaves the clock there", "[sim][world]") {
    world w(1);
    auto& rt = w.add_node("a");
    std::vector<int> fired;
    for (int s = 1; s <= 3; ++s) {
        rt.clock.start_timer(time_point{} + std::chrono::seconds(s),
                             [&fired, s] { fired.push_back(s); });
    }
    w.run_for(2s);
    CHECK(fired == std::vector<int>{1, 2});  // a timer exactly at the horizon fires
    CHECK(w.now() == time_point{} + 2s);
    w.run_for(500ms);
    CHECK(fired.size() == 2);
    CHECK(w.now() == time_point{} + 2500ms);
    w.run_for(0s);
    CHECK(w.now() == time_point{} + 2500ms);
    w.run();
    CHECK(fired == std::vector<int>{1, 2, 3});
    CHECK(w.now() == time_point{} + 3s);
    w.run_for(1h);  // quiescent: the clock still moves to the horizon
    CHECK(w.now() == time_point{} + 1h + 3s);
    CHECK_THROWS_AS(w.run_for(-1s), std::invalid_argument);
}

TEST_CASE("sim: run_for runs ready work before the horizon", "[sim][world]") {
    t::runnables rs;
    world w(1);
    auto& rt = w.add_node("a");
    int runs = 0;
    rt.executor.schedule(rs.add([&](std::size_t) { ++runs; }));
    w.run_for(0s);
    CHECK(runs == 1);
}

TEST_CASE("sim: trace events are stamped with step, virtual time and node", "[sim][world]") {
    t::runnables rs;
    world w(1);
    auto& a = w.add_node("a");
    auto& b = w.add_node("b");
    const std::uint64_t empty_hash = w.trace_hash();
    t::trace_user(a, 1, "before");
    const std::uint64_t one_event = w.trace_hash();
    CHECK(one_event != empty_hash);
    b.clock.start_timer(time_point{} + 4s, [&] { t::trace_user(b, 2, "in timer"); });
    a.executor.schedule(rs.add([&](std::size_t) { t::trace_user(a, 3); }));
    w.run();
    const auto& ev = w.events();
    REQUIRE(ev.size() == 4);
    CHECK(ev[0] == ractor::sim::recorded_event{0, 0, 1, trace_kind::user, 0, 0, 1, "before"});
    CHECK(ev[1] == ractor::sim::recorded_event{1, 0, 1, trace_kind::user, 0, 0, 3, ""});
    CHECK(ev[2].kind == trace_kind::timer);
    CHECK(ev[2].step == 2);
    CHECK(ev[2].node == 2);
    CHECK(ev[3] ==
          ractor::sim::recorded_event{2, 4'000'000'000, 2, trace_kind::user, 0, 0, 2, "in timer"});
    CHECK(ractor::sim::to_string(ev[3]) ==
          "step 2 t=4000000000ns node 2 user value=2 text=\"in timer\"");
    CHECK(std::string(ractor::sim::kind_name(trace_kind::supervision)) == "supervision");
}

TEST_CASE("sim: the trace hash covers every field and does not need the stored events",
          "[sim][world]") {
    auto hash_of = [](bool keep, std::string_view text, std::uint64_t value, std::uint64_t actor) {
        world w(1, world_options{.keep_events = keep});
        auto& rt = w.add_node("a");
        rt.trace->record(ractor::trace_event{trace_kind::send, actor, 2, value, text});
        return std::pair{w.trace_hash(), w.events().size()};
    };
    const auto base = hash_of(true, "hello world!", 5, 1);
    CHECK(base.second == 1);
    CHECK(hash_of(false, "hello world!", 5, 1) == std::pair{base.first, std::size_t{0}});
    CHECK(hash_of(true, "hello world?", 5, 1).first != base.first);
    CHECK(hash_of(true, "hello world!", 6, 1).first != base.first);
    CHECK(hash_of(true, "hello world!", 5, 2).first != base.first);
    CHECK(hash_of(true, "", 5, 1).first != base.first);
}
