// The asio backend's clock: steady time and timers started and cancelled from any thread.
#include <catch2/catch.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <ractor/asio_backend/runtime_host.hpp>

#include "asio/asio_test_support.hpp"

using namespace ractor;
using namespace ractor::asio_backend;
using namespace ractor::asio_test;
using namespace std::chrono_literals;

TEST_CASE("the clock reads steady time", "[asio][clock]") {
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    const time_point a = rt.clock.now();
    const time_point b = rt.clock.now();
    CHECK(b >= a);
    CHECK(a.time_since_epoch() > duration::zero());
}

TEST_CASE("a timer fires once on a worker thread and lets go of its callback",
          "[asio][clock]") {
    const unsigned threads = GENERATE(1u, 2u);
    std::thread::id fired_on{};
    time_point fired_at{};
    event_count fired;
    event_count later;
    auto capture = std::make_shared<int>(1);
    const std::weak_ptr<int> watch = capture;
    runtime_host host{host_options{.threads = threads}};
    runtime& rt = host.add_node("n");
    const time_point at = rt.clock.now() + 2ms;
    const timer_id id = rt.clock.start_timer(at, [&, held = std::move(capture)] {
        fired_on = std::this_thread::get_id();
        fired_at = rt.clock.now();
        fired.add();
    });
    CHECK(id != 0);
    REQUIRE(fired.wait_for(1));
    CHECK(fired_on != std::this_thread::get_id());
    CHECK(fired_at >= at);
    CHECK_FALSE(rt.clock.cancel_timer(id));  // fired already
    if (threads == 1) {
        // A later timer of the same worker fires after the first one's callback was destroyed.
        rt.clock.start_timer(rt.clock.now() + 1ms, [&] { later.add(); });
        REQUIRE(later.wait_for(1));
        CHECK(watch.expired());
    }
}

TEST_CASE("timers of one worker fire in deadline order", "[asio][clock]") {
    std::mutex mutex;
    std::vector<int> order;
    event_count fired;
    fn_runnable starter;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    starter.set([&](std::size_t) {
        const time_point now = rt.clock.now();
        for (int i : {3, 1, 4, 2}) {
            rt.clock.start_timer(now + i * 1ms, [&, i] {
                std::lock_guard<std::mutex> lock(mutex);
                order.push_back(i);
                fired.add();
            });
        }
    });
    rt.executor.schedule(starter);
    REQUIRE(fired.wait_for(4));
    std::lock_guard<std::mutex> lock(mutex);
    CHECK(order == std::vector<int>{1, 2, 3, 4});
}

TEST_CASE("a cancelled timer never fires and lets go of its callback", "[asio][clock]") {
    std::atomic<bool> cancelled_fired{false};
    event_count sentinel;
    auto capture = std::make_shared<int>(1);
    const std::weak_ptr<int> watch = capture;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    const time_point now = rt.clock.now();
    const timer_id doomed =
        rt.clock.start_timer(now + 5ms, [&, held = std::move(capture)] { cancelled_fired = true; });
    CHECK_FALSE(watch.expired());
    // One worker fires its timers in deadline order: once the later sentinel has fired, the
    // cancelled timer would have fired before it.
    rt.clock.start_timer(now + 10ms, [&] { sentinel.add(); });
    CHECK(rt.clock.cancel_timer(doomed));
    CHECK(watch.expired());
    CHECK_FALSE(rt.clock.cancel_timer(doomed));
    REQUIRE(sentinel.wait_for(1));
    CHECK_FALSE(cancelled_fired.load());
    CHECK_FALSE(rt.clock.cancel_timer(0));
    CHECK_FALSE(rt.clock.cancel_timer(987654321));
}

TEST_CASE("timers started and cancelled from many threads fire exactly when not cancelled",
          "[asio][clock]") {
    const unsigned threads = GENERATE(1u, 2u);
    constexpr std::size_t per_thread = 500;
    std::deque<std::atomic<int>> fired_count(4 * per_thread);
    std::vector<timer_id> ids(4 * per_thread);
    std::vector<char> cancelled(4 * per_thread, 0);
    event_count fired;
    event_count sentinel;
    event_count second;
    runtime_host host{host_options{.threads = threads}};
    runtime& rt = host.add_node("n");
    std::vector<std::thread> starters;
    for (std::size_t t = 0; t < 4; ++t) {
        starters.emplace_back([&, t] {
            for (std::size_t i = t * per_thread; i < (t + 1) * per_thread; ++i) {
                const auto delay = std::chrono::microseconds(50 * (i % 40));
                ids[i] = rt.clock.start_timer(rt.clock.now() + delay, [&, i] {
                    fired_count[i].fetch_add(1);
                    fired.add();
                });
            }
        });
    }
    for (auto& s : starters) s.join();
    // Cancel every other timer from other threads than the ones that started them, racing
    // with the timers firing.
    std::vector<std::thread> cancellers;
    for (std::size_t t = 0; t < 4; ++t) {
        cancellers.emplace_back([&, t] {
            const std::size_t from = ((t + 1) % 4) * per_thread;
            for (std::size_t i = from; i < from + per_thread; i += 2) {
                cancelled[i] = rt.clock.cancel_timer(ids[i]) ? 1 : 0;
            }
        });
    }
    for (auto& c : cancellers) c.join();
    std::size_t expected = 0;
    for (char c : cancelled) expected += c ? 0 : 1;
    REQUIRE(fired.wait_for(expected));
    // A sentinel after every deadline: once it fired, no cancelled timer can still fire.
    rt.clock.start_timer(rt.clock.now() + 5ms, [&] { sentinel.add(); });
    REQUIRE(sentinel.wait_for(1));
    if (threads == 2) {
        // The sentinel ran on one worker; a second one covers the other.
        rt.clock.start_timer(rt.clock.now() + 5ms, [&] { second.add(); });
        REQUIRE(second.wait_for(1));
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
        CHECK(fired_count[i].load() == (cancelled[i] ? 0 : 1));
    }
    CHECK(fired.count() == expected);
}

TEST_CASE("a timer started in a timer callback fires too", "[asio][clock]") {
    event_count fired;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    rt.clock.start_timer(rt.clock.now() + 1ms, [&] {
        fired.add();
        rt.clock.start_timer(rt.clock.now() + 1ms, [&] { fired.add(); });
    });
    REQUIRE(fired.wait_for(2));
    CHECK(fired.count() == 2);
}

TEST_CASE("a timer callback that throws does not stop its thread", "[asio][clock]") {
    event_count fired;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    const time_point now = rt.clock.now();
    rt.clock.start_timer(now + 1ms, [] { throw std::runtime_error("timer failure"); });
    rt.clock.start_timer(now + 2ms, [&] { fired.add(); });
    REQUIRE(fired.wait_for(1));
    CHECK(fired.count() == 1);
}

TEST_CASE("the id of a fired or cancelled timer never cancels a later one", "[asio][clock]") {
    // A worker reuses the storage of finished timers: an old id must not name the new timer.
    event_count fired;
    event_count later;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    const timer_id first = rt.clock.start_timer(rt.clock.now() + 1ms, [&] { fired.add(); });
    REQUIRE(fired.wait_for(1));
    const timer_id cancelled = rt.clock.start_timer(rt.clock.now() + 1h, [] {});
    CHECK(rt.clock.cancel_timer(cancelled));
    const timer_id second = rt.clock.start_timer(rt.clock.now() + 2ms, [&] { later.add(); });
    CHECK(second != first);
    CHECK(second != cancelled);
    CHECK_FALSE(rt.clock.cancel_timer(first));
    CHECK_FALSE(rt.clock.cancel_timer(cancelled));
    REQUIRE(later.wait_for(1));
    CHECK(later.count() == 1);
}

TEST_CASE("many timers due at once all fire, equal deadlines in start order", "[asio][clock]") {
    // More than one batch of due timers: the worker fires them between runnables.
    constexpr int n = 1000;
    std::mutex mutex;
    std::vector<int> order;
    event_count fired;
    fn_runnable starter;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    starter.set([&](std::size_t) {
        const time_point at = rt.clock.now() + 2ms;
        for (int i = 0; i < n; ++i) {
            rt.clock.start_timer(at, [&, i] {
                std::lock_guard<std::mutex> lock(mutex);
                order.push_back(i);
                fired.add();
            });
        }
    });
    rt.executor.schedule(starter);
    REQUIRE(fired.wait_for(n));
    std::vector<int> expected(n);
    for (int i = 0; i < n; ++i) expected[static_cast<std::size_t>(i)] = i;
    std::lock_guard<std::mutex> lock(mutex);
    CHECK(order == expected);
}
