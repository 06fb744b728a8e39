// Derived references on every backend: a reference restricted to part of an actor's messages.
#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include <ractor/derived_ref.hpp>
#include <ractor/timers.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;

namespace {

struct note {
    std::string text;
};
struct count_notes {
    reply_port<std::size_t> port;
};
/// Owner-only: clients get derived references without it.
struct reset {};
using counter_message = std::variant<note, count_notes, reset>;

/// Counts notes; `reset` clears the count.
struct counter : actor<counter_message, std::size_t> {
    void handle(actor_ref<counter_message>, counter_message m, std::size_t& n) {
        std::visit(overloaded{[&](note&) { ++n; }, [&](count_notes& c) { c.port.send(n); },
                              [&](reset&) { n = 0; }},
                   m);
    }
};

}  // namespace

CONFORMANCE_TEST("a derived reference casts, calls and takes timers in its part of the messages",
                 "[derived_ref]") {
    actor_system sys(backend.add_node("n1"));
    auto full = sys.spawn(counter{});
    const derived_ref<note> notes(full);
    const derived_ref<count_notes> counts(full);
    CHECK(notes.id() == full.id());
    CHECK(notes.cast(note{"a"}) == send_status::ok);
    CHECK(notes.cast(note{"b"}) == send_status::ok);
    const auto n =
        counts.call([](reply_port<std::size_t> p) { return count_notes{std::move(p)}; }, 10s);
    REQUIRE(n.ok());
    CHECK(n.value() == 2);

    send_after(notes, 20ms, note{"later"});
    sys.sleep_for(100ms);
    CHECK(
        counts.call([](reply_port<std::size_t> p) { return count_notes{std::move(p)}; }).value() ==
        3);
    full.cast(reset{});
    CHECK(
        counts.call([](reply_port<std::size_t> p) { return count_notes{std::move(p)}; }).value() ==
        0);

    full.stop_and_wait();
    CHECK(notes.cast(note{"late"}) == send_status::stopped);
    CHECK(counts.call([](reply_port<std::size_t> p) { return count_notes{std::move(p)}; })
              .is_sender_error());
}
