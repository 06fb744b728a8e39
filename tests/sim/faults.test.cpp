// Fault plans in the simulator: each fault happens at its planned point and only there, and
// is recorded in the trace.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/ractor.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/fault_plan_file.hpp>
#include <ractor/sim/world.hpp>

#include "support/sim_expect.hpp"

using namespace std::chrono_literals;
using ractor::actor_ref;
using ractor::actor_system;
using ractor::trace_kind;
using ractor::sim::fault_plan;
using ractor::sim::recorded_event;
using ractor::sim::world;
using ractor::sim::test::expect;

namespace {

using lines = std::shared_ptr<std::vector<std::string>>;

lines make_lines() { return std::make_shared<std::vector<std::string>>(); }

bool has(const lines& l, const std::string& line) { return std::find(l->begin(), l->end(), line) != l->end(); }

std::size_t count_prefix(const lines& l, const std::string& prefix) {
    return static_cast<std::size_t>(
        std::count_if(l->begin(), l->end(), [&](const std::string& s) { return s.starts_with(prefix); }));
}

struct worker_args {
    lines log;
    std::string name;
};

/// Logs "<name> got <n>" for every message and "<name> post_stop" when it stops.
struct worker : ractor::actor<int, worker_args, worker_args> {
    worker_args pre_start(actor_ref<int>, worker_args a) { return a; }
    void handle(actor_ref<int>, int n, worker_args& s) { s.log->push_back(s.name + " got " + std::to_string(n)); }
    void post_stop(actor_ref<int>, worker_args& s) { s.log->push_back(s.name + " post_stop"); }
};

/// Another behaviour with the same shape, to tell kinds apart.
struct bystander : ractor::actor<int, worker_args, worker_args> {
    worker_args pre_start(actor_ref<int>, worker_args a) { return a; }
    void handle(actor_ref<int>, int n, worker_args& s) { s.log->push_back(s.name + " got " + std::to_string(n)); }
};

/// A supervisor that logs what its children do and stays up.
struct watcher : ractor::actor<int, lines, lines> {
    lines pre_start(actor_ref<int>, lines l) { return l; }
    void handle(actor_ref<int>, int, lines&) {}
    void handle_supervisor_evt(actor_ref<int>, const ractor::supervision_event& e, lines& l) {
        if (e.is_exit()) {
            l->push_back(std::string("child ") + ractor::to_string(e.what) + ": " + e.reason);
        }
    }
};

struct ask_buggify {
    ractor::reply_port<bool> port;
};

/// Answers whether buggify("site.a") fired for this request.
struct bug_site : ractor::actor<ask_buggify> {
    void handle(actor_ref<ask_buggify>, ask_buggify a, std::monostate&) { a.port.send(ractor::buggify("site.a")); }
};

std::vector<recorded_event> faults_of(const world& w) {
    std::vector<recorded_event> out;
    for (const auto& e : w.events()) {
        if (e.kind == trace_kind::fault) out.push_back(e);
    }
    return out;
}

const recorded_event* find_event(const world& w, std::uint64_t node, trace_kind kind, std::uint64_t actor,
                                 std::size_t nth = 0) {
    for (const auto& e : w.events()) {
        if (e.node == node && e.kind == kind && e.actor == actor && nth-- == 0) return &e;
    }
    return nullptr;
}

constexpr std::int64_t ns(ractor::duration d) { return d.count(); }

}  // namespace

TEST_CASE("faults: throw at invocation 3 of one actor, after exactly 2 messages", "[sim][faults]") {
    world w(11);
    auto& rt = w.add_node("a");
    auto log = make_lines();
    actor_system sys(rt);
    auto sup = sys.spawn(watcher{}, log);
    auto x = sys.spawn(worker{}, {log, "x"}, {.supervisor = sup});
    auto y = sys.spawn(worker{}, {log, "y"}, {.supervisor = sup});
    fault_plan plan;
    plan.failures.push_back({.node = 1, .actor = x.id().local, .kind = "", .at_invocation = 3, .probability = 0});
    w.apply(plan);
    for (int i = 1; i <= 5; ++i) {
        x.cast(i);
        y.cast(i);
    }
    w.run();
    CHECK(count_prefix(log, "x got") == 2);
    CHECK(has(log, "x got 1"));
    CHECK(has(log, "x got 2"));
    CHECK(has(log, "child failed: injected failure at invocation 3"));
    CHECK(has(log, "x post_stop"));  // a failure is not a kill
    CHECK(count_prefix(log, "y got") == 5);
    CHECK(count_prefix(log, "child ") == 1);
    CHECK(x.status() == ractor::actor_status::stopped);
    CHECK(y.is_alive());
    const auto faults = faults_of(w);
    REQUIRE(faults.size() == 1);
    CHECK(faults[0].text == "fail actor " + std::to_string(x.id().local) + " at invocation 3");
    CHECK(faults[0].actor == x.id().local);
    CHECK(faults[0].value == 3);
}

TEST_CASE("faults: failures by kind hit every actor of that behaviour and no other", "[sim][faults]") {
    for (const std::string kind : {"worker", "(anonymous namespace)::worker"}) {
        world w(12);
        auto& rt = w.add_node("a");
        auto log = make_lines();
        actor_system sys(rt);
        auto sup = sys.spawn(watcher{}, log);
        auto w1 = sys.spawn(worker{}, {log, "w1"}, {.supervisor = sup});
        auto w2 = sys.spawn(worker{}, {log, "w2"}, {.supervisor = sup});
        auto b = sys.spawn(bystander{}, {log, "b"}, {.supervisor = sup});
        fault_plan plan;
        plan.failures.push_back({.node = 0, .actor = 0, .kind = kind, .at_invocation = 2, .probability = 0});
        w.apply(plan);
        for (int i = 1; i <= 3; ++i) {
            w1.cast(i);
            w2.cast(i);
            b.cast(i);
        }
        w.run();
        CHECK(count_prefix(log, "w1 got") == 1);
        CHECK(count_prefix(log, "w2 got") == 1);
        CHECK(count_prefix(log, "b got") == 3);
        CHECK(count_prefix(log, "child failed: injected failure at invocation 2") == 2);
        CHECK(faults_of(w).size() == 2);
    }
    // A kind that is only part of a name component matches nothing.
    world w(12);
    auto& rt = w.add_node("a");
    auto log = make_lines();
    actor_system sys(rt);
    auto a = sys.spawn(worker{}, {log, "w"});
    fault_plan plan;
    plan.failures.push_back({.node = 0, .actor = 0, .kind = "orker", .at_invocation = 1, .probability = 0});
    w.apply(plan);
    a.cast(1);
    w.run();
    CHECK(has(log, "w got 1"));
}

TEST_CASE("faults: failures with a probability, 1 always, 0 never, seeded", "[sim][faults]") {
    const auto run = [](double p, std::uint64_t seed, std::uint64_t plan_seed) {
        world w(seed);
        auto& rt = w.add_node("a");
        auto log = make_lines();
        std::vector<std::uint64_t> failed;
        {
            actor_system sys(rt);
            auto sup = sys.spawn(watcher{}, log);
            std::vector<actor_ref<int>> actors;
            for (int i = 0; i < 20; ++i) actors.push_back(sys.spawn(worker{}, {log, "w"}, {.supervisor = sup}));
            fault_plan plan;
            plan.seed = plan_seed;
            plan.failures.push_back({.node = 1, .actor = 0, .kind = "worker", .at_invocation = 0, .probability = p});
            w.apply(plan);
            for (auto& a : actors) a.cast(1);
            w.run();
            for (auto& a : actors) {
                if (!a.is_alive()) failed.push_back(a.id().local);
            }
        }
        return std::make_pair(failed, w.trace_hash());
    };
    CHECK(run(1.0, 1, 0).first.size() == 20);
    CHECK(run(0.0, 1, 0).first.empty());
    const auto half = run(0.5, 3, 0);
    CHECK(half.first.size() > 0);
    CHECK(half.first.size() < 20);
    CHECK(run(0.5, 3, 0) == half);
    // Another plan seed gives other draws for the same world seed.
    bool differs = false;
    for (std::uint64_t s = 1; s <= 4 && !differs; ++s) differs = run(0.5, 3, s).first != half.first;
    CHECK(differs);
}

namespace {

/// The local ids of 32 workers, on a node added after `plan` was applied, that failed on
/// their first message.
std::vector<std::uint64_t> failed_on_late_node(std::uint64_t seed, const fault_plan& plan) {
    world w(seed);
    w.apply(plan);
    auto log = make_lines();
    std::vector<std::uint64_t> failed;
    actor_system sys(w.add_node("late"));
    auto sup = sys.spawn(watcher{}, log);
    std::vector<actor_ref<int>> actors;
    for (int i = 0; i < 32; ++i) actors.push_back(sys.spawn(worker{}, {log, "w"}, {.supervisor = sup}));
    for (auto& a : actors) a.cast(1);
    w.run();
    for (auto& a : actors) {
        if (!a.is_alive()) failed.push_back(a.id().local);
    }
    return failed;
}

}  // namespace

TEST_CASE("faults: a node added after the plan draws its failures from the world and plan seeds",
          "[sim][faults]") {
    fault_plan plan;
    plan.failures.push_back({.kind = "worker", .probability = 0.5});
    const auto first = failed_on_late_node(1, plan);
    CHECK(failed_on_late_node(1, plan) == first);
    // The schedule alone would hand one sequence of draws to the actors in another order;
    // how many fail shows whether the draws themselves depend on the world seed.
    bool other_count = false;
    for (std::uint64_t seed = 2; seed <= 8 && !other_count; ++seed) {
        other_count = failed_on_late_node(seed, plan).size() != first.size();
    }
    CHECK(other_count);
    std::size_t other_plan_seeds = 0;
    for (plan.seed = 1; plan.seed <= 5; ++plan.seed) other_plan_seeds += failed_on_late_node(1, plan) != first;
    CHECK(other_plan_seeds >= 4);
}

TEST_CASE("faults: a planned kill and stop happen at exactly their virtual times", "[sim][faults]") {
    world w(13);
    auto log = make_lines();
    w.add_node("a", [log](actor_system& s) {
        auto sup = s.spawn(watcher{}, log, {.name = "sup"});
        s.spawn(worker{}, {log, "srv"}, {.name = "srv", .supervisor = sup});
        s.spawn(worker{}, {log, "other"}, {.name = "other", .supervisor = sup});
        s.spawn(worker{}, {log, "spare"}, {.name = "spare", .supervisor = sup});
    });
    actor_system& sys = *w.node_system(1);
    const auto srv = *sys.where_is<int>("srv");
    const auto other = *sys.where_is<int>("other");
    fault_plan plan;
    plan.kills.push_back({.at = 5s, .target = {.node = 1, .actor = 0, .name = "srv"}});
    plan.stops.push_back({.at = 7s, .target = {.node = 1, .actor = other.id().local, .name = ""}, .reason = "planned"});
    plan.kills.push_back({.at = 8s, .target = {.node = 1, .actor = 0, .name = "nobody"}});
    w.apply(plan);

    w.run_for(4999ms);
    CHECK(srv.is_alive());
    srv.cast(1);
    w.run_for(1ms);
    CHECK(has(log, "srv got 1"));
    CHECK_FALSE(srv.is_alive());
    CHECK(other.is_alive());
    w.run_for(3s);
    CHECK_FALSE(other.is_alive());
    CHECK(sys.where_is("spare").has_value());

    const auto* killed = find_event(w, 1, trace_kind::terminate, srv.id().local);
    REQUIRE(killed != nullptr);
    CHECK(killed->time_ns == ns(5s));
    const auto* stopped = find_event(w, 1, trace_kind::terminate, other.id().local);
    REQUIRE(stopped != nullptr);
    CHECK(stopped->time_ns == ns(7s));
    CHECK_FALSE(has(log, "srv post_stop"));
    CHECK(has(log, "other post_stop"));
    CHECK(has(log, "child terminated: killed"));
    CHECK(has(log, "child terminated: planned"));

    const auto faults = faults_of(w);
    REQUIRE(faults.size() == 3);
    CHECK(faults[0].text == "kill 'srv'");
    CHECK(faults[0].time_ns == ns(5s));
    CHECK(faults[0].actor == srv.id().local);
    CHECK(faults[1].text == "stop actor " + std::to_string(other.id().local));
    CHECK(faults[1].time_ns == ns(7s));
    CHECK(faults[2].text == "kill 'nobody': not found");
    CHECK(faults[2].time_ns == ns(8s));
}

TEST_CASE("faults: a node crash kills all its actors without post_stop; restart reruns start-up",
          "[sim][faults]") {
    world w(14);
    auto log = make_lines();
    int startups = 0;
    w.add_node("a", [log, &startups](actor_system& s) {
        ++startups;
        auto sup = s.spawn(watcher{}, log, {.name = "sup"});
        auto srv = s.spawn(worker{}, {log, "srv"}, {.name = "srv", .supervisor = sup});
        s.spawn(worker{}, {log, "helper"}, {.supervisor = sup});
        // A timer still pending at the crash: it must never fire.
        ractor::send_after(srv, 3s, 99);
    });
    w.add_node("b", [log](actor_system& s) { s.spawn(worker{}, {log, "b"}, {.name = "b"}); });
    const auto srv_before = *w.node_system(1)->where_is<int>("srv");
    const auto b = *w.node_system(2)->where_is<int>("b");

    fault_plan plan;
    plan.crashes.push_back({.at = 2s, .node = 1, .restart_at = 4s});
    w.apply(plan);

    srv_before.cast(1);
    w.run_for(2s);
    CHECK(has(log, "srv got 1"));
    CHECK_FALSE(w.node_up(1));
    CHECK(w.node_system(1) == nullptr);
    CHECK_FALSE(srv_before.is_alive());
    CHECK(srv_before.cast(2) == ractor::send_status::stopped);
    CHECK(b.is_alive());
    CHECK(w.node_up(2));

    w.run_for(1500ms);  // past the dropped timer's instant (3s)
    CHECK_FALSE(has(log, "srv got 99"));
    CHECK(startups == 1);

    w.run_for(1s);  // past the restart (4s)
    CHECK(w.node_up(1));
    REQUIRE(w.node_system(1) != nullptr);
    CHECK(startups == 2);
    const auto srv_after = w.node_system(1)->where_is<int>("srv");
    REQUIRE(srv_after.has_value());
    CHECK(srv_after->is_alive());
    srv_after->cast(3);
    w.run_for(1s);
    CHECK(has(log, "srv got 3"));
    w.run_for(3s);
    CHECK(count_prefix(log, "srv got 99") == 1);  // the new incarnation's own timer, at 4s + 3s

    // No post_stop and no supervision event: the supervisor died in the same crash.
    CHECK(count_prefix(log, "srv post_stop") == 0);
    CHECK(count_prefix(log, "helper post_stop") == 0);
    CHECK(count_prefix(log, "child ") == 0);
    // Node b never noticed.
    b.cast(5);
    w.run();
    CHECK(has(log, "b got 5"));

    const auto faults = faults_of(w);
    REQUIRE(faults.size() == 3);
    CHECK(faults[0].text == "crash node a");
    CHECK(faults[0].node == 1);
    CHECK(faults[0].time_ns == ns(2s));
    CHECK(faults[1].text == "crash node a: dropped 1 timers");
    CHECK(faults[2].text == "restart node a");
    CHECK(faults[2].time_ns == ns(4s));
    // Every actor of node a terminated at the crash instant.
    std::size_t terminated = 0;
    for (const auto& e : w.events()) {
        if (e.node == 1 && e.kind == trace_kind::terminate && e.time_ns <= ns(2s)) {
            CHECK(e.time_ns == ns(2s));
            ++terminated;
        }
    }
    CHECK(terminated == 3);
}

TEST_CASE("faults: a crash interrupts a handler parked in a call", "[sim][faults]") {
    struct hold {
        ractor::reply_port<int> port;
    };
    struct holder : ractor::actor<hold, std::vector<ractor::reply_port<int>>> {
        void handle(actor_ref<hold>, hold h, std::vector<ractor::reply_port<int>>& held) {
            held.push_back(std::move(h.port));
        }
    };
    struct caller : ractor::actor<int, lines, lines> {
        lines pre_start(actor_ref<int>, lines l) { return l; }
        void handle(actor_ref<int> self, int, lines& l) {
            auto target = *self.system().where_is<hold>("holder");
            l->push_back("calling");
            (void)target.call([](ractor::reply_port<int> p) { return hold{std::move(p)}; });
            l->push_back("call returned");
        }
        void post_stop(actor_ref<int>, lines& l) { l->push_back("caller post_stop"); }
    };
    world w(15);
    auto log = make_lines();
    w.add_node("a", [log](actor_system& s) {
        s.spawn(holder{}, {}, {.name = "holder"});
        s.spawn(caller{}, log, {.name = "caller"});
    });
    const auto c = *w.node_system(1)->where_is<int>("caller");
    c.cast(1);
    w.run_for(1s);
    REQUIRE(has(log, "calling"));
    w.crash_node(1);
    w.run();
    CHECK_FALSE(c.is_alive());
    CHECK_FALSE(has(log, "call returned"));
    CHECK_FALSE(has(log, "caller post_stop"));
    CHECK(w.node_system(1) == nullptr);
    w.restart_node(1);
    CHECK(w.node_system(1)->where_is("caller").has_value());
}

TEST_CASE("faults: a world destroyed right after a crash cleans up its actors", "[sim][faults]") {
    auto log = make_lines();
    {
        world w(19);
        w.add_node("a", [log](actor_system& s) {
            for (int i = 0; i < 5; ++i) {
                auto x = s.spawn(worker{}, {log, "w"});
                x.cast(i);
                ractor::send_after(x, 1s, 10 + i);
            }
        });
        w.crash_node(1);
    }
    CHECK(log->empty());
}

TEST_CASE("faults: crashes need a start-up function and repeat harmlessly", "[sim][faults]") {
    world w(16);
    w.add_node("plain");
    w.add_node("hosted", [](actor_system&) {});
    CHECK_THROWS_AS(w.crash_node(1), std::invalid_argument);
    CHECK(w.node_up(1));
    CHECK(w.node_system(1) == nullptr);
    w.restart_node(2);  // up already
    w.crash_node(2);
    w.crash_node(2);
    CHECK_FALSE(w.node_up(2));
    w.restart_node(2);
    CHECK(w.node_up(2));
    std::vector<std::string> texts;
    for (const auto& e : faults_of(w)) texts.push_back(e.text);
    CHECK(texts == std::vector<std::string>{"restart node hosted: already up", "crash node hosted",
                                            "crash node hosted: already down", "restart node hosted"});

    fault_plan bad;
    bad.crashes.push_back({.at = 1s, .node = 1, .restart_at = std::nullopt});
    try {
        w.apply(bad);
        FAIL("no error");
    } catch (const ractor::sim::fault_plan_error& e) {
        CHECK(e.field() == "crashes[0].node");
    }
    fault_plan unknown;
    unknown.timer_delays.push_back({.node = 3, .extra = 1s, .random_up_to = 0s, .from = 0s, .until = std::nullopt});
    CHECK_THROWS_AS(w.apply(unknown), ractor::sim::fault_plan_error);
    w.run_for(2s);
    fault_plan late;
    late.kills.push_back({.at = 1s, .target = {.node = 2, .actor = 1, .name = ""}});
    try {
        w.apply(late);
        FAIL("no error");
    } catch (const ractor::sim::fault_plan_error& e) {
        CHECK(e.field() == "kills[0].at");
    }
}

TEST_CASE("faults: a skewed clock reads the offset, its timers still wait the full delay", "[sim][faults]") {
    world w(17);
    auto log = make_lines();
    auto& a = w.add_node("a");
    auto& b = w.add_node("b");
    fault_plan plan;
    plan.clock_skews.push_back({.node = 2, .offset = 250ms, .at = 0s});
    plan.clock_skews.push_back({.node = 2, .offset = -1s, .at = 3s});
    w.apply(plan);
    CHECK(b.clock.now() - a.clock.now() == 250ms);
    CHECK(a.clock.now() == w.now());

    actor_system sys_b(b);
    auto x = sys_b.spawn(worker{}, {log, "x"});
    ractor::send_after(x, 1s, 7);
    w.run_for(999ms);
    CHECK_FALSE(has(log, "x got 7"));
    w.run_for(1ms);
    CHECK(has(log, "x got 7"));
    expect<int>(w).to(x).at(1s);

    // A timeout read off the skewed clock also lasts its full length.
    const auto before = w.now();
    CHECK_FALSE(x.wait_for(500ms));
    CHECK(w.now() - before == 500ms);

    w.run_for(2s);  // past the second skew, at 3s
    CHECK(w.now() == ractor::time_point(3500ms));
    CHECK(b.clock.now() == ractor::time_point(2500ms));
    const auto faults = faults_of(w);
    REQUIRE(faults.size() == 2);
    CHECK(faults[0].text == "clock skew 250ms");
    CHECK(faults[0].time_ns == 0);
    CHECK(faults[1].text == "clock skew -1s");
    CHECK(faults[1].time_ns == ns(3s));
}

TEST_CASE("faults: timer delays make a node's timers late by exactly the planned amount", "[sim][faults]") {
    world w(18);
    auto log = make_lines();
    auto& a = w.add_node("a");
    auto& b = w.add_node("b");
    fault_plan plan;
    plan.timer_delays.push_back({.node = 1, .extra = 300ms, .random_up_to = 0s, .from = 0s, .until = 2s});
    w.apply(plan);
    actor_system sys_a(a);
    actor_system sys_b(b);
    auto x = sys_a.spawn(worker{}, {log, "x"});
    auto y = sys_b.spawn(worker{}, {log, "y"});
    ractor::send_after(x, 1s, 1);
    ractor::send_after(y, 1s, 1);
    w.run_for(1s);
    CHECK(has(log, "y got 1"));
    CHECK_FALSE(has(log, "x got 1"));
    w.run_for(299ms);
    CHECK_FALSE(has(log, "x got 1"));
    w.run_for(1ms);
    CHECK(has(log, "x got 1"));
    expect<int>(w).to(x).at(1300ms);
    expect<int>(w).to(y).at(1s);
    auto faults = faults_of(w);
    REQUIRE(faults.size() == 1);
    CHECK(faults[0].text.starts_with("delay timer "));
    CHECK(faults[0].text.ends_with(" by 300ms"));
    CHECK(faults[0].node == 1);

    // Outside the window [0s, 2s) timers are on time again.
    w.run_for(1s);  // now 2.3s
    ractor::send_after(x, 1s, 2);
    w.run_for(1s);
    CHECK(has(log, "x got 2"));
    CHECK(faults_of(w).size() == 1);
}

TEST_CASE("faults: random timer delays stay within the bound and replay", "[sim][faults]") {
    const auto arrivals = [](std::uint64_t seed) {
        world w(seed);
        auto log = make_lines();
        auto& a = w.add_node("a");
        fault_plan plan;
        plan.timer_delays.push_back({.node = 1, .extra = 0s, .random_up_to = 100ms, .from = 0s, .until = std::nullopt});
        w.apply(plan);
        std::vector<std::int64_t> times;
        actor_system sys(a);
        std::vector<actor_ref<int>> xs;
        for (int i = 0; i < 10; ++i) {
            xs.push_back(sys.spawn(worker{}, {log, "x"}));
            ractor::send_after(xs.back(), 1s, i);
        }
        w.run();
        for (auto& x : xs) times.push_back(find_event(w, 1, trace_kind::receive, x.id().local)->time_ns);
        return times;
    };
    const auto first = arrivals(5);
    CHECK(arrivals(5) == first);
    for (const auto t : first) {
        CHECK(t >= ns(1s));
        CHECK(t <= ns(1100ms));
    }
    CHECK(std::adjacent_find(first.begin(), first.end(), std::not_equal_to<>()) != first.end());
}

TEST_CASE("faults: buggify fires with probability 1, never with 0, and replays", "[sim][faults][buggify]") {
    const auto run = [](std::uint64_t seed, std::vector<ractor::sim::buggify_rule> rules) {
        world w(seed);
        auto& rt = w.add_node("a");
        std::vector<bool> fired;
        std::size_t recorded = 0;
        {
            actor_system sys(rt);
            auto a = sys.spawn(bug_site{});
            fault_plan plan;
            plan.buggify = std::move(rules);
            w.apply(plan);
            for (int i = 0; i < 40; ++i) {
                fired.push_back(a.call([](ractor::reply_port<bool> p) { return ask_buggify{std::move(p)}; }).value());
            }
        }
        for (const auto& e : faults_of(w)) {
            CHECK(e.text == "buggify site.a");
            ++recorded;
        }
        CHECK(recorded == static_cast<std::size_t>(std::count(fired.begin(), fired.end(), true)));
        return fired;
    };
    using rule = ractor::sim::buggify_rule;
    const std::vector<bool> all(40, true);
    const std::vector<bool> none(40, false);
    CHECK(run(1, {}) == none);
    CHECK(run(1, {rule{"*", 1.0, 1.0}}) == all);
    CHECK(run(1, {rule{"site.a", 1.0, 1.0}}) == all);
    CHECK(run(1, {rule{"site.*", 1.0, 1.0}}) == all);
    CHECK(run(1, {rule{"site.b", 1.0, 1.0}}) == none);
    CHECK(run(1, {rule{"*", 0.0, 1.0}}) == none);
    CHECK(run(1, {rule{"*", 1.0, 0.0}}) == none);  // never activated
    CHECK(run(1, {rule{"site.a", 0.0, 1.0}, rule{"*", 1.0, 1.0}}) == none);  // first match wins
    const auto half = run(2, {rule{"*", 0.5, 1.0}});
    CHECK(half != all);
    CHECK(half != none);
    CHECK(run(2, {rule{"*", 0.5, 1.0}}) == half);
    bool differs = false;
    for (std::uint64_t seed = 3; seed < 8 && !differs; ++seed) differs = run(seed, {rule{"*", 0.5, 1.0}}) != half;
    CHECK(differs);
    // Activation is decided once per site and run: all or nothing.
    for (std::uint64_t seed = 10; seed < 20; ++seed) {
        const auto r = run(seed, {rule{"*", 1.0, 0.5}});
        CHECK((r == all || r == none));
    }
}

TEST_CASE("faults: buggify is inert outside actors and on asio", "[sim][faults][buggify]") {
    {
        world w(1);
        auto& rt = w.add_node("a");
        REQUIRE(rt.faults != nullptr);
        fault_plan plan;
        plan.buggify.push_back({.site = "*", .probability = 1, .activation = 1});
        w.apply(plan);
        CHECK(ractor::buggify(rt, "x"));
    }
    ractor::asio_backend::runtime_host host({.threads = 1});
    actor_system sys(host.add_node("a"));
    CHECK(sys.runtime().faults == nullptr);
    CHECK_FALSE(ractor::buggify(sys.runtime(), "site.a"));
    auto a = sys.spawn(bug_site{});
    for (int i = 0; i < 10; ++i) {
        CHECK_FALSE(a.call([](ractor::reply_port<bool> p) { return ask_buggify{std::move(p)}; }, 10s).value());
    }
}

TEST_CASE("faults: the same seed and plan give the same trace hash", "[sim][faults]") {
    const auto run = [](std::uint64_t seed) {
        world w(seed);
        auto log = make_lines();
        w.add_node("a", [log](actor_system& s) {
            auto sup = s.spawn(watcher{}, log, {.name = "sup"});
            for (int i = 0; i < 4; ++i) {
                auto x = s.spawn(worker{}, {log, "w" + std::to_string(i)}, {.supervisor = sup});
                ractor::send_interval(x, 300ms, [] { return 1; });
            }
            s.spawn(bug_site{}, {}, {.name = "bugs"});
        });
        w.add_node("b", [log](actor_system& s) {
            auto x = s.spawn(worker{}, {log, "b"}, {.name = "b"});
            ractor::send_interval(x, 250ms, [] { return 2; });
        });
        fault_plan plan = ractor::sim::parse_fault_plan(R"({
          "seed": 9,
          "failures": [{"kind": "worker", "probability": 0.05}],
          "kills": [{"at": "2s", "node": 2, "name": "b"}],
          "stops": [{"at": "1s", "node": 1, "name": "sup", "reason": "planned"}],
          "crashes": [{"at": "3s", "node": 1, "restart_at": "4s"}],
          "clock_skews": [{"node": 2, "offset": "40ms"}],
          "timer_delays": [{"node": 1, "random_up_to": "30ms"}],
          "buggify": [{"probability": 0.5}]
        })");
        w.apply(plan);
        for (int i = 0; i < 5; ++i) {
            (void)w.node_system(1)->where_is<ask_buggify>("bugs")->call(
                [](ractor::reply_port<bool> p) { return ask_buggify{std::move(p)}; });
        }
        w.run_for(6s);
        return std::make_pair(w.trace_hash(), faults_of(w).size());
    };
    const auto first = run(21);
    CHECK(first.second > 3);
    CHECK(run(21) == first);
    CHECK(run(22).first != first.first);
}
