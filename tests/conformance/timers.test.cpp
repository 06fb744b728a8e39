// Timers on every backend: send_after, send_interval, exit_after, kill_after, cancel.
#include <catch2/catch.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;

namespace {

namespace tick_msg {
struct tick { int tag; };
struct await_ticks { std::size_t count; reply_port<std::vector<int>> port; };
}  // namespace tick_msg
using tick_message = std::variant<tick_msg::tick, tick_msg::await_ticks>;

struct ticker_state {
    std::vector<int> tags;
    std::size_t stop_after = 0;  ///< stop itself after this many ticks (0: never)
    std::optional<tick_msg::await_ticks> waiting;
    log_ptr log;
};

/// Records the tags of the ticks it receives.
struct ticker : actor<tick_message, ticker_state, std::pair<std::size_t, log_ptr>> {
    ticker_state pre_start(actor_ref<tick_message>, std::pair<std::size_t, log_ptr> a) {
        ticker_state s;
        s.stop_after = a.first;
        s.log = a.second;
        return s;
    }
    void handle(actor_ref<tick_message> self, tick_message msg, ticker_state& s) {
        std::visit(overloaded{
                       [&](tick_msg::tick& t) {
                           s.tags.push_back(t.tag);
                           if (s.stop_after && s.tags.size() == s.stop_after) self.stop("enough ticks");
                       },
                       [&](tick_msg::await_ticks& a) { s.waiting = std::move(a); },
                   },
                   msg);
        if (s.waiting && s.tags.size() >= s.waiting->count) {
            s.waiting->port.send(s.tags);
            s.waiting.reset();
        }
    }
    void post_stop(actor_ref<tick_message>, ticker_state& s) {
        if (s.log) s.log->add("post_stop");
    }
};

std::vector<int> await_ticks(const actor_ref<tick_message>& t, std::size_t n) {
    return t.call([n](reply_port<std::vector<int>> p) { return tick_message{tick_msg::await_ticks{n, std::move(p)}}; })
        .value();
}

}  // namespace

CONFORMANCE_TEST("send_after delivers once, in deadline order", "[timers]") {
    actor_system sys(backend.add_node("n1"));
    auto t = sys.spawn(ticker{}, {0, nullptr});
    send_after(t, 30ms, tick_message{tick_msg::tick{3}});
    send_after(t, 10ms, tick_message{tick_msg::tick{1}});
    send_after(t, 20ms, tick_message{tick_msg::tick{2}});
    CHECK(await_ticks(t, 3) == std::vector<int>{1, 2, 3});
}

CONFORMANCE_TEST("a cancelled timer never fires", "[timers]") {
    actor_system sys(backend.add_node("n1"));
    auto t = sys.spawn(ticker{}, {0, nullptr});
    auto cancelled = send_after(t, 5ms, tick_message{tick_msg::tick{99}});
    CHECK(cancelled.is_active());
    CHECK(cancelled.cancel());
    CHECK_FALSE(cancelled.is_active());
    CHECK_FALSE(cancelled.cancel());
    auto fired = send_after(t, 20ms, tick_message{tick_msg::tick{1}});
    CHECK(await_ticks(t, 1) == std::vector<int>{1});
    CHECK_FALSE(fired.cancel());  // it fired already
    // The cancelled one was due long before the one that arrived: it would have come first.
}

CONFORMANCE_TEST("send_interval delivers every period until its actor stops", "[timers]") {
    actor_system sys(backend.add_node("n1"));
    auto sup = sys.spawn(probe{});
    auto t = sys.spawn(ticker{}, {5, nullptr}, {.supervisor = sup});
    send_interval(t, 5ms, [n = 0]() mutable { return tick_message{tick_msg::tick{++n}}; });
    t.wait();
    auto seen = await_events(sup, 2);
    CHECK(seen[1].reason == "enough ticks");  // it stops itself at its fifth tick
}

CONFORMANCE_TEST("exit_after stops the actor with the reason and runs post_stop", "[timers]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = sys.spawn(probe{});
    auto t = sys.spawn(ticker{}, {0, log}, {.supervisor = sup});
    exit_after(t, 10ms, "time is up");
    t.wait();
    auto seen = await_events(sup, 2);
    CHECK(seen[1].what == supervision_event::kind::terminated);
    CHECK(seen[1].reason == "time is up");
    CHECK(log->lines() == std::vector<std::string>{"post_stop"});
}

CONFORMANCE_TEST("kill_after kills the actor and skips post_stop", "[timers]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = sys.spawn(probe{});
    auto t = sys.spawn(ticker{}, {0, log}, {.supervisor = sup});
    kill_after(t, 10ms);
    t.wait();
    auto seen = await_events(sup, 2);
    CHECK(seen[1].reason == "killed");
    CHECK(log->lines().empty());
}

CONFORMANCE_TEST("a call times out against a slow handler and the late reply is discarded", "[timers]") {
    actor_system sys(backend.add_node("n1"));
    auto g = sys.spawn(gate{});
    auto r = g.call([](reply_port<int> p) { return gate_message{gate_msg::pass{std::move(p)}}; }, 20ms);
    CHECK(r.is_timeout());
    CHECK(r.error() == "call timed out");
    // The gate still holds the timed-out port; opening it sends a reply nobody waits for.
    open_gate(g);
    auto again = g.call([](reply_port<int> p) { return gate_message{gate_msg::pass{std::move(p)}}; }, 10s);
    CHECK(again.value() == 1);
}

namespace {

namespace napper_msg {
struct nap {
    duration length;
    reply_port<duration> port;
};  ///< answers how long it slept
}  // namespace napper_msg

/// Sleeps in its handler and answers the time that passed on its node's clock.
struct napper : actor<napper_msg::nap> {
    void handle(actor_ref<napper_msg::nap> self, napper_msg::nap n, std::monostate&) {
        const auto& clock = self.system().runtime().clock;
        const time_point t0 = clock.now();
        const bool whole = self.system().sleep_for(n.length);
        n.port.send(whole ? clock.now() - t0 : duration::min());  // no CHECK off the test thread
    }
};

}  // namespace

CONFORMANCE_TEST("sleep_for waits on the node's clock, outside actors and in a handler",
                 "[timers]") {
    actor_system sys(backend.add_node("n1"));
    const auto& clock = sys.runtime().clock;
    const time_point t0 = clock.now();
    CHECK(sys.sleep_for(30ms));
    CHECK(clock.now() - t0 >= 30ms);
    auto a = sys.spawn(napper{});
    const auto slept = a.call([](reply_port<duration> r) {
        return napper_msg::nap{20ms, std::move(r)};
    });
    REQUIRE(slept.ok());
    CHECK(slept.value() >= 20ms);
    CHECK(sys.sleep_for(duration::zero()));
}
