// The asio backend's executor, alone: hand-written runnables that run, park, unpark and yield.
#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <ractor/asio_backend/runtime_host.hpp>

#include "asio/asio_test_support.hpp"

using namespace ractor;
using namespace ractor::asio_backend;
using namespace ractor::asio_test;
using namespace std::chrono_literals;

TEST_CASE("runnables scheduled from main run on a worker thread with the host's budget",
          "[asio][executor]") {
    const unsigned threads = GENERATE(1u, 2u);
    constexpr std::size_t n = 8;
    std::array<std::size_t, n> budgets{};
    std::array<std::thread::id, n> ran_on{};
    event_count done;
    std::deque<fn_runnable> rs(n);
    runtime_host host{host_options{.threads = threads, .batch_budget = 17}};
    runtime& rt = host.add_node("n");
    for (std::size_t i = 0; i < n; ++i) {
        rs[i].set([&, i](std::size_t budget) {
            budgets[i] = budget;
            ran_on[i] = std::this_thread::get_id();
            done.add();
        });
    }
    for (auto& r : rs) rt.executor.schedule(r);
    REQUIRE(done.wait_for(n));
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(budgets[i] == 17);
        CHECK(ran_on[i] != std::this_thread::get_id());
    }
    CHECK(rt.batch_budget == 17);
}

TEST_CASE("a runnable scheduled from a worker runs too", "[asio][executor]") {
    const unsigned threads = GENERATE(1u, 2u);
    std::thread::id second_on{};
    event_count done;
    fn_runnable second;
    fn_runnable first;
    runtime_host host{host_options{.threads = threads}};
    runtime& rt = host.add_node("n");
    second.set([&](std::size_t) {
        second_on = std::this_thread::get_id();
        done.add();
    });
    first.set([&](std::size_t) { rt.executor.schedule(second); });
    rt.executor.schedule(first);
    REQUIRE(done.wait_for(1));
    CHECK(second_on != std::this_thread::get_id());
}

namespace {

/// Counts its runs and notices two runs overlapping.
class counted_runnable final : public runnable {
public:
    void run(std::size_t) noexcept override {
        if (running_.fetch_add(1) != 0) overlapped_ = true;
        runs_.fetch_add(1);
        running_.fetch_sub(1);
        done_->add();
        queued_.store(false);  // last: from here on it may be scheduled again
    }

    event_count* done_ = nullptr;
    std::atomic<bool> queued_{false};
    std::atomic<std::size_t> runs_{0};
    std::atomic<int> running_{0};
    std::atomic<bool> overlapped_{false};
};

/// Runs `left` times by scheduling itself again at the end of each run.
class chain_runnable final : public runnable {
public:
    void run(std::size_t) noexcept override {
        runs_.fetch_add(1);
        done_->add();
        if (--left_ > 0) executor_->schedule(*this);
    }

    executor* executor_ = nullptr;
    event_count* done_ = nullptr;
    std::size_t left_ = 0;
    std::atomic<std::size_t> runs_{0};
};

}  // namespace

TEST_CASE("runnables scheduled from four threads run exactly once per schedule",
          "[asio][executor]") {
    const unsigned threads = GENERATE(1u, 2u);
    constexpr std::size_t per_thread = 64;
    constexpr std::size_t rounds = 100;
    constexpr std::size_t chains = 16;
    constexpr std::size_t chain_length = 500;
    event_count done;
    std::deque<counted_runnable> counted(4 * per_thread);
    std::deque<chain_runnable> chained(chains);
    std::vector<std::size_t> scheduled(counted.size(), 0);
    runtime_host host{host_options{.threads = threads}};
    runtime& rt = host.add_node("n");
    for (auto& c : counted) c.done_ = &done;
    for (auto& c : chained) {
        c.done_ = &done;
        c.executor_ = &rt.executor;
        c.left_ = chain_length;
    }
    for (auto& c : chained) rt.executor.schedule(c);

    std::vector<std::thread> schedulers;
    for (std::size_t t = 0; t < 4; ++t) {
        schedulers.emplace_back([&, t] {
            for (std::size_t round = 0; round < rounds; ++round) {
                for (std::size_t i = t * per_thread; i < (t + 1) * per_thread; ++i) {
                    if (!counted[i].queued_.exchange(true)) {
                        ++scheduled[i];
                        rt.executor.schedule(counted[i]);
                    }
                }
            }
        });
    }
    for (auto& s : schedulers) s.join();
    std::size_t total = chains * chain_length;
    for (std::size_t s : scheduled) total += s;
    REQUIRE(done.wait_for(total));
    CHECK(done.count() == total);
    for (std::size_t i = 0; i < counted.size(); ++i) {
        CHECK(counted[i].runs_.load() == scheduled[i]);
        CHECK_FALSE(counted[i].overlapped_.load());
    }
    for (auto& c : chained) CHECK(c.runs_.load() == chain_length);
}

TEST_CASE("an idle thread steals runnables queued behind a busy one", "[asio][executor]") {
    constexpr std::size_t n = 4;
    std::array<std::thread::id, n> ran_on{};
    std::thread::id busy_on{};
    bool all_ran_while_busy = false;
    event_count ran;
    event_count done;
    std::deque<fn_runnable> queued(n);
    fn_runnable busy;
    runtime_host host{host_options{.threads = 2}};
    runtime& rt = host.add_node("n");
    for (std::size_t i = 0; i < n; ++i) {
        queued[i].set([&, i](std::size_t) {
            ran_on[i] = std::this_thread::get_id();
            ran.add();
        });
    }
    busy.set([&](std::size_t) {
        busy_on = std::this_thread::get_id();
        // Queued on this thread, which stays busy until the other thread took them all.
        for (auto& q : queued) rt.executor.schedule(q);
        all_ran_while_busy = ran.wait_for(n);
        done.add();
    });
    rt.executor.schedule(busy);
    REQUIRE(done.wait_for(1));
    CHECK(all_ran_while_busy);
    for (const auto& id : ran_on) CHECK(id != busy_on);
}

TEST_CASE("a parked runnable does not stall the others on its thread", "[asio][executor]") {
    std::atomic<bool> b_ran{false};
    std::atomic<bool> token_ready{false};
    park_token a_token{};
    std::optional<wake_reason> a_woke;
    bool a_saw_b = false;
    bool b_unparked = false;
    event_count done;
    fn_runnable a;
    fn_runnable b;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    a.set([&](std::size_t) {
        a_token = rt.executor.prepare_park();
        token_ready = true;
        a_woke = rt.executor.park(a_token, rt.clock.now() + patience);
        a_saw_b = b_ran.load();
        done.add();
    });
    b.set([&](std::size_t) {
        b_ran = true;
        // One thread: `a` ran first and is parked now, on another fiber of this thread.
        b_unparked = token_ready.load() && rt.executor.unpark(a_token);
        done.add();
    });
    rt.executor.schedule(a);
    rt.executor.schedule(b);
    REQUIRE(done.wait_for(2));
    CHECK(b_unparked);
    CHECK(a_woke == wake_reason::unparked);
    CHECK(a_saw_b);
}

TEST_CASE("a woken fiber runs before a long queue of runnables drains", "[asio][executor]") {
    constexpr std::size_t chain_length = 20000;
    std::atomic<std::size_t> chain_runs_when_a_resumed{0};
    park_token a_token{};
    std::optional<wake_reason> a_woke;
    event_count done;
    fn_runnable a;
    fn_runnable b;
    chain_runnable chain;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    chain.executor_ = &rt.executor;
    chain.done_ = &done;
    chain.left_ = chain_length;
    a.set([&](std::size_t) {
        a_token = rt.executor.prepare_park();
        a_woke = rt.executor.park(a_token, std::nullopt);
        chain_runs_when_a_resumed = chain.runs_.load();
        done.add();
    });
    b.set([&](std::size_t) {
        rt.executor.schedule(chain);
        rt.executor.unpark(a_token);
    });
    rt.executor.schedule(a);
    rt.executor.schedule(b);
    REQUIRE(done.wait_for(chain_length + 1));
    CHECK(a_woke == wake_reason::unparked);
    // The dispatcher lets a resumed fiber run between two runnables, not after the queue.
    CHECK(chain_runs_when_a_resumed.load() < 10);
}

TEST_CASE("unpark before park makes park return at once", "[asio][executor]") {
    const unsigned threads = GENERATE(1u, 2u);
    bool first_unpark = false;
    bool second_unpark = true;
    std::optional<wake_reason> woke;
    event_count done;
    fn_runnable r;
    runtime_host host{host_options{.threads = threads}};
    runtime& rt = host.add_node("n");
    r.set([&](std::size_t) {
        const park_token t = rt.executor.prepare_park();
        first_unpark = rt.executor.unpark(t);
        second_unpark = rt.executor.unpark(t, wake_reason::interrupted);
        woke = rt.executor.park(t, std::nullopt);
        done.add();
    });
    rt.executor.schedule(r);
    REQUIRE(done.wait_for(1));
    CHECK(first_unpark);
    CHECK_FALSE(second_unpark);
    CHECK(woke == wake_reason::unparked);

    SECTION("on a thread outside the host too") {
        const park_token t = rt.executor.prepare_park();
        CHECK(rt.executor.unpark(t, wake_reason::interrupted));
        CHECK(rt.executor.park(t, std::nullopt) == wake_reason::interrupted);
    }
}

TEST_CASE("unparking a stale token does nothing and returns false", "[asio][executor]") {
    std::vector<bool> results;
    std::optional<wake_reason> second_woke;
    event_count done;
    fn_runnable r;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    r.set([&](std::size_t) {
        const park_token first = rt.executor.prepare_park();
        results.push_back(rt.executor.unpark(first));                 // true
        rt.executor.park(first, std::nullopt);                        // ends the first park
        results.push_back(rt.executor.unpark(first));                 // false: stale
        const park_token second = rt.executor.prepare_park();
        results.push_back(rt.executor.unpark(first));                 // false: older epoch
        results.push_back(rt.executor.unpark(second, wake_reason::interrupted));  // true
        second_woke = rt.executor.park(second, std::nullopt);
        results.push_back(rt.executor.unpark(second));                // false: ended
        results.push_back(rt.executor.unpark(park_token{}));          // false: no waiter
        done.add();
    });
    rt.executor.schedule(r);
    REQUIRE(done.wait_for(1));
    CHECK(results == std::vector<bool>{true, false, false, true, false, false});
    CHECK(second_woke == wake_reason::interrupted);
}

TEST_CASE("a park with a deadline times out", "[asio][executor]") {
    const unsigned threads = GENERATE(1u, 2u);
    std::optional<wake_reason> near_woke;
    std::optional<wake_reason> past_woke;
    bool late_unpark = true;
    event_count done;
    fn_runnable r;
    runtime_host host{host_options{.threads = threads}};
    runtime& rt = host.add_node("n");
    r.set([&](std::size_t) {
        const park_token t = rt.executor.prepare_park();
        near_woke = rt.executor.park(t, rt.clock.now() + 5ms);
        late_unpark = rt.executor.unpark(t);
        const park_token u = rt.executor.prepare_park();
        past_woke = rt.executor.park(u, rt.clock.now() - 1ms);
        done.add();
    });
    rt.executor.schedule(r);
    REQUIRE(done.wait_for(1));
    CHECK(near_woke == wake_reason::timed_out);
    CHECK(past_woke == wake_reason::timed_out);
    CHECK_FALSE(late_unpark);
}

TEST_CASE("a std::thread unparks a parked fiber", "[asio][executor]") {
    const unsigned threads = GENERATE(1u, 2u);
    const wake_reason reason = GENERATE(wake_reason::unparked, wake_reason::interrupted);
    std::mutex mutex;
    std::optional<park_token> published;
    std::optional<wake_reason> woke;
    std::atomic<bool> unparked{false};
    event_count token_ready;
    event_count done;
    fn_runnable r;
    runtime_host host{host_options{.threads = threads}};
    runtime& rt = host.add_node("n");
    r.set([&](std::size_t) {
        const park_token t = rt.executor.prepare_park();
        {
            std::lock_guard<std::mutex> lock(mutex);
            published = t;
        }
        token_ready.add();
        woke = rt.executor.park(t, std::nullopt);
        done.add();
    });
    rt.executor.schedule(r);
    std::thread unparker([&] {
        if (!token_ready.wait_for(1)) return;
        std::lock_guard<std::mutex> lock(mutex);
        unparked = rt.executor.unpark(*published, reason);
    });
    unparker.join();
    REQUIRE(done.wait_for(1));
    CHECK(unparked.load());
    CHECK(woke == reason);
}

TEST_CASE("the main thread parks with a deadline or until a worker unparks it",
          "[asio][executor]") {
    const unsigned threads = GENERATE(1u, 2u);
    std::atomic<bool> worker_unparked{false};
    event_count done;
    fn_runnable r;
    runtime_host host{host_options{.threads = threads}};
    runtime& rt = host.add_node("n");

    SECTION("deadline") {
        const park_token t = rt.executor.prepare_park();
        CHECK(rt.executor.park(t, rt.clock.now() + 5ms) == wake_reason::timed_out);
        CHECK_FALSE(rt.executor.unpark(t));
    }
    SECTION("unparked by a runnable") {
        const park_token t = rt.executor.prepare_park();
        r.set([&](std::size_t) {
            worker_unparked = rt.executor.unpark(t);
            done.add();
        });
        rt.executor.schedule(r);
        CHECK(rt.executor.park(t, rt.clock.now() + patience) == wake_reason::unparked);
        REQUIRE(done.wait_for(1));  // the unpark woke main before it returned true
        CHECK(worker_unparked.load());
    }
}

TEST_CASE("many fibers park at once and all wake", "[asio][executor]") {
    const unsigned threads = GENERATE(1u, 2u);
    constexpr std::size_t n = 200;
    std::mutex mutex;
    std::vector<park_token> tokens;
    std::array<std::optional<wake_reason>, n> woke{};
    event_count parked;
    event_count done;
    std::deque<fn_runnable> rs(n);
    std::atomic<std::size_t> round_trips{0};
    fn_runnable again;
    runtime_host host{host_options{.threads = threads}};
    runtime& rt = host.add_node("n");
    for (std::size_t i = 0; i < n; ++i) {
        rs[i].set([&, i](std::size_t) {
            const park_token t = rt.executor.prepare_park();
            {
                std::lock_guard<std::mutex> lock(mutex);
                tokens.push_back(t);
            }
            parked.add();
            woke[i] = rt.executor.park(t, std::nullopt);
            done.add();
        });
    }
    for (auto& r : rs) rt.executor.schedule(r);
    REQUIRE(parked.wait_for(n));
    std::size_t unparked = 0;
    {
        std::lock_guard<std::mutex> lock(mutex);
        for (const park_token& t : tokens) unparked += rt.executor.unpark(t) ? 1u : 0u;
    }
    CHECK(unparked == n);
    REQUIRE(done.wait_for(n));
    for (const auto& w : woke) CHECK(w == wake_reason::unparked);

    SECTION("and their fibers are reused by the next parks") {
        again.set([&](std::size_t) {
            for (int i = 0; i < 1000; ++i) {
                const park_token t = rt.executor.prepare_park();
                rt.executor.unpark(t);
                if (rt.executor.park(t, std::nullopt) == wake_reason::unparked) ++round_trips;
            }
            done.add();
        });
        rt.executor.schedule(again);
        REQUIRE(done.wait_for(n + 1));
        CHECK(round_trips.load() == 1000);
    }
}

TEST_CASE("yield lets the other runnables of the thread run", "[asio][executor]") {
    std::atomic<bool> b_ran{false};
    bool a_saw_b = false;
    event_count done;
    fn_runnable a;
    fn_runnable b;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    b.set([&](std::size_t) {
        b_ran = true;
        done.add();
    });
    a.set([&](std::size_t) {
        rt.executor.schedule(b);
        for (int i = 0; i < 1000 && !b_ran.load(); ++i) rt.executor.yield();
        a_saw_b = b_ran.load();
        done.add();
    });
    rt.executor.schedule(a);
    REQUIRE(done.wait_for(2));
    CHECK(a_saw_b);
    rt.executor.yield();  // outside any fiber: just the thread's yield
}

TEST_CASE("a resumed fiber that yields in a loop sees remote work and timers run",
          "[asio][executor]") {
    std::atomic<bool> b_ran{false};
    std::atomic<bool> timer_ran{false};
    bool a_saw_both = false;
    park_token a_token{};
    event_count parked;
    event_count resumed;
    event_count done;
    fn_runnable a;
    fn_runnable b;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    a.set([&](std::size_t) {
        a_token = rt.executor.prepare_park();
        parked.add();
        rt.executor.park(a_token, std::nullopt);
        // Now a resumed fiber, not the thread's dispatcher, which waits for work.
        resumed.add();
        const auto give_up = std::chrono::steady_clock::now() + patience;
        while (!(b_ran.load() && timer_ran.load()) && std::chrono::steady_clock::now() < give_up) {
            rt.executor.yield();
        }
        a_saw_both = b_ran.load() && timer_ran.load();
        done.add();
    });
    b.set([&](std::size_t) { b_ran = true; });
    rt.executor.schedule(a);
    REQUIRE(parked.wait_for(1));
    REQUIRE(rt.executor.unpark(a_token));
    REQUIRE(resumed.wait_for(1));
    rt.executor.schedule(b);
    rt.clock.start_timer(rt.clock.now() + 1ms, [&] { timer_ran = true; });
    REQUIRE(done.wait_for(1));
    CHECK(a_saw_both);
}

TEST_CASE("a park outside any worker fiber of a worker thread never blocks",
          "[asio][executor]") {
    std::optional<wake_reason> woke;
    event_count done;
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    rt.clock.start_timer(rt.clock.now(), [&] {
        const park_token t = rt.executor.prepare_park();
        woke = rt.executor.park(t, std::nullopt);
        done.add();
    });
    REQUIRE(done.wait_for(1));
    CHECK(woke == wake_reason::interrupted);
}

namespace {

/// Counts how often it ran and how often the executor gave it up.
class discard_counting_runnable final : public runnable {
public:
    void run(std::size_t) noexcept override { runs_.fetch_add(1); }
    void discard() noexcept override { discards_.fetch_add(1); }

    std::atomic<int> runs_{0};
    std::atomic<int> discards_{0};
};

}  // namespace

TEST_CASE("a shutdown discards what is queued and what is scheduled after it", "[asio][executor]") {
    // One thread: the five queue behind the blocker, which stops the host before returning.
    runtime_host host{host_options{.threads = 1}};
    runtime& rt = host.add_node("n");
    std::array<discard_counting_runnable, 5> queued;
    std::atomic<bool> all_queued{false};
    event_count blocker_done;
    fn_runnable blocker([&](std::size_t) {
        while (!all_queued.load()) std::this_thread::yield();
        host.shutdown();  // from a worker: only requests the stop
        blocker_done.add();
    });
    rt.executor.schedule(blocker);
    for (auto& r : queued) rt.executor.schedule(r);
    all_queued.store(true);
    REQUIRE(blocker_done.wait_for(1));
    host.shutdown();
    for (const auto& r : queued) {
        CHECK(r.runs_.load() == 0);
        CHECK(r.discards_.load() == 1);
    }
    discard_counting_runnable late;
    rt.executor.schedule(late);
    CHECK(late.runs_.load() == 0);
    CHECK(late.discards_.load() == 1);
}
