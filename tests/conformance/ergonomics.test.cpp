// Calls and messages that are pleasant to write, on every backend: call_result combinators,
// generic request builders, timers taking any alternative of a variant message.
#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;

namespace {

namespace kv {
struct put {
    std::string key;
    int value;
};
struct get {
    std::string key;
    reply_port<int> reply;
};  ///< the reply type comes from its one port
struct size {
    reply_port<std::size_t> reply;
};
struct name_of {  ///< the reply type spelled as an alias
    using reply_type = std::string;
    int index;
    reply_port<std::string> reply;
};
struct hold {
    reply_port<int> reply;
};  ///< kept, never answered
struct tick {};
struct ticks {
    std::size_t at_least;
    reply_port<std::size_t> reply;
};
}  // namespace kv
using kv_message =
    std::variant<kv::put, kv::get, kv::size, kv::name_of, kv::hold, kv::tick, kv::ticks>;

struct kv_state {
    std::vector<std::pair<std::string, int>> entries;
    std::vector<reply_port<int>> held;
    std::size_t ticks = 0;
    std::vector<kv::ticks> waiting;
};

/// A small key-value store that also counts ticks.
struct store : actor<kv_message, kv_state> {
    void handle(actor_ref<kv_message>, kv_message msg, kv_state& s) {
        std::visit(overloaded{
                       [&](kv::put& p) { s.entries.emplace_back(p.key, p.value); },
                       [&](kv::get& g) {
                           for (auto& [k, v] : s.entries) {
                               if (k == g.key) {
                                   g.reply.send(v);
                                   return;
                               }
                           }
                           // An unknown key drops the port: the caller gets a sender error.
                       },
                       [&](kv::size& q) { q.reply.send(s.entries.size()); },
                       [&](kv::name_of& n) {
                           n.reply.send(s.entries.at(static_cast<std::size_t>(n.index)).first);
                       },
                       [&](kv::hold& h) { s.held.push_back(std::move(h.reply)); },
                       [&](kv::tick&) { ++s.ticks; },
                       [&](kv::ticks& t) { s.waiting.push_back(std::move(t)); },
                   },
                   msg);
        std::erase_if(s.waiting, [&](kv::ticks& t) {
            if (s.ticks < t.at_least) return false;
            t.reply.send(s.ticks);
            return true;
        });
    }
};

auto get_of(std::string key) {
    return [key = std::move(key)](auto reply) { return kv::get{key, std::move(reply)}; };
}

// The deduction is a compile-time fact; these fail the build, not the run, if it breaks.
static_assert(std::is_same_v<message_reply<kv::get>::type, int>);
static_assert(std::is_same_v<message_reply<kv::name_of>::type, std::string>);
struct two_ports {
    reply_port<int> a;
    reply_port<int> b;
};
template <class T>
concept has_reply = requires {
    typename message_reply<T>::type;
};
static_assert(!has_reply<two_ports>, "two reply ports are ambiguous");
static_assert(!has_reply<kv::put>, "no reply port, no reply type");
static_assert(!has_reply<kv_message>, "the whole variant names no one reply");

}  // namespace

CONFORMANCE_TEST("a generic builder deduces the reply type from the message it makes",
                 "[ergonomics]") {
    actor_system sys(backend.add_node("n1"));
    auto a = sys.spawn(store{});
    a.cast(kv::put{"x", 7});
    a.cast(kv::put{"y", 9});
    call_result<int> x = a.call([](auto reply) { return kv::get{"x", std::move(reply)}; }, 10s);
    CHECK(x.value() == 7);
    call_result<std::size_t> n = a.call([](auto reply) { return kv::size{std::move(reply)}; }, 10s);
    CHECK(n.value() == 2);
    call_result<std::string> name = a.call(
        [](auto reply) {
            return kv::name_of{1, std::move(reply)};
        },
        10s);
    CHECK(name.value() == "y");
    // Spelling the port out keeps working, and so does a generic builder in multi_call.
    CHECK(a.call([](reply_port<int> p) { return kv::get{"y", std::move(p)}; }, 10s).value() == 9);
    auto all = multi_call(std::vector<actor_ref<kv_message>>{a, a}, get_of("y"), 10s);
    REQUIRE(all.size() == 2);
    CHECK(all[1].value() == 9);
}

CONFORMANCE_TEST("call_result combinators pass a failure through with its status and reason",
                 "[ergonomics]") {
    actor_system sys(backend.add_node("n1"));
    auto a = sys.spawn(store{});
    a.cast(kv::put{"x", 20});

    auto found = a.call(get_of("x"), 10s);
    CHECK(found.map([](int v) { return std::to_string(v + 1); }).value() == "21");
    CHECK(found.value_or(-1) == 20);
    CHECK(found.or_else([](const call_result<int>&) { return 0; }).value() == 20);
    // and_then chains a second call, which runs only after a success.
    auto chained =
        found.and_then([&](int v) { return a.call(get_of(v == 20 ? "missing" : "x"), 10s); });
    CHECK(chained.is_sender_error());

    auto missing = a.call(get_of("missing"), 10s);
    REQUIRE(missing.is_sender_error());
    auto mapped = missing.map([](int v) { return v * 2.0; });
    static_assert(std::is_same_v<decltype(mapped), call_result<double>>);
    CHECK(mapped.is_sender_error());
    CHECK(mapped.error() == missing.error());
    CHECK(missing.value_or(-1) == -1);
    bool ran = false;
    CHECK(missing
              .and_then([&](int) {
                  ran = true;
                  return call_result<int>::success(1);
              })
              .is_sender_error());
    CHECK_FALSE(ran);
    // or_else sees why the call failed and may recover with a value or another call.
    std::string why;
    CHECK(missing
              .or_else([&](const call_result<int>& r) {
                  why = r.error();
                  return 5;
              })
              .value() == 5);
    CHECK(why == missing.error());
    CHECK(missing.or_else([&](const call_result<int>&) { return a.call(get_of("x"), 10s); })
              .value() == 20);

    auto late = a.call([](auto reply) { return kv::hold{std::move(reply)}; }, 20ms);
    REQUIRE(late.is_timeout());
    CHECK(std::move(late).map([](int v) { return v; }).is_timeout());
    CHECK(late.or_else([](const call_result<int>& r) { return r.is_timeout() ? 1 : 2; }).value() ==
          1);
}

CONFORMANCE_TEST("send_after and send_interval take any alternative of the message variant",
                 "[ergonomics]") {
    actor_system sys(backend.add_node("n1"));
    auto a = sys.spawn(store{});
    send_after(a, 1ms, kv::tick{});
    CHECK(a.call([](auto reply) { return kv::ticks{1, std::move(reply)}; }, 10s).value() == 1);
    auto every = send_interval(a, 2ms, kv::tick{});  // a value, copied for each tick
    auto made = send_interval(a, 3ms, [] { return kv::tick{}; });
    CHECK(a.call([](auto reply) { return kv::ticks{7, std::move(reply)}; }, 10s).value() >= 7);
    CHECK(every.cancel());
    CHECK(made.cancel());
}

CONFORMANCE_TEST("try_as types a reference without throwing, and says when the type is wrong",
                 "[ergonomics]") {
    actor_system sys(backend.add_node("n1"));
    any_actor_ref untyped = sys.spawn(store{}, {}, spawn_options{.name = "kv"});
    CHECK_FALSE(untyped.try_as<int>().has_value());
    CHECK_FALSE(sys.where_is("kv")->try_as<std::string>());
    auto typed = sys.where_is("kv")->try_as<kv_message>();
    REQUIRE(typed.has_value());
    CHECK(*typed == untyped);
    CHECK(typed->call([](auto reply) { return kv::size{std::move(reply)}; }, 10s).value() == 0);
}

namespace {
/// Defines no handle at all: the default ignores every message.
struct silent : actor<kv_message> {};
struct misspelled : actor<int> {
    void handle_supervisor_event(actor_ref<int>, const supervision_event&, std::monostate&) {}
};
static_assert(detail::has_misspelled_callback<misspelled>(), "a near-miss callback name is caught");
static_assert(!detail::has_misspelled_callback<store>());
}  // namespace

CONFORMANCE_TEST("an actor without handle ignores messages and drops their reply ports",
                 "[ergonomics]") {
    actor_system sys(backend.add_node("n1"));
    auto a = sys.spawn(silent{});
    CHECK(a.cast(kv::tick{}) == send_status::ok);
    auto r = a.call([](auto reply) { return kv::size{std::move(reply)}; }, 10s);
    CHECK(r.is_sender_error());
    CHECK(a.is_alive());
}
