// The simulator's executor role, driven by hand-written runnables.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <ractor/sim/world.hpp>

#include "sim/sim_test_support.hpp"

using namespace std::chrono_literals;
using ractor::park_token;
using ractor::time_point;
using ractor::wake_reason;
using ractor::sim::world;
using ractor::sim::world_options;
namespace t = ractor::sim::test;

namespace {

std::size_t count_kind(const world& w, ractor::trace_kind kind) {
    std::size_t n = 0;
    for (const auto& e : w.events()) {
        n += e.kind == kind ? 1 : 0;
    }
    return n;
}

}  // namespace

TEST_CASE("sim: runnables run one per step with the world's batch budget", "[sim][executor]") {
    t::runnables rs;
    world w(1, world_options{.batch_budget = 7});
    auto& rt = w.add_node("a");
    std::vector<std::size_t> budgets;
    for (int i = 0; i < 3; ++i) {
        rt.executor.schedule(rs.add([&](std::size_t b) { budgets.push_back(b); }));
    }
    REQUIRE(rt.batch_budget == 7);
    REQUIRE(w.step());
    REQUIRE(budgets.size() == 1);
    w.run();
    CHECK(budgets == std::vector<std::size_t>{7, 7, 7});
    CHECK(w.steps() == 3);
    CHECK_FALSE(w.step());
    CHECK(w.steps() == 3);
    CHECK(w.now() == time_point{});
}

TEST_CASE("sim: a runnable may schedule another and itself again", "[sim][executor]") {
    t::runnables rs;
    world w(2);
    auto& rt = w.add_node("a");
    int runs = 0;
    int other = 0;
    auto& b = rs.add([&](std::size_t) { ++other; });
    ractor::runnable* self = nullptr;
    auto& a = rs.add([&](std::size_t) {
        if (++runs < 5) {
            rt.executor.schedule(*self);
        }
        if (runs == 1) {
            rt.executor.schedule(b);
        }
    });
    self = &a;
    rt.executor.schedule(a);
    w.run();
    CHECK(runs == 5);
    CHECK(other == 1);
    CHECK(w.steps() == 6);
}

TEST_CASE("sim: a parked runnable resumes when another unparks it", "[sim][executor]") {
    t::runnables rs;
    world w(3);
    auto& rt = w.add_node("a");
    park_token token;
    std::optional<wake_reason> woke;
    std::vector<bool> unpark_results;
    auto& waker = rs.add([&](std::size_t) {
        unpark_results.push_back(rt.executor.unpark(token, wake_reason::unparked));
        unpark_results.push_back(rt.executor.unpark(token, wake_reason::interrupted));
    });
    auto& sleeper = rs.add([&](std::size_t) {
        token = rt.executor.prepare_park();
        rt.executor.schedule(waker);
        woke = rt.executor.park(token, std::nullopt);
    });
    rt.executor.schedule(sleeper);
    w.run();
    REQUIRE(woke.has_value());
    CHECK(*woke == wake_reason::unparked);
    CHECK(unpark_results == std::vector<bool>{true, false});
    CHECK(w.steps() == 3);  // sleeper, waker, resumed sleeper
    CHECK(count_kind(w, ractor::trace_kind::park) == 1);
    CHECK(count_kind(w, ractor::trace_kind::wake) == 1);
    CHECK_FALSE(rt.executor.unpark(token, wake_reason::unparked));
}

TEST_CASE("sim: unpark before park makes park return at once", "[sim][executor]") {
    t::runnables rs;
    world w(4);
    auto& rt = w.add_node("a");
    std::optional<wake_reason> woke;
    bool first_unpark = false;
    rt.executor.schedule(rs.add([&](std::size_t) {
        const park_token token = rt.executor.prepare_park();
        first_unpark = rt.executor.unpark(token, wake_reason::interrupted);
        woke = rt.executor.park(token, rt.clock.now() + 1s);
    }));
    w.run();
    CHECK(first_unpark);
    REQUIRE(woke.has_value());
    CHECK(*woke == wake_reason::interrupted);
    CHECK(w.steps() == 1);
    CHECK(count_kind(w, ractor::trace_kind::park) == 0);
    CHECK(w.now() == time_point{});  // no deadline timer was started
}

TEST_CASE("sim: stale tokens are ignored", "[sim][executor]") {
    t::runnables rs;
    world w(5);
    auto& rt = w.add_node("a");
    std::vector<bool> results;
    std::optional<wake_reason> woke;
    rt.executor.schedule(rs.add([&](std::size_t) {
        const park_token first = rt.executor.prepare_park();
        const park_token second = rt.executor.prepare_park();
        results.push_back(rt.executor.unpark(first, wake_reason::unparked));  // re-armed: stale
        results.push_back(rt.executor.unpark(park_token{}, wake_reason::unparked));
        results.push_back(rt.executor.unpark(park_token{second.waiter, second.epoch + 1},
                                             wake_reason::unparked));
        results.push_back(rt.executor.unpark(second, wake_reason::unparked));
        woke = rt.executor.park(second, std::nullopt);
        results.push_back(rt.executor.unpark(second, wake_reason::unparked));  // park ended
        CHECK(first.waiter == second.waiter);
        CHECK(second.epoch == first.epoch + 1);
    }));
    w.run();
    CHECK(results == std::vector<bool>{false, false, false, true, false});
    CHECK(woke == wake_reason::unparked);
}

TEST_CASE("sim: a park deadline times out at exactly the virtual deadline", "[sim][executor]") {
    t::runnables rs;
    world w(6);
    auto& rt = w.add_node("a");
    const time_point deadline = time_point{} + 1500ms;
    std::optional<wake_reason> woke;
    time_point woke_at{};
    rt.executor.schedule(rs.add([&](std::size_t) {
        const park_token token = rt.executor.prepare_park();
        woke = rt.executor.park(token, deadline);
        woke_at = rt.clock.now();
        CHECK_FALSE(rt.executor.unpark(token, wake_reason::unparked));
    }));
    w.run();
    CHECK(woke == wake_reason::timed_out);
    CHECK(woke_at == deadline);
    CHECK(w.now() == deadline);
    CHECK(w.steps() == 3);  // run, fire the deadline timer, resume
    CHECK(count_kind(w, ractor::trace_kind::timer) == 1);
}

TEST_CASE("sim: an unpark before the deadline cancels the deadline timer", "[sim][executor]") {
    t::runnables rs;
    world w(7);
    auto& rt = w.add_node("a");
    std::optional<wake_reason> woke;
    park_token token;
    rt.executor.schedule(rs.add([&](std::size_t) {
        token = rt.executor.prepare_park();
        rt.clock.start_timer(time_point{} + 1s,
                             [&] { CHECK(rt.executor.unpark(token, wake_reason::unparked)); });
        woke = rt.executor.park(token, time_point{} + 5s);
    }));
    w.run();
    CHECK(woke == wake_reason::unparked);
    CHECK(w.now() == time_point{} + 1s);  // the 5 s deadline never fired
    CHECK(count_kind(w, ractor::trace_kind::timer) == 1);
}

TEST_CASE("sim: a deadline that already passed times out without parking", "[sim][executor]") {
    t::runnables rs;
    world w(8);
    auto& rt = w.add_node("a");
    std::optional<wake_reason> woke;
    w.run_for(2s);
    rt.executor.schedule(rs.add([&](std::size_t) {
        const park_token token = rt.executor.prepare_park();
        woke = rt.executor.park(token, time_point{} + 1s);
    }));
    w.run();
    CHECK(woke == wake_reason::timed_out);
    CHECK(w.now() == time_point{} + 2s);
    CHECK(w.steps() == 1);
}

TEST_CASE("sim: parking outside any worker fiber drives the world", "[sim][executor]") {
    t::runnables rs;
    world w(9);
    auto& rt = w.add_node("a");

    SECTION("until a runnable unparks the caller") {
        const park_token token = rt.executor.prepare_park();
        auto& r = rs.add([&](std::size_t) { CHECK(rt.executor.unpark(token)); });
        rt.clock.start_timer(time_point{} + 2s, [&] { rt.executor.schedule(r); });
        CHECK(rt.executor.park(token, std::nullopt) == wake_reason::unparked);
        CHECK(w.now() == time_point{} + 2s);
        CHECK(w.steps() == 2);
        CHECK_FALSE(rt.executor.unpark(token));
    }
    SECTION("until its deadline, leaving later timers pending") {
        int fired = 0;
        rt.clock.start_timer(time_point{} + 10s, [&] { ++fired; });
        const park_token token = rt.executor.prepare_park();
        CHECK(rt.executor.park(token, time_point{} + 3s) == wake_reason::timed_out);
        CHECK(w.now() == time_point{} + 3s);
        CHECK(fired == 0);
        w.run();
        CHECK(fired == 1);
    }
    SECTION("and throws deadlock_error when the world goes quiescent first") {
        int ran = 0;
        rt.executor.schedule(rs.add([&](std::size_t) { ++ran; }));
        const park_token token = rt.executor.prepare_park();
        try {
            rt.executor.park(token, std::nullopt);
            FAIL("park returned");
        } catch (const ractor::sim::deadlock_error& e) {
            const std::string what = e.what();
            CHECK(what.find("quiescent while the caller was still waiting") != std::string::npos);
            CHECK(what.find("1 steps") != std::string::npos);
        }
        CHECK(ran == 1);
        CHECK_FALSE(rt.executor.unpark(token));  // the failed park ended
    }
    SECTION("returning at once if it was unparked before") {
        const park_token token = rt.executor.prepare_park();
        CHECK(rt.executor.unpark(token, wake_reason::interrupted));
        CHECK(rt.executor.park(token, std::nullopt) == wake_reason::interrupted);
        CHECK(w.steps() == 0);
    }
}

TEST_CASE("sim: yield lets other ready work run first", "[sim][executor]") {
    t::runnables rs;
    world w(10);
    w.set_strategy(std::make_unique<t::fifo_strategy>());
    auto& rt = w.add_node("a");
    std::vector<std::string> order;
    rt.executor.schedule(rs.add([&](std::size_t) {
        order.push_back("a1");
        rt.executor.yield();
        order.push_back("a2");
    }));
    rt.executor.schedule(rs.add([&](std::size_t) { order.push_back("b"); }));
    w.run();
    CHECK(order == std::vector<std::string>{"a1", "b", "a2"});

    // On the main fiber, yield performs one step.
    rt.executor.schedule(rs.add([&](std::size_t) { order.push_back("c"); }));
    rt.executor.yield();
    CHECK(order.back() == "c");
}

TEST_CASE("sim: the strategy sees every candidate with stable ids", "[sim][executor]") {
    t::runnables rs;
    world w(11);
    std::vector<std::vector<ractor::sim::candidate>> log;
    w.set_strategy(std::make_unique<t::recording_strategy>(log));
    auto& a = w.add_node("a");
    auto& b = w.add_node("b");
    park_token token;
    auto& parker = rs.add([&](std::size_t) {
        token = a.executor.prepare_park();
        a.executor.park(token, std::nullopt);
    });
    auto& waker = rs.add([&](std::size_t) { b.executor.unpark(token); });
    a.executor.schedule(parker);
    b.executor.schedule(waker);
    w.run();
    using ractor::sim::candidate_kind;
    REQUIRE(log.size() == 3);
    REQUIRE(log[0].size() == 2);
    CHECK(log[0][0].kind == candidate_kind::runnable);
    CHECK(log[0][0].task == 1);
    CHECK(log[0][0].fiber == 0);
    CHECK(log[0][0].node == 1);
    CHECK(log[0][1].task == 2);
    CHECK(log[0][1].node == 2);
    REQUIRE(log[1].size() == 1);
    CHECK(log[1][0].task == 2);
    REQUIRE(log[2].size() == 1);
    CHECK(log[2][0].kind == candidate_kind::fiber);
    CHECK(log[2][0].task == 1);  // the same task, now continuing on its fiber
    CHECK(log[2][0].fiber == 1);
    CHECK(log[2][0].node == 1);
}

TEST_CASE("sim: a strategy returning an out-of-range index is an error", "[sim][executor]") {
    struct bad_strategy final : ractor::sim::scheduling_strategy {
        std::size_t pick(std::span<const ractor::sim::candidate> c) override { return c.size(); }
    };
    t::runnables rs;
    world w(12);
    w.set_strategy(std::make_unique<bad_strategy>());
    auto& rt = w.add_node("a");
    rt.executor.schedule(rs.add([](std::size_t) {}));
    CHECK_THROWS_AS(w.step(), std::logic_error);
    CHECK_THROWS_AS(w.set_strategy(nullptr), std::invalid_argument);
}

TEST_CASE("sim: timer callbacks may not park", "[sim][executor]") {
    world w(13);
    auto& rt = w.add_node("a");
    rt.clock.start_timer(time_point{} + 1s, [&] { rt.executor.prepare_park(); });
    CHECK_THROWS_AS(w.run(), std::logic_error);
}

TEST_CASE("sim: the step budget stops a livelock", "[sim][executor]") {
    t::runnables rs;
    world w(14, world_options{.max_steps = 5});
    auto& rt = w.add_node("a");
    ractor::runnable* self = nullptr;
    auto& spinner = rs.add([&](std::size_t) { rt.executor.schedule(*self); });
    self = &spinner;
    rt.executor.schedule(spinner);
    try {
        w.run();
        FAIL("run returned");
    } catch (const ractor::sim::step_budget_exceeded& e) {
        CHECK(std::string(e.what()).find("step budget of 5 steps") != std::string::npos);
    }
    CHECK(w.steps() == 5);
}

TEST_CASE("sim: 10,000 runnables parked on deadlines up to an hour finish on virtual time",
          "[sim][executor][perf]") {
#if defined(__SANITIZE_THREAD__)
    // ThreadSanitizer counts every fiber as a thread and stops at 8128 of them.
    constexpr int count = 5'000;
#else
    constexpr int count = 10'000;
#endif
    t::runnables rs;
    world w(15, world_options{.keep_events = false});
    auto& rt = w.add_node("a");
    int on_time = 0;
    int finished = 0;
    std::vector<ractor::runnable*> parkers;
    for (int i = 0; i < count; ++i) {
        parkers.push_back(&rs.add([&](std::size_t) {
            const auto offset = static_cast<std::int64_t>(
                rt.entropy.next_u64() % static_cast<std::uint64_t>(ractor::duration(1h).count()));
            const time_point deadline = rt.clock.now() + ractor::duration(offset);
            const park_token token = rt.executor.prepare_park();
            const wake_reason reason = rt.executor.park(token, deadline);
            on_time += reason == wake_reason::timed_out && rt.clock.now() == deadline ? 1 : 0;
            ++finished;
        }));
    }
    // The first wave creates the worker fibers; the second reuses them from the pool.
    std::vector<double> walls;
    for (int wave = 1; wave <= 2; ++wave) {
        const time_point start = w.now();
        for (auto* r : parkers) {
            rt.executor.schedule(*r);
        }
        const auto started = std::chrono::steady_clock::now();
        w.run();
        walls.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                            .count());
        CHECK(finished == wave * count);
        CHECK(on_time == wave * count);
        CHECK(w.now() - start <= ractor::duration(1h));
        CHECK(w.now() - start > ractor::duration(59min));
    }
    CHECK(w.steps() == 2 * 3 * count);
    WARN(count << " virtual-time parks: " << walls[0] << " s wall with new fibers ("
               << static_cast<long long>(count / walls[0]) << " parks/s), " << walls[1]
               << " s with pooled fibers (" << static_cast<long long>(count / walls[1])
               << " parks/s)");
}

TEST_CASE("sim: exceptions thrown and caught inside run() stay on the worker fiber",
          "[sim][executor]") {
    t::runnables rs;
    world w(16);
    auto& rt = w.add_node("a");
    std::vector<std::string> caught;
    for (int i = 0; i < 3; ++i) {
        rt.executor.schedule(rs.add([&, i](std::size_t) {
            try {
                const park_token token = rt.executor.prepare_park();
                rt.executor.park(token, rt.clock.now() + std::chrono::milliseconds(i + 1));
                throw std::runtime_error("handler " + std::to_string(i));
            } catch (const std::exception& e) {
                caught.emplace_back(e.what());
            }
        }));
    }
    w.run();
    CHECK(caught == std::vector<std::string>{"handler 0", "handler 1", "handler 2"});
}

TEST_CASE("sim: a world destroyed with runnables queued discards each once and runs none",
          "[sim][executor]") {
    /// Counts its runs and how often the world gave it up.
    struct counting final : ractor::runnable {
        int runs = 0;
        int discards = 0;
        void run(std::size_t) noexcept override { ++runs; }
        void discard() noexcept override { ++discards; }
    };
    std::vector<counting> rs(3);
    {
        world w(4);
        auto& rt = w.add_node("a");
        for (auto& r : rs) rt.executor.schedule(r);
    }
    for (const auto& r : rs) {
        CHECK(r.runs == 0);
        CHECK(r.discards == 1);
    }
}
