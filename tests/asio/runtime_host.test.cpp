// The asio runtime host: threads, nodes, tracing, entropy, and shutdown that never hangs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <ractor/asio_backend/recording_trace_sink.hpp>
#include <ractor/asio_backend/runtime_host.hpp>

#include "asio/asio_test_support.hpp"

using namespace ractor;
using namespace ractor::asio_backend;
using namespace ractor::asio_test;
using namespace std::chrono_literals;

TEST_CASE("a host runs as many threads as asked, or one per hardware thread", "[asio][host]") {
    runtime_host three{host_options{.threads = 3}};
    CHECK(three.threads() == 3);
    runtime_host defaulted{};
    CHECK(defaulted.threads() == std::max(1u, std::thread::hardware_concurrency()));
}

TEST_CASE("nodes of a host share its roles and have their own ids", "[asio][host]") {
    runtime_host host{host_options{.threads = 1, .batch_budget = 8}};
    runtime& a = host.add_node("a");
    runtime& b = host.add_node("b");
    CHECK(a.node_id == 1);
    CHECK(b.node_id == 2);
    CHECK(&a.executor == &b.executor);
    CHECK(&a.clock == &b.clock);
    CHECK(a.batch_budget == 8);
    CHECK(a.trace == nullptr);
}

TEST_CASE("a tracing host records each node's events", "[asio][host]") {
    runtime_host host{host_options{.threads = 1, .trace = true}};
    runtime& a = host.add_node("a");
    runtime& b = host.add_node("b");
    REQUIRE(a.trace != nullptr);
    REQUIRE(b.trace != a.trace);
    std::string text = "hello";
    a.trace->record(trace_event{.kind = trace_kind::user, .actor = 7, .value = 3, .text = text});
    text = "overwritten";  // the sink keeps its own copy
    auto* sink = dynamic_cast<recording_trace_sink*>(a.trace);
    REQUIRE(sink != nullptr);
    const auto events = sink->events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == trace_kind::user);
    CHECK(events[0].actor == 7);
    CHECK(events[0].value == 3);
    CHECK(events[0].text == "hello");
    CHECK(dynamic_cast<recording_trace_sink*>(b.trace)->size() == 0);
    sink->clear();
    CHECK(sink->size() == 0);
}

TEST_CASE("entropy differs between calls and threads", "[asio][host]") {
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    std::mutex mutex;
    std::set<std::uint64_t> seen;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            std::vector<std::uint64_t> mine;
            for (int i = 0; i < 1000; ++i) mine.push_back(rt.entropy.next_u64());
            std::lock_guard<std::mutex> lock(mutex);
            seen.insert(mine.begin(), mine.end());
        });
    }
    for (auto& t : threads) t.join();
    CHECK(seen.size() == 4000);  // 64-bit collisions: practically impossible
}

TEST_CASE("shutdown interrupts parked work and drops queued runnables without hanging",
          "[asio][host]") {
    std::atomic<bool> go{false};
    std::atomic<bool> dropped_ran{false};
    std::atomic<bool> after_ran{false};
    std::optional<wake_reason> parked_woke;
    std::optional<wake_reason> thread_woke;
    event_count parked;
    event_count busy;
    fn_runnable parker;
    fn_runnable blocker;
    std::deque<fn_runnable> dropped(5);
    fn_runnable after;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");

    parker.set([&](std::size_t) {
        const park_token t = rt.executor.prepare_park();
        parked.add();
        parked_woke = rt.executor.park(t, std::nullopt);
    });
    // Keeps the only worker busy so the runnables behind it stay queued, until the stop began.
    blocker.set([&](std::size_t) {
        busy.add();
        while (!go.load()) std::this_thread::yield();
    });
    for (auto& d : dropped) d.set([&](std::size_t) { dropped_ran = true; });
    after.set([&](std::size_t) { after_ran = true; });

    rt.executor.schedule(parker);
    REQUIRE(parked.wait_for(1));
    rt.executor.schedule(blocker);
    REQUIRE(busy.wait_for(1));
    for (auto& d : dropped) rt.executor.schedule(d);

    // A thread parked outside the host is interrupted by the stop, which releases the blocker:
    // by then the host is stopping, so the queued runnables are dropped, not run.
    std::thread outside([&] {
        const park_token t = rt.executor.prepare_park();
        thread_woke = rt.executor.park(t, rt.clock.now() + patience);
        go = true;
    });
    std::thread stopper([&] { host.shutdown(); });
    stopper.join();
    outside.join();

    CHECK(thread_woke == wake_reason::interrupted);
    CHECK(parked_woke == wake_reason::interrupted);
    CHECK_FALSE(dropped_ran.load());

    // Stopped: scheduling is ignored, parks end at once, shutdown is idempotent.
    rt.executor.schedule(after);
    const park_token t = rt.executor.prepare_park();
    CHECK(rt.executor.park(t, std::nullopt) == wake_reason::interrupted);
    host.shutdown();
    CHECK_FALSE(after_ran.load());
}

TEST_CASE("destroying a host with many parked fibers and pending timers ends them",
          "[asio][host]") {
    const unsigned threads = GENERATE(1u, 2u);
    constexpr std::size_t n = 50;
    std::atomic<std::size_t> interrupted{0};
    std::atomic<bool> timer_fired{false};
    event_count parked;
    std::deque<fn_runnable> rs(n);
    auto capture = std::make_shared<int>(1);
    const std::weak_ptr<int> watch = capture;
    {
        runtime_host host{host_options{.threads = threads}};
        runtime& rt = host.add_node("n");
        for (auto& r : rs) {
            r.set([&](std::size_t) {
                const park_token t = rt.executor.prepare_park();
                parked.add();
                if (rt.executor.park(t, rt.clock.now() + 1h) == wake_reason::interrupted) {
                    ++interrupted;
                }
            });
        }
        for (auto& r : rs) rt.executor.schedule(r);
        rt.clock.start_timer(rt.clock.now() + 1h,
                             [&, held = std::move(capture)] { timer_fired = true; });
        REQUIRE(parked.wait_for(n));
    }
    CHECK(interrupted.load() == n);
    CHECK_FALSE(timer_fired.load());
    CHECK(watch.expired());  // the pending timer's callback went with the host
}

TEST_CASE("a hundred hosts come and go", "[asio][host]") {
    const unsigned threads = GENERATE(1u, 2u);
    std::size_t ran = 0;
    for (int i = 0; i < 100; ++i) {
        event_count done;
        fn_runnable r([&](std::size_t) { done.add(); });
        runtime_host host{host_options{.threads = threads}};
        runtime& rt = host.add_node("n");
        rt.executor.schedule(r);
        rt.clock.start_timer(rt.clock.now(), [&] { done.add(); });
        if (done.wait_for(2)) ++ran;
    }
    CHECK(ran == 100);
}

TEST_CASE("a host with no work shuts down at once, twice over", "[asio][host]") {
    runtime_host host{host_options{.threads = 2}};
    host.shutdown();
    host.shutdown();
    CHECK(host.threads() == 2);
}
