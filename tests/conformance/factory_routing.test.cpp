// Factory routing on every backend: key-persistent, round-robin, queuer, sticky queuer,
// custom and rate-limited routing, and queue priorities.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "support/backends.hpp"
#include "support/factory_fixture.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;
using factory::routing_mode;

CONFORMANCE_TEST("key-persistent routing sends every job of a key to one worker, in order", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto f = factory::spawn_factory(sys, recorder_spec(log, 3, routing_mode::key_persistent));
    for (int value = 0; value < 4; ++value) {
        for (int key = 0; key < 6; ++key) f.dispatch(make_job(key, value));
    }
    auto done = await_lines(log, "done", 24);
    for (int key = 0; key < 6; ++key) {
        // std::hash of an int is the int: key k belongs to worker k % 3.
        const std::string tail = " k" + std::to_string(key) + " v";
        std::vector<std::string> of_key;
        for (const auto& line : done) {
            if (line.find(tail) != std::string::npos) of_key.push_back(line);
        }
        REQUIRE(of_key.size() == 4);
        for (std::size_t value = 0; value < 4; ++value) {
            CHECK(of_key[value] == "done w" + std::to_string(key % 3) + tail + std::to_string(value));
        }
    }
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("round-robin routing hands jobs to the workers in turn", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto f = factory::spawn_factory(sys, recorder_spec(log, 3, routing_mode::round_robin));
    for (int value = 0; value < 9; ++value) f.dispatch(make_job(7, value));
    auto done = await_lines(log, "done", 9);
    for (int value = 0; value < 9; ++value) {
        CHECK(std::count(done.begin(), done.end(),
                         "done w" + std::to_string(value % 3) + " k7 v" + std::to_string(value)) == 1);
    }
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("the queuer keeps jobs in the factory until a worker is free", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto held = sys.spawn(gate{});
    auto released = sys.spawn(gate{});
    auto f = factory::spawn_factory(sys, recorder_spec(log, 2, routing_mode::queuer));
    f.dispatch(make_job(1, 1, held));
    f.dispatch(make_job(2, 2, released));
    auto running = await_lines(log, "run", 2);
    f.dispatch(make_job(3, 3));
    f.dispatch(make_job(4, 4));
    auto s = stats_of(f);
    CHECK(s.queue_depth == 2);
    CHECK(s.in_flight == 2);
    open_gate(released);
    auto done = await_lines(log, "done", 3);
    // The worker freed first takes both queued jobs: the other one is still held.
    const std::string free_worker = lines_with(running, "run w0 k2").empty() ? "w1" : "w0";
    CHECK(lines_with(done, "done " + free_worker).size() == 3);
    open_gate(held);
    await_lines(log, "done", 4);
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("the sticky queuer sends a job to the worker busy with its key", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto f = factory::spawn_factory(sys, recorder_spec(log, 2, routing_mode::sticky_queuer));
    f.dispatch(make_job(7, 1, g));
    const std::string busy = await_lines(log, "run", 1)[0].substr(4, 2);
    f.dispatch(make_job(7, 2));  // waits behind key 7, although the other worker is idle
    f.dispatch(make_job(8, 3));  // runs at once on the idle worker
    auto first = await_lines(log, "done", 1);
    CHECK(first == std::vector<std::string>{"done " + std::string(busy == "w0" ? "w1" : "w0") + " k8 v3"});
    CHECK(stats_of(f).queue_depth == 1);
    open_gate(g);
    auto done = await_lines(log, "done", 3);
    CHECK(done[1] == "done " + busy + " k7 v1");
    CHECK(done[2] == "done " + busy + " k7 v2");
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("custom routing lets a function of the key pick the worker", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto spec = recorder_spec(log, 3, routing_mode::custom);
    spec.route.custom = [](const int& key, std::size_t) { return static_cast<std::size_t>(key / 10); };
    auto f = factory::spawn_factory(sys, std::move(spec));
    f.dispatch(make_job(5, 1));
    f.dispatch(make_job(15, 2));
    f.dispatch(make_job(25, 3));
    f.dispatch(make_job(35, 4));  // taken modulo the pool size: worker 0
    auto done = await_lines(log, "done", 4);
    for (const char* line : {"done w0 k5 v1", "done w1 k15 v2", "done w2 k25 v3", "done w0 k35 v4"}) {
        CHECK(std::count(done.begin(), done.end(), line) == 1);
    }
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("the rate-limited router sheds jobs beyond its bucket until it refills", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto spec = recorder_spec(log, 1, routing_mode::queuer);
    spec.route.limit = factory::rate_limit{.capacity = 2, .refill = 1, .interval = 50ms};
    auto f = factory::spawn_factory(sys, std::move(spec));
    CHECK(f.dispatch_acknowledged(make_job(1, 1), 10s).value().accepted);
    CHECK(f.dispatch_acknowledged(make_job(1, 2), 10s).value().accepted);
    auto third = f.dispatch_acknowledged(make_job(1, 3), 10s).value();
    CHECK_FALSE(third.accepted);
    CHECK(third.reason == factory::discard_reason::rate_limited);
    CHECK(await_lines(log, "discard", 1) == std::vector<std::string>{"discard rate_limited k1 v3"});
    let_time_pass(sys, 60ms);
    CHECK(f.dispatch_acknowledged(make_job(1, 4), 10s).value().accepted);
    CHECK(stats_of(f).discarded_for(factory::discard_reason::rate_limited) == 1);
    await_lines(log, "done", 3);
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("queued jobs leave by priority, first in first out within one", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto spec = recorder_spec(log, 1, routing_mode::queuer);
    spec.priorities = 3;
    auto f = factory::spawn_factory(sys, std::move(spec));
    f.dispatch(make_job(0, 0, g));
    await_lines(log, "run", 1);
    auto with_priority = [](int value, std::uint8_t priority) {
        task_job j = make_job(0, value);
        j.options.priority = priority;
        return j;
    };
    f.dispatch(with_priority(1, 2));
    f.dispatch(with_priority(2, 9));  // past the last level: counts as the lowest
    f.dispatch(with_priority(3, 0));
    f.dispatch(with_priority(4, 1));
    f.dispatch(with_priority(5, 0));
    CHECK(stats_of(f).queue_depth == 5);
    open_gate(g);
    auto done = await_lines(log, "done", 6);
    CHECK(done == std::vector<std::string>{"done w0 k0 v0", "done w0 k0 v3", "done w0 k0 v5", "done w0 k0 v4",
                                           "done w0 k0 v1", "done w0 k0 v2"});
    f.actor().stop_and_wait();
}
