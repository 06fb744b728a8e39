// rpc beyond one call, on every backend: multi_call and call_and_forward.
#include <catch2/catch.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;

namespace {

struct doubler_msg { int n; reply_port<int> port; };
/// Replies with twice its argument.
struct doubler : actor<doubler_msg> {
    void handle(actor_ref<doubler_msg>, doubler_msg m, std::monostate&) { m.port.send(2 * m.n); }
};
/// Never replies; keeps the ports (so callers time out rather than get a sender error).
struct hoarder : actor<doubler_msg, std::vector<reply_port<int>>> {
    void handle(actor_ref<doubler_msg>, doubler_msg m, std::vector<reply_port<int>>& kept) {
        kept.push_back(std::move(m.port));
    }
};

auto ask(int n) {
    return [n](reply_port<int> p) { return doubler_msg{n, std::move(p)}; };
}

}  // namespace

CONFORMANCE_TEST("multi_call gives one result per target, in order, each with its own outcome", "[rpc]") {
    actor_system sys(backend.add_node("n1"));
    auto a = sys.spawn(doubler{});
    auto stopped = sys.spawn(doubler{});
    auto b = sys.spawn(doubler{});
    stopped.stop_and_wait();
    auto results = multi_call(std::vector<actor_ref<doubler_msg>>{a, stopped, b}, ask(21), 10s);
    REQUIRE(results.size() == 3);
    CHECK(results[0].value() == 42);
    CHECK(results[1].is_sender_error());
    CHECK(results[1].error() == "actor stopped");
    CHECK(results[2].value() == 42);
}

CONFORMANCE_TEST("multi_call reports a slow target as a timeout and the others as successes", "[rpc]") {
    actor_system sys(backend.add_node("n1"));
    auto a = sys.spawn(doubler{});
    auto slow = sys.spawn(hoarder{});
    auto results = multi_call(std::vector<actor_ref<doubler_msg>>{slow, a}, ask(5), 30ms);
    REQUIRE(results.size() == 2);
    CHECK(results[0].is_timeout());
    CHECK(results[1].value() == 10);
    CHECK(multi_call(std::vector<actor_ref<doubler_msg>>{}, ask(1), 1s).empty());
}

CONFORMANCE_TEST("multi_call from inside a handler parks only that actor", "[rpc]") {
    struct fan_out : actor<reply_port<int>, std::vector<actor_ref<doubler_msg>>, std::vector<actor_ref<doubler_msg>>> {
        std::vector<actor_ref<doubler_msg>> pre_start(actor_ref<reply_port<int>>, std::vector<actor_ref<doubler_msg>> t) {
            return t;
        }
        void handle(actor_ref<reply_port<int>>, reply_port<int> out, std::vector<actor_ref<doubler_msg>>& targets) {
            int sum = 0;
            for (auto& r : multi_call(targets, ask(1), 10s)) sum += r.value();
            out.send(sum);
        }
    };
    actor_system sys(backend.add_node("n1"));
    std::vector<actor_ref<doubler_msg>> targets;
    for (int i = 0; i < 10; ++i) targets.push_back(sys.spawn(doubler{}));
    auto f = sys.spawn(fan_out{}, targets);
    CHECK(f.call([](reply_port<int> p) { return p; }, 10s).value() == 20);
}

CONFORMANCE_TEST("call_and_forward forwards the mapped reply and nothing on failure", "[rpc]") {
    actor_system sys(backend.add_node("n1"));
    auto d = sys.spawn(doubler{});
    auto slow = sys.spawn(hoarder{});
    auto dead = sys.spawn(doubler{});
    dead.stop_and_wait();
    auto log = make_log();
    // Logs every text it gets; the handle of its first text is passed to the test.
    using collector_msg = std::variant<std::string, reply_port<int>>;
    struct collector : actor<collector_msg, std::pair<log_ptr, std::optional<reply_port<int>>>, log_ptr> {
        std::pair<log_ptr, std::optional<reply_port<int>>> pre_start(actor_ref<collector_msg>, log_ptr l) {
            return {l, std::nullopt};
        }
        void handle(actor_ref<collector_msg>, collector_msg m, std::pair<log_ptr, std::optional<reply_port<int>>>& s) {
            if (auto* text = std::get_if<std::string>(&m)) s.first->add(*text);
            else s.second = std::move(std::get<reply_port<int>>(m));
            if (s.second && !s.first->lines().empty()) s.second->send(1);
        }
    };
    auto c = sys.spawn(collector{}, log);
    auto to_text = [](int v) { return collector_msg{"got " + std::to_string(v)}; };
    call_and_forward(slow, ask(1), c, to_text, 10ms);
    call_and_forward(dead, ask(2), c, to_text, 10s);
    call_and_forward(d, ask(3), c, to_text, 10s);
    CHECK(c.call([](reply_port<int> p) { return collector_msg{std::move(p)}; }, 10s).value() == 1);
    // Past the slow call's timeout, nothing else may have arrived.
    exit_after(c, 50ms);
    c.wait();
    CHECK(log->lines() == std::vector<std::string>{"got 6"});
}

namespace {

struct ask_self {
    reply_port<std::string> port;
};
struct echo_number {
    reply_port<int> port;
};
using narcissus_message = std::variant<ask_self, echo_number>;

/// Asked to, calls itself and answers with the error it got.
struct narcissus : actor<narcissus_message> {
    void handle(actor_ref<narcissus_message> self, narcissus_message m, std::monostate&) {
        if (auto* a = std::get_if<ask_self>(&m)) {
            using namespace std::chrono_literals;
            const auto r = self.call(
                [](reply_port<int> p) { return narcissus_message{echo_number{std::move(p)}}; }, 5s);
            a->port.send(r.ok() ? std::string("answered") : r.error());
        } else {
            std::get<echo_number>(m).port.send(7);
        }
    }
};

}  // namespace

CONFORMANCE_TEST("a call an actor makes to itself fails at once as calling_self", "[rpc]") {
    actor_system sys(backend.add_node("n1"));
    auto a = sys.spawn(narcissus{});
    const auto r =
        a.call([](reply_port<std::string> p) { return narcissus_message{ask_self{std::move(p)}}; });
    REQUIRE(r.ok());
    CHECK(r.value() == calling_self_error);
    CHECK(a.is_alive());
    // The refused call sent nothing: the actor still answers others.
    CHECK(a.call([](reply_port<int> p) {
               return narcissus_message{echo_number{std::move(p)}};
           }).value() == 7);
}
