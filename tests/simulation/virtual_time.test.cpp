// Timers on the simulator run in virtual time: hours pass in milliseconds, exactly on time.
#include <catch2/catch.hpp>

#include <chrono>

#include <ractor/ractor.hpp>
#include <ractor/sim/world.hpp>

#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;

namespace {

/// Records the virtual time of each tick it receives.
struct clocked : actor<int, std::shared_ptr<std::vector<time_point>>, std::shared_ptr<std::vector<time_point>>> {
    std::shared_ptr<std::vector<time_point>> pre_start(actor_ref<int>, std::shared_ptr<std::vector<time_point>> t) {
        return t;
    }
    void handle(actor_ref<int> self, int, std::shared_ptr<std::vector<time_point>>& times) {
        times->push_back(self.system().runtime().clock.now());
    }
};

/// Sends itself a message at a random time within the hour, then stops when it arrives.
struct sleeper : actor<int, std::shared_ptr<long>, std::shared_ptr<long>> {
    std::shared_ptr<long> pre_start(actor_ref<int> self, std::shared_ptr<long> done) {
        const auto& rt = self.system().runtime();
        send_after(self, std::chrono::milliseconds(rt.entropy.next_u64() % 3'600'000), 0);
        return done;
    }
    void handle(actor_ref<int> self, int, std::shared_ptr<long>& done) {
        ++*done;
        self.stop();
    }
};

}  // namespace

TEST_CASE("send_interval over N periods delivers exactly N times in virtual time", "[simulation]") {
    sim::world world(3);
    actor_system sys(world.add_node("n1"));
    auto times = std::make_shared<std::vector<time_point>>();
    auto a = sys.spawn(clocked{}, times);
    const time_point start = world.now();
    auto h = send_interval(a, 1h, [] { return 0; });
    exit_after(a, 10h + 30min);
    a.wait();
    REQUIRE(times->size() == 10);
    for (std::size_t i = 0; i < times->size(); ++i) CHECK((*times)[i] - start == (i + 1) * 1h);
    // The actor's exit cancelled the interval: no timer is left to advance the clock.
    CHECK_FALSE(h.is_active());
    world.run();
    CHECK(world.now() - start == 10h + 30min);
}

TEST_CASE("exit_after of one virtual hour takes no wall time", "[simulation]") {
    sim::world world(4);
    actor_system sys(world.add_node("n1"));
    auto times = std::make_shared<std::vector<time_point>>();
    auto a = sys.spawn(clocked{}, times);
    const auto wall = std::chrono::steady_clock::now();
    exit_after(a, 1h);
    a.wait();
    CHECK(world.now() - time_point{} == 1h);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wall);
    WARN("one virtual hour took " << ms.count() << " ms of wall time");
}

TEST_CASE("10,000 actors waiting on timers up to one virtual hour all complete", "[simulation]") {
    sim::world world(5, {.keep_events = false});
    actor_system sys(world.add_node("n1"));
    auto done = std::make_shared<long>(0);
    const auto wall = std::chrono::steady_clock::now();
    for (int i = 0; i < 10'000; ++i) sys.spawn(sleeper{}, done);
    world.run();
    CHECK(*done == 10'000);
    CHECK(sys.alive_count() == 0);
    CHECK(world.now() - time_point{} <= 1h);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wall);
    WARN("10,000 actors x timers up to 1 virtual hour: " << ms.count() << " ms wall, virtual "
         << std::chrono::duration_cast<std::chrono::seconds>(world.now() - time_point{}).count() << " s");
}

TEST_CASE("a dead actor's timers are released at its exit, not when they come due", "[simulation]") {
    sim::world world(6);
    actor_system sys(world.add_node("n1"));
    auto times = std::make_shared<std::vector<time_point>>();
    auto a = sys.spawn(clocked{}, times);
    auto far = send_after(a, 24h, 1);
    auto again = send_interval(a, 1h, [] { return 2; });
    a.stop_and_wait();
    CHECK_FALSE(far.is_active());
    CHECK_FALSE(again.is_active());
    world.run();
    CHECK(world.now() == time_point{});  // nothing was left pending
    CHECK(times->empty());
    // A timer aimed at an actor that is already gone never starts.
    CHECK_FALSE(send_after(a, 1h, 3).is_active());
}

TEST_CASE("the caller of world steps is outside actors again afterwards", "[simulation]") {
    /// Naps again and again inside one handler, so it is the last to park before a step ends.
    struct napper : actor<int, any_actor_ref, any_actor_ref> {
        any_actor_ref pre_start(actor_ref<int>, any_actor_ref target) { return target; }
        void handle(actor_ref<int>, int, any_actor_ref& target) {
            for (int i = 0; i < 100000; ++i) target.wait_for(1ms);
        }
    };
    sim::world w(1);
    actor_system sys(w.add_node("n1"));
    auto target = sys.spawn(clocked{}, std::make_shared<std::vector<time_point>>());
    auto n = sys.spawn(napper{}, any_actor_ref(target));
    n.cast(0);
    w.run_for(30ms);  // stepping directly, not through a blocking call
    CHECK(ractor::detail::current_cell() == nullptr);
    // The test's own waits: killing the napper must neither unwind them nor end them early.
    n.kill_and_wait();
    CHECK(n.status() == actor_status::stopped);
    CHECK_FALSE(target.wait_for(5ms));
    CHECK(w.now() == time_point(35ms));
}
