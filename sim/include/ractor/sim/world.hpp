#pragma once
/// \file
/// The simulated world: nodes on one thread, a seeded scheduler, virtual time and a trace.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ractor/runtime/runtime.hpp>
#include <ractor/sim/assertion_tally.hpp>
#include <ractor/sim/errors.hpp>
#include <ractor/sim/fault_tally.hpp>
#include <ractor/sim/network_options.hpp>
#include <ractor/sim/recorded_event.hpp>
#include <ractor/sim/scheduling_strategy.hpp>
#include <ractor/sim/time_options.hpp>

namespace ractor {
class actor_system;
}

namespace ractor::sim {

namespace internal {
class world_core;
}

struct fault_plan;

/// Settings of a world.
struct world_options {
    /// Messages one actor processes before it yields its place (`runtime::batch_budget`).
    std::size_t batch_budget = 1;
    /// Keep every recorded event in `world::events()`; the hash is kept either way.
    bool keep_events = true;
    /// Steps after which the next `step` throws `step_budget_exceeded`; 0: unlimited.
    std::size_t max_steps = 0;
    /// Stack size of each worker fiber, in bytes (a guard page below it catches overflow).
    std::size_t fiber_stack_size = 256 * 1024;
    /// Latencies, frame size limit and connect time-out of the simulated network.
    network_options network{};
    /// One in how many sync points of the core (`ractor::sync_point`: between a send's
    /// admission and its enqueue, status and link changes, registry and group updates,
    /// reply delivery) offers the strategy a choice, when other work is ready; 0: none, so
    /// handlers are atomic as before. Rare enough that a handler usually runs through, as
    /// on a real runtime; often enough that a few hundred seeds reach a narrow window.
    std::uint32_t sync_choice_one_in = 8;
};

/// A deterministic simulation of any number of nodes, run on the thread that created it.
///
/// Every node gets a `runtime` whose executor, clock, entropy and trace sink belong to this
/// world. Work runs one step at a time: a step runs one scheduled runnable (on a pooled
/// worker fiber) or resumes one unparked fiber, chosen by the scheduling strategy; when
/// nothing is ready, a step advances virtual time to the earliest timer and fires it.
/// The same seed and the same program give a bit-identical trace (`trace_hash`).
///
/// Inside a step, timed Boost.Fiber waits and wall-clock sleeps on this thread abort the
/// process with a message: they would make the run depend on real time.
///
/// Everything, including `executor::unpark` and the clock's timers, must be called on the
/// world's thread (other threads get std::logic_error). Besides what node code records, the
/// world records `timer` (value: timer id; node: the node that started it), and for parks
/// of worker fibers `park` (peer: worker fiber id; value: deadline in ns, 0 if none) and
/// `wake` (peer: worker fiber id; value: the `wake_reason`), and `fault` for every fault it
/// injects (text: which; timed faults of a plan fire from world timers of node 0).
///
/// Every node's `runtime::net` is its transport on the world's simulated network (see
/// docs/simulator.md, "Simulated network"): addresses are any unique strings, every packet
/// takes a seeded latency (`world_options::network`) and arrives as a world timer, and the
/// network's faults are world calls (`partition`, `clog`, ...) or parts of a fault plan.
///
/// Every node's `runtime::assertions` records the hits of assertion sites for the run
/// (`assertion_tallies`); hits do not enter the trace.
///
/// Every node's `runtime::faults` is the world's fault injector for it: with no plan applied
/// it injects nothing and `buggify` is false. `apply` installs a fault plan (see
/// docs/simulator.md, "Fault plans").
///
/// Actor systems using a node's runtime must be destroyed before the world. Destroying a
/// world with fibers still parked resumes them with `wake_reason::interrupted` so that they
/// unwind; runnables that were scheduled but never ran are dropped.
class world {
public:
    /// A world whose every random choice derives from `seed`.
    explicit world(std::uint64_t seed, world_options opts = {});
    ~world();

    world(const world&) = delete;
    world& operator=(const world&) = delete;
    world(world&&) = delete;
    world& operator=(world&&) = delete;

    /// Adds a node (ids 1, 2, 3... in call order) and returns its runtime, valid while the
    /// world lives.
    ractor::runtime& add_node(std::string name);

    /// Adds a node whose actor system the world owns and returns its runtime. The world
    /// creates the system and calls `startup` on it at once, on the calling thread (so it may
    /// block, driving the world, like any code outside actors); after a crash and restart it
    /// creates a fresh system and calls `startup` again, then from inside a world step, where
    /// it must not block (spawning, registering and sending are fine). An exception from the
    /// first call propagates; one from a restart is recorded as a fault. Only such nodes can
    /// be crashed, and only their actors can be killed or stopped by a fault plan. The world
    /// shuts these systems down (kill and wait) when it is destroyed.
    ractor::runtime& add_node(std::string name,
                              std::function<void(ractor::actor_system&)> startup);

    /// The actor system the world runs on node `id`: null if the node was added without a
    /// start-up function or is crashed. Throws std::out_of_range for an unknown id.
    ractor::actor_system* node_system(std::uint64_t id);

    /// False while node `id` is crashed (nodes without a start-up function are always up).
    bool node_up(std::uint64_t id) const;

    /// Crashes node `id` now: every actor of its system is killed (no post_stop runs, no
    /// further handler starts), every parked fiber of the node is interrupted, its pending
    /// timers are dropped (park deadlines excepted) and `node_system(id)` becomes null. The
    /// old system is destroyed once its actors have finished. Throws std::invalid_argument
    /// for a node without a start-up function; a crash of a crashed node only records it.
    void crash_node(std::uint64_t id);

    /// Restarts a crashed node now: a fresh actor system (local ids start again at 1) and
    /// its start-up function. Restarting a node that is up only records it.
    void restart_node(std::uint64_t id);

    /// From now on node `id`'s clock reads virtual time + `offset`; a timer it starts for its
    /// own instant `at` fires at virtual time `at - offset`, so delays keep their length.
    void set_clock_skew(std::uint64_t id, ractor::duration offset);

    /// From now on packets from node `from` to node `to` (and back, if `two_way`) are
    /// dropped, and connects along them get no answer, until a heal. 0 stands for every node.
    void partition(std::uint64_t from, std::uint64_t to, bool two_way = true);

    /// Removes the partitions between `from` and `to`, both directions (0: any node); new
    /// packets pass again, dropped ones stay lost.
    void heal(std::uint64_t from = 0, std::uint64_t to = 0);

    /// From now on packets from `from` to `to` (and back, if `two_way`) are held, not
    /// dropped, until a release. 0 stands for every node.
    void clog(std::uint64_t from, std::uint64_t to, bool two_way = true);

    /// Releases the clogs between `from` and `to`, both directions (0: any node; both 0 also
    /// ends a swizzle's node clogs): the held packets leave in the order they were sent.
    void release(std::uint64_t from = 0, std::uint64_t to = 0);

    /// Resets every connection between `from` and `to` (0: any node): both ends see
    /// `closed` at once.
    void reset_connections(std::uint64_t from, std::uint64_t to = 0);

    /// Clogs `nodes` (empty: every node) one by one, one every `interval` starting now, then
    /// releases them one every `interval` in a seeded random order.
    void swizzle(std::vector<std::uint64_t> nodes, ractor::duration interval);

    /// Applies a fault plan: its failure, timer-delay, buggify and link rules replace the
    /// previous plan's (and restart their random streams from the world seed and the plan's
    /// seed), its timed faults (kills, stops, crashes, restarts, later skews, partitions,
    /// heals, clogs, resets, swizzles) are added as world timers. Throws `fault_plan_error`
    /// if the plan is invalid for this world (unknown node, a kill or crash on a node without
    /// start-up function, a time already past).
    void apply(const fault_plan& plan);

    /// How often each entry of every plan applied so far fired, in plan order (see
    /// `fault_tally`).
    const std::vector<fault_tally>& fault_tallies() const;

    /// What every assertion site hit so far in this world's run saw, by site id (see
    /// assertions.hpp; every node's `runtime::assertions` records here).
    std::vector<assertion_tally> assertion_tallies() const;

    /// The runtime of node `id`; throws std::out_of_range for an unknown id.
    ractor::runtime& node(std::uint64_t id);

    /// The name node `id` was added with; throws std::out_of_range for an unknown id.
    std::string_view node_name(std::uint64_t id) const;

    /// Runs one scheduling step; returns false (doing nothing) if the world is quiescent:
    /// nothing runnable, no fiber resumable and no timer pending.
    bool step();

    /// Steps until quiescent.
    void run();

    /// Steps until virtual time `now() + d` is reached or the world is quiescent; timers due
    /// after that instant stay pending. Afterwards `now()` is exactly the old `now() + d`.
    void run_for(ractor::duration d);

    /// Current virtual time; starts at `time_point{}`.
    ractor::time_point now() const;

    /// Steps run so far.
    std::uint64_t steps() const;

    /// The seed the world was created with.
    std::uint64_t seed() const;

    /// Running 64-bit hash of every recorded event, in order, including stamps and text.
    std::uint64_t trace_hash() const;

    /// Every recorded event in order (empty unless `world_options::keep_events`).
    const std::vector<recorded_event>& events() const;

    /// Replaces the scheduling strategy (default: `random_strategy(seed)`); not null.
    void set_strategy(std::unique_ptr<scheduling_strategy> strategy);

    /// From now on explores time as `opts` says (see `time_options`; default: all off).
    void set_time_options(time_options opts);

private:
    std::unique_ptr<internal::world_core> core_;
};

}  // namespace ractor::sim
