// Code outside actors is a task of the simulation: at its sends and registry calls the world
// may run actors first, so a lookup followed by a call can meet a crash in between, as it
// does on asio.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <variant>

#include <ractor/ractor.hpp>
#include <ractor/sim/world.hpp>

using namespace ractor;

namespace {

constexpr std::uint64_t seeds = 500;

struct ask {
    reply_port<int> port;
};
struct crash {};
using request = std::variant<ask, crash>;

/// Answers asks; a crash message makes its handler throw.
struct child : actor<request> {
    void handle(actor_ref<request>, request r, std::monostate&) {
        if (std::holds_alternative<crash>(r)) throw std::runtime_error("crash");
        std::get<ask>(r).port.send(42);
    }
};

/// Sends the child a crash when told to.
struct chaos : actor<std::monostate, actor_ref<request>, actor_ref<request>> {
    actor_ref<request> pre_start(actor_ref<std::monostate>, actor_ref<request> c) { return c; }
    void handle(actor_ref<std::monostate>, std::monostate, actor_ref<request>& c) { c.cast(crash{}); }
};

enum class outcome { answered, dropped, refused, not_found };

/// Starts the crash, then (from outside any actor) looks the child up and calls it.
outcome run_seed(std::uint64_t seed, std::uint32_t sync_choice_one_in) {
    sim::world w(seed, sim::world_options{.keep_events = false, .sync_choice_one_in = sync_choice_one_in});
    actor_system sys(w.add_node("n1"));
    auto c = sys.spawn(child{}, {}, {.name = "child"});
    sys.spawn(chaos{}, c).cast(std::monostate{});
    auto found = sys.where_is<request>("child");
    if (!found) return outcome::not_found;
    const auto r = found->call([](reply_port<int> p) { return request{ask{std::move(p)}}; });
    if (r.ok()) return outcome::answered;
    INFO("seed " << seed << ": " << r.error());
    REQUIRE(r.is_sender_error());
    return r.error() == "stopped" ? outcome::refused : outcome::dropped;
}

struct counts {
    std::uint64_t answered = 0, dropped = 0, refused = 0, not_found = 0;
    std::uint64_t first_dropped = 0;
};

counts sweep(std::uint32_t sync_choice_one_in) {
    counts n;
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        switch (run_seed(seed, sync_choice_one_in)) {
            case outcome::answered: ++n.answered; break;
            case outcome::dropped:
                if (n.dropped++ == 0) n.first_dropped = seed;
                break;
            case outcome::refused: ++n.refused; break;
            case outcome::not_found: ++n.not_found; break;
        }
    }
    return n;
}

}  // namespace

TEST_CASE("sim: a lookup and call from outside actors meets the child's crash under some seeds",
          "[sim][outside]") {
    const counts n = sweep(sim::world_options{}.sync_choice_one_in);
    WARN("of " << seeds << " seeds: " << n.answered << " answered, " << n.dropped << " dropped (first: seed "
               << n.first_dropped << "), " << n.refused << " refused at admission, " << n.not_found
               << " found no child");
    CHECK(n.dropped > 0);
    CHECK(n.answered > 0);
}

TEST_CASE("sim: without sync-point choices outside code runs between steps and is always answered",
          "[sim][outside]") {
    const counts n = sweep(0);
    CHECK(n.answered == seeds);
}
