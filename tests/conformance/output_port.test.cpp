// Output ports on every backend: one source, subscribers of different message types.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <variant>

#include <ractor/output_port.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;

namespace {

struct flush {
    reply_port<int> port;
};

/// Logs every text it gets as "text ...".
struct text_sink : actor<std::variant<std::string, flush>, log_ptr, log_ptr> {
    log_ptr pre_start(actor_ref<message_type>, log_ptr log) { return log; }
    void handle(actor_ref<message_type>, message_type m, log_ptr& log) {
        if (auto* s = std::get_if<std::string>(&m)) {
            log->add("text " + *s);
        } else {
            std::get<flush>(m).port.send(0);
        }
    }
};

/// Logs every number it gets as "number N".
struct number_sink : actor<std::variant<int, flush>, log_ptr, log_ptr> {
    log_ptr pre_start(actor_ref<message_type>, log_ptr log) { return log; }
    void handle(actor_ref<message_type>, message_type m, log_ptr& log) {
        if (auto* n = std::get_if<int>(&m)) {
            log->add("number " + std::to_string(*n));
        } else {
            std::get<flush>(m).port.send(0);
        }
    }
};

/// Waits until `a` handled everything cast to it before (one sender's casts stay in order).
template <class Msg>
void flush_of(const actor_ref<Msg>& a) {
    REQUIRE(a.call([](reply_port<int> p) { return Msg(flush{std::move(p)}); }).ok());
}

}  // namespace

CONFORMANCE_TEST("an output port maps each value into each subscriber's own type",
                 "[output_port]") {
    actor_system sys(backend.add_node("n1"));
    auto texts = make_log();
    auto numbers = make_log();
    auto t = sys.spawn(text_sink{}, texts);
    auto n = sys.spawn(number_sink{}, numbers);
    output_port<int> port;
    const auto t_sub = port.subscribe(t, [](const int& v) { return "v" + std::to_string(v); });
    port.subscribe(n,
                   [](const int& v) { return v % 2 == 1 ? std::optional<int>(v) : std::nullopt; });
    CHECK(port.subscriber_count() == 2);
    for (int v = 1; v <= 3; ++v) port.send(v);
    flush_of(t);
    flush_of(n);
    CHECK(texts->lines() == std::vector<std::string>{"text v1", "text v2", "text v3"});
    CHECK(numbers->lines() == std::vector<std::string>{"number 1", "number 3"});

    n.stop_and_wait();  // its subscription ends with it
    CHECK(port.subscriber_count() == 1);
    port.send(5);
    flush_of(t);
    CHECK(texts->lines().back() == "text v5");

    CHECK(port.unsubscribe(t_sub));
    CHECK_FALSE(port.unsubscribe(t_sub));
    port.send(6);
    flush_of(t);
    CHECK(texts->lines().back() == "text v5");
    CHECK(port.subscriber_count() == 0);
}
