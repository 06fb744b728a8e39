// A factory under load replays bit for bit on the simulator: same seed, same trace and the
// same counters; another seed schedules it differently.
#include <catch2/catch.hpp>

#include <chrono>
#include <utility>

#include <ractor/sim/world.hpp>

#include "support/factory_fixture.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;

namespace {

struct run_result {
    std::uint64_t hash = 0;
    factory::factory_stats stats;
};

/// A sticky-queuer factory with a small queue, a rate limit and a failing job, fed 200 jobs.
run_result run_factory(std::uint64_t seed) {
    sim::world world(seed);
    run_result out;
    {
        actor_system sys(world.add_node("n1"));
        auto log = sys.spawn(tally{});
        auto spec = recorder_spec(log, 3, factory::routing_mode::sticky_queuer);
        spec.discard = {.limit = 8, .mode = factory::discard_mode::oldest};
        spec.route.limit = factory::rate_limit{.capacity = 50, .refill = 10, .interval = 1ms};
        auto f = factory::spawn_factory(sys, std::move(spec));
        for (int v = 0; v < 200; ++v) {
            task_job j = make_job(v % 7, v);
            j.msg.fail = v % 50 == 49;
            f.dispatch(std::move(j));
            if (v % 20 == 19) let_time_pass(sys, 1ms);
        }
        let_time_pass(sys, 10ms);
        out.stats = stats_of(f);
        f.actor().stop_and_wait();
        world.run();
    }
    out.hash = world.trace_hash();
    return out;
}

}  // namespace

TEST_CASE("a factory's run replays exactly for a seed", "[simulation][factory]") {
    const run_result a = run_factory(11);
    const run_result b = run_factory(11);
    CHECK(a.hash == b.hash);
    CHECK(a.stats.completed == b.stats.completed);
    CHECK(a.stats.discarded == b.stats.discarded);
    CHECK(a.stats.lost == b.stats.lost);
    // Only the four failing jobs can be lost (others may shed them first); each loss is a respawn.
    CHECK(a.stats.lost <= 4);
    CHECK(a.stats.respawns == a.stats.lost);
    CHECK(a.stats.received == 200);
    CHECK(a.stats.completed + a.stats.lost + a.stats.discarded_for(factory::discard_reason::load_shed) +
              a.stats.discarded_for(factory::discard_reason::rate_limited) ==
          200);
    const run_result c = run_factory(12);
    CHECK(c.hash != a.hash);
}
