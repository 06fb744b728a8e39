// A supervised service on the simulator: a one_for_one supervisor keeps a counter service
// alive through bad requests, and every seed gives the same trace when run twice.
//
// Build it with the project (target `example_supervised_service`) and run it: it prints
// one line per seed and exits 0 when every check held, 1 otherwise.
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <variant>

#include <ractor/ractor.hpp>
#include <ractor/sim/world.hpp>
#include <ractor/supervisor.hpp>

namespace {

using namespace std::chrono_literals;

namespace counter_msg {
struct add { int delta; };                     ///< cast: adds `delta`; a negative one is a bug
struct total { ractor::reply_port<int> port; };  ///< call: the sum so far
}  // namespace counter_msg
using counter_message = std::variant<counter_msg::add, counter_msg::total>;

/// Sums what it is sent; a negative delta makes it throw, which fails the actor.
struct counter : ractor::actor<counter_message, int> {
    void handle(ractor::actor_ref<counter_message>, counter_message m, int& sum) {
        if (auto* a = std::get_if<counter_msg::add>(&m)) {
            if (a->delta < 0) throw std::invalid_argument("negative delta " + std::to_string(a->delta));
            sum += a->delta;
        } else {
            std::get<counter_msg::total>(m).port.send(sum);
        }
    }
};

/// The counter's child spec: registered as "counter" so clients find each incarnation.
ractor::child_spec counter_spec() {
    return {"counter", [](const ractor::any_actor_ref& sup) -> ractor::any_actor_ref {
                return sup.system().spawn(counter{}, {}, {.name = "counter", .supervisor = sup});
            }};
}

void check(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error(what);
}

int total_of(const ractor::actor_ref<counter_message>& c) {
    auto r = c.call([](ractor::reply_port<int> p) { return counter_message{counter_msg::total{std::move(p)}}; }, 1s);
    check(r.ok(), "the counter did not answer");
    return r.value();
}

/// The counter registered now, once it is a different incarnation than `old`.
ractor::actor_ref<counter_message> restarted(ractor::actor_system& sys, const ractor::actor_ref<counter_message>& old) {
    auto sleeper = sys.spawn(counter{});
    for (int i = 0; i < 100; ++i) {
        if (auto c = sys.where_is<counter_message>("counter"); c && c->id() != old.id()) {
            sleeper.stop();
            return *c;
        }
        sleeper.wait_for(10ms);  // lets 10 ms of virtual time pass
    }
    throw std::runtime_error("the supervisor did not restart the counter");
}

/// One run: sums, a crash, the restart with fresh state, sums again. Returns the trace hash.
std::uint64_t run(std::uint64_t seed) {
    ractor::sim::world world(seed);
    {
        ractor::actor_system sys(world.add_node("service"));
        auto sup = ractor::spawn_supervisor(sys, {.strategy = ractor::supervisor_strategy::one_for_one,
                                                  .intensity = 3,
                                                  .period = 5s,
                                                  .children = {counter_spec()}});
        auto c = sys.where_is<counter_message>("counter").value();
        c.cast(counter_msg::add{2});
        c.cast(counter_msg::add{3});
        check(total_of(c) == 5, "2 + 3 is not 5");
        c.cast(counter_msg::add{-1});  // the bug: the counter fails, the supervisor restarts it
        auto again = restarted(sys, c);
        check(total_of(again) == 0, "a restarted counter starts from its initial state");
        again.cast(counter_msg::add{7});
        check(total_of(again) == 7, "the restarted counter does not count");
        check(ractor::count_children(sup).active == 1, "the supervisor lost its child");
    }
    return world.trace_hash();
}

}  // namespace

int main() {
    int failures = 0;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        try {
            const std::uint64_t first = run(seed);
            const std::uint64_t second = run(seed);
            check(first == second, "seed " + std::to_string(seed) + " is not deterministic");
            std::printf("seed %llu: ok, trace hash 0x%016llx\n", static_cast<unsigned long long>(seed),
                        static_cast<unsigned long long>(first));
        } catch (const std::exception& e) {
            std::printf("seed %llu: FAILED: %s\n", static_cast<unsigned long long>(seed), e.what());
            ++failures;
        }
    }
    return failures == 0 ? 0 : 1;
}
