// Creating and destroying worlds: repeatedly, with work left over, beside other fibers.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>

#include <ractor/sim/world.hpp>

#include "sim/sim_test_support.hpp"

using namespace std::chrono_literals;
using ractor::park_token;
using ractor::time_point;
using ractor::wake_reason;
using ractor::sim::world;
namespace t = ractor::sim::test;

namespace {

// A small program with parks, unparks and timers; returns how many runnables finished.
int run_small_program(world& w) {
    auto& rt = w.add_node("a");
    t::runnables rs;
    int finished = 0;
    park_token shared;
    for (int i = 0; i < 8; ++i) {
        rt.executor.schedule(rs.add([&](std::size_t) {
            rt.executor.unpark(shared);
            shared = rt.executor.prepare_park();
            rt.executor.park(shared, rt.clock.now() + 10ms);
            ++finished;
        }));
    }
    w.run();
    return finished;
}

}  // namespace

TEST_CASE("sim: 200 worlds are created, run and destroyed in a row", "[sim][lifecycle]") {
    std::uint64_t previous_hash = 0;
    int distinct = 0;
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        world w(seed);
        REQUIRE(run_small_program(w) == 8);
        distinct += w.trace_hash() != previous_hash ? 1 : 0;
        previous_hash = w.trace_hash();
    }
    CHECK(distinct > 1);
}

TEST_CASE("sim: destroying a world interrupts fibers that are still parked", "[sim][lifecycle]") {
    t::runnables rs;  // outlives the world
    std::vector<wake_reason> reasons;
    bool finished = false;
    {
        world w(1);
        auto& rt = w.add_node("a");
        rt.executor.schedule(rs.add([&](std::size_t) {
            park_token token = rt.executor.prepare_park();
            reasons.push_back(rt.executor.park(token, std::nullopt));
            // Code that parks again while unwinding gets `interrupted` at once.
            token = rt.executor.prepare_park();
            reasons.push_back(rt.executor.park(token, rt.clock.now() + 1h));
            rt.executor.yield();
            finished = true;
        }));
        w.run();
        REQUIRE(reasons.empty());
        REQUIRE_FALSE(finished);
    }
    CHECK(reasons == std::vector<wake_reason>{wake_reason::interrupted, wake_reason::interrupted});
    CHECK(finished);
}

TEST_CASE("sim: destroying a world resumes fibers unparked but not yet run, drops runnables",
          "[sim][lifecycle]") {
    t::runnables rs;
    std::optional<wake_reason> woke;
    int never = 0;
    {
        world w(1);
        auto& rt = w.add_node("a");
        park_token token;
        rt.executor.schedule(rs.add([&](std::size_t) {
            token = rt.executor.prepare_park();
            woke = rt.executor.park(token, std::nullopt);
        }));
        REQUIRE(w.step());
        REQUIRE(rt.executor.unpark(token, wake_reason::unparked));
        rt.executor.schedule(rs.add([&](std::size_t) { ++never; }));
    }
    CHECK(woke == wake_reason::unparked);
    CHECK(never == 0);
}

TEST_CASE("sim: destroying a world with many parked fibers and pending timers",
          "[sim][lifecycle]") {
    t::runnables rs;
    int interrupted = 0;
    {
        world w(3);
        auto& rt = w.add_node("a");
        for (int i = 0; i < 100; ++i) {
            rt.executor.schedule(rs.add([&](std::size_t) {
                const park_token token = rt.executor.prepare_park();
                interrupted += rt.executor.park(token, rt.clock.now() + 1h) ==
                                       wake_reason::interrupted
                                   ? 1
                                   : 0;
            }));
        }
        w.run_for(1s);
        REQUIRE(interrupted == 0);
    }
    CHECK(interrupted == 100);
}

TEST_CASE("sim: two worlds on one thread run interleaved", "[sim][lifecycle]") {
    world a(1);
    t::runnables rs;
    world b(1);
    auto& ra = a.add_node("a");
    auto& rb = b.add_node("a");
    std::vector<int> log;
    park_token ta;
    ra.executor.schedule(rs.add([&](std::size_t) {
        ta = ra.executor.prepare_park();
        log.push_back(1);
        ra.executor.park(ta, std::nullopt);
        log.push_back(3);
    }));
    rb.executor.schedule(rs.add([&](std::size_t) { log.push_back(2); }));
    a.run();
    b.run();
    CHECK(ra.executor.unpark(ta));
    a.run();
    CHECK(log == std::vector<int>{1, 2, 3});
    CHECK(a.steps() == 2);
    CHECK(b.steps() == 1);
}

TEST_CASE("sim: worlds coexist with Boost.Fiber schedulers on other threads", "[sim][lifecycle]") {
    std::atomic<int> fibers_done{0};
    std::thread fiber_thread([&] {
        std::vector<boost::fibers::fiber> fibers;
        for (int i = 0; i < 4; ++i) {
            fibers.emplace_back([&] {
                for (int k = 0; k < 5; ++k) {
                    boost::this_fiber::sleep_for(1ms);
                    boost::this_fiber::yield();
                }
                ++fibers_done;
            });
        }
        for (auto& f : fibers) {
            f.join();
        }
    });
    std::thread other_world([&] {
        for (std::uint64_t seed = 0; seed < 20; ++seed) {
            world w(seed);
            run_small_program(w);
        }
    });
    int total = 0;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        world w(seed);
        total += run_small_program(w);
    }
    fiber_thread.join();
    other_world.join();
    CHECK(total == 20 * 8);
    CHECK(fibers_done == 4);
}

TEST_CASE("sim: worlds on different threads with the same seed agree", "[sim][lifecycle]") {
    std::uint64_t here = 0;
    std::uint64_t there = 0;
    std::thread other([&] {
        world w(77);
        run_small_program(w);
        there = w.trace_hash();
    });
    {
        world w(77);
        run_small_program(w);
        here = w.trace_hash();
    }
    other.join();
    CHECK(here == there);
}
