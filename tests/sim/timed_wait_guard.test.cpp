// Timed waits inside a simulation abort the process loudly; outside a step they still work.

#include <catch2/catch.hpp>

#include <time.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/future.hpp>
#include <boost/fiber/mutex.hpp>
#include <boost/fiber/operations.hpp>

#include <ractor/sim/world.hpp>

#include "sim/sim_test_support.hpp"

using namespace std::chrono_literals;
using ractor::sim::world;
namespace t = ractor::sim::test;

namespace {

constexpr const char* timed_wait_text =
    "ractor::sim: timed wait inside the simulator breaks determinism; use the runtime clock";

// Forks a child that runs `wait` inside a runnable of a fresh world.
t::child_result wait_inside_world(std::function<void()> wait) {
    return t::run_in_child([&] {
        t::runnables rs;
        world w(1);
        auto& rt = w.add_node("a");
        rt.executor.schedule(rs.add([&](std::size_t) { wait(); }));
        w.run();
    });
}

}  // namespace

TEST_CASE("sim: wall-clock sleeps inside a step abort the process", "[sim][guard]") {
    std::function<void()> wait;
    SECTION("std::this_thread::sleep_for") { wait = [] { std::this_thread::sleep_for(1ms); }; }
    SECTION("std::this_thread::sleep_until") {
        wait = [] { std::this_thread::sleep_until(std::chrono::steady_clock::now() + 1ms); };
    }
    SECTION("nanosleep") {
        wait = [] {
            const timespec req{0, 1'000'000};
            ::nanosleep(&req, nullptr);
        };
    }
    SECTION("clock_nanosleep") {
        wait = [] {
            const timespec req{0, 1'000'000};
            ::clock_nanosleep(CLOCK_MONOTONIC, 0, &req, nullptr);
        };
    }
    SECTION("usleep") { wait = [] { ::usleep(1000); }; }
    SECTION("sleep") { wait = [] { ::sleep(1); }; }
    const t::child_result child = wait_inside_world(wait);
    INFO("child stderr: " << child.err);
    CHECK(child.aborted());
    CHECK(child.err.find(timed_wait_text) != std::string::npos);
}

TEST_CASE("sim: timed Boost.Fiber waits inside a step abort the process", "[sim][guard]") {
    std::function<void()> wait;
    SECTION("boost::this_fiber::sleep_for") { wait = [] { boost::this_fiber::sleep_for(1ms); }; }
    SECTION("condition_variable::wait_for") {
        wait = [] {
            boost::fibers::mutex m;
            boost::fibers::condition_variable cv;
            std::unique_lock<boost::fibers::mutex> lock(m);
            cv.wait_for(lock, 1ms);
        };
    }
    SECTION("future::wait_for") {
        wait = [] {
            boost::fibers::promise<int> p;
            p.get_future().wait_for(1ms);
        };
    }
    const t::child_result child = wait_inside_world(wait);
    INFO("child stderr: " << child.err);
    CHECK(child.aborted());
    CHECK(child.err.find(timed_wait_text) != std::string::npos);
}

TEST_CASE("sim: an untimed Boost.Fiber wait nothing can end aborts instead of hanging",
          "[sim][guard]") {
    const t::child_result child = wait_inside_world([] {
        boost::fibers::mutex m;
        boost::fibers::condition_variable cv;
        std::unique_lock<boost::fibers::mutex> lock(m);
        cv.wait(lock);
    });
    INFO("child stderr: " << child.err);
    CHECK(child.aborted());
    CHECK(child.err.find("ractor::sim: a fiber blocked in a Boost.Fiber wait") !=
          std::string::npos);
}

TEST_CASE("sim: the same child without a sleep exits normally", "[sim][guard]") {
    const t::child_result child = wait_inside_world([] {
        std::this_thread::sleep_for(0ms);  // zero-length: no clock is read
        std::this_thread::yield();
    });
    INFO("child stderr: " << child.err);
    CHECK(child.exited_ok());
    CHECK(child.err.empty());
}

TEST_CASE("sim: code outside the steps may sleep on the world's thread", "[sim][guard]") {
    t::runnables rs;
    world w(1);
    auto& rt = w.add_node("a");
    int runs = 0;
    rt.executor.schedule(rs.add([&](std::size_t) { ++runs; }));
    w.run();
    const auto before = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(2ms);
    const timespec req{0, 1'000'000};
    CHECK(::nanosleep(&req, nullptr) == 0);
    boost::this_fiber::sleep_for(2ms);
    CHECK(std::chrono::steady_clock::now() - before >= 5ms);
    rt.executor.schedule(rs.add([&](std::size_t) { ++runs; }));
    w.run();
    CHECK(runs == 2);
}

TEST_CASE("sim: other threads may sleep while a world runs", "[sim][guard]") {
    t::runnables rs;
    world w(1);
    auto& rt = w.add_node("a");
    bool slept = false;
    rt.executor.schedule(rs.add([&](std::size_t) {
        std::thread other([&] {
            std::this_thread::sleep_for(1ms);
            boost::this_fiber::sleep_for(1ms);
            slept = true;
        });
        other.join();
    }));
    w.run();
    CHECK(slept);
}
