#pragma once
// The engine behind ractor::sim::world: scheduler, pooled fibers, parking, timers and trace.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/fiber/context.hpp>
#include <boost/fiber/fiber.hpp>

#include <ractor/actor_system.hpp>
#include <ractor/runtime/runtime.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/fault_tally.hpp>
#include <ractor/sim/recorded_event.hpp>
#include <ractor/sim/scheduling_strategy.hpp>
#include <ractor/sim/time_options.hpp>
#include <ractor/sim/world.hpp>
#include <ractor/prng.hpp>

#include "sanitizer_fiber.hpp"
#include "sim_assertion_recorder.hpp"
#include "sim_fault_injector.hpp"
#include "sim_network.hpp"
#include "sim_node.hpp"

namespace ractor::sim::internal {

struct sim_fiber;

/// Where a waiter is in its park cycle.
enum class sim_waiter_state : std::uint8_t {
    idle,    ///< no park armed; every token naming it is stale
    armed,   ///< prepare_park ran, park not yet
    parked,  ///< suspended in park
    woken,   ///< unparked (before or during park); park has not returned yet
};

/// The thing a park token names: one per pooled fiber plus one for the driving fiber.
/// Waiters live as long as the world, so every token stays safe to present.
struct sim_waiter {
    world_core* owner = nullptr;
    sim_fiber* fiber = nullptr;  ///< null: the main waiter (code outside any pooled fiber)
    std::uint64_t epoch = 0;
    sim_waiter_state state = sim_waiter_state::idle;
    wake_reason reason = wake_reason::unparked;
    timer_id deadline = 0;  ///< the deadline timer of the current park; 0: none
};

/// A pooled fiber of the world (not a thread, unlike asio's `worker`): it runs one runnable at
/// a time and keeps its stack while parked.
struct sim_fiber {
    std::uint64_t id = 0;
    boost::fibers::context* ctx = nullptr;  ///< set when the fiber first runs
    boost::fibers::fiber fiber;
    runnable* job = nullptr;   ///< the runnable to run when next resumed from idle
    std::uint64_t task = 0;    ///< task being run; 0 while idle
    std::uint64_t node = 0;    ///< node the task was scheduled on
    bool busy = false;         ///< running a task (possibly parked or waiting to resume)
    bool quit = false;         ///< leave the loop when next resumed from idle
    sim_waiter wait;
    sanitizer_fiber sanitizer;  ///< what ASan/TSan know about this fiber
};

/// A fault of a plan's window or trigger form, armed: a scheduling candidate until it fires.
struct armed_fault {
    std::function<void()> fire;
    timer_id deadline = 0;  ///< fires it at the window's end if the strategy has not; 0: none
};

/// A fault of the trigger form, waiting for its count of handled messages.
struct fault_trigger {
    message_trigger when;
    std::uint64_t seen = 0;
    std::function<void()> fire;
};

/// A pending timer in the time-ordered heap; ties are broken by id (start order).
struct timer_slot {
    time_point at;
    timer_id id;
};

/// The world's state and every scheduling decision; single-threaded by construction.
class world_core {
public:
    world_core(std::uint64_t seed, world_options opts);
    ~world_core();

    world_core(const world_core&) = delete;
    world_core& operator=(const world_core&) = delete;

    // --- the world's controls
    sim_node& add_node(std::string name);
    sim_node& add_node(std::string name, std::function<void(actor_system&)> startup);
    sim_node& node(std::uint64_t id) const;
    std::size_t node_count() const noexcept { return nodes_.size(); }
    bool step();
    void run();
    void run_for(duration d);
    time_point now() const noexcept { return now_; }
    std::uint64_t steps() const noexcept { return steps_; }
    std::uint64_t seed() const noexcept { return seed_; }
    std::uint64_t trace_hash() const noexcept { return hash_; }
    const std::vector<recorded_event>& events() const noexcept { return events_; }
    void set_strategy(std::unique_ptr<scheduling_strategy> strategy);
    void set_time_options(time_options opts);
    /// Charges a message handler of `behaviour` (its demangled name) its virtual cost.
    void charge_handler(const std::string& behaviour);
    bool charges_handlers() const noexcept { return charges_; }

    // --- faults
    actor_system* node_system(std::uint64_t id) const;
    bool node_up(std::uint64_t id) const;
    /// Crashes node `id`; false if it was already down.
    bool crash_node(std::uint64_t id);
    /// Restarts node `id`; false if it was already up.
    bool restart_node(std::uint64_t id);
    void set_clock_skew(std::uint64_t id, duration offset);
    void apply(const fault_plan& plan);
    fault_rules& rules() noexcept { return rules_; }
    /// Trigger-form faults not armed yet, in plan order.
    std::vector<fault_trigger>& triggers() noexcept { return triggers_; }
    /// Makes `fire` a scheduling candidate now; it fires when the strategy picks it, or at
    /// `until` at the latest.
    void arm_fault(std::function<void()> fire, std::optional<time_point> until);
    /// Counts one firing of the plan entry whose tally is `tally`.
    void count_fault(std::size_t tally) noexcept { ++tallies_[tally].fired; }
    const std::vector<fault_tally>& fault_tallies() const noexcept { return tallies_; }
    std::vector<assertion_tally> assertion_tallies() const { return assertions_.tallies(); }
    sim_network& network() noexcept { return net_; }
    /// The network, for a world control naming nodes `from` and `to` (0: any); checks the
    /// thread and the node ids.
    sim_network& network_control(const char* what, std::uint64_t from, std::uint64_t to);

    // --- executor role
    void schedule(std::uint64_t node, runnable& r);
    void yield();
    park_token prepare_park();
    wake_reason park(std::uint64_t node, park_token token, std::optional<time_point> deadline);
    bool unpark(park_token token, wake_reason reason);
    /// A sync point of the core: the strategy may get to run other work first.
    void at_sync_point(sync_point where);

    // --- clock role
    timer_id start_timer(std::uint64_t node, time_point at, timer_callback fn);
    /// A node clock's timer at virtual time `at`, late by the node's planned timer delay.
    timer_id start_clock_timer(std::uint64_t node, time_point at, timer_callback fn);
    bool cancel_timer(timer_id id);

    // --- trace role
    void record(std::uint64_t node, const trace_event& e);

private:
    struct pending_timer {
        timer_callback fn;
        std::uint64_t node;
        bool deadline;  ///< a park's deadline: survives a crash of its node
    };

    /// The actor system of a crashed node, kept until its killed actors have all finished
    /// and no task that was running on the node at the crash still runs.
    struct crashed_system {
        std::uint64_t node;
        std::unique_ptr<actor_system> system;
        std::vector<std::uint64_t> tasks;
    };

    /// What runs when a candidate is picked: a runnable to start, a worker to resume, an
    /// armed fault (`fault`, named by the candidate's task) or, with none of these, the next
    /// timer.
    struct candidate_target {
        runnable* job = nullptr;
        sim_fiber* fiber = nullptr;
        bool fault = false;
    };

    void check_thread(const char* what) const;
    timer_id add_timer(std::uint64_t node, time_point at, timer_callback fn, bool deadline);
    void check_plan(const fault_plan& plan) const;
    std::size_t add_tally(std::string entry, const char* kind);
    std::size_t add_tallies(const char* list, std::size_t count, const char* kind);
    /// `fault`, counting a firing in `tally` when it changed the run.
    std::function<void()> counted(std::size_t tally, std::function<bool()> fault);
    void start_counted(time_point at, std::size_t tally, std::function<bool()> fault);
    void start_fault(duration at, const std::optional<duration>& until, const std::optional<message_trigger>& after,
                     std::size_t tally, std::function<bool()> fault);
    void fire_overdue(std::uint64_t task);
    void disarm_all();
    void apply_crashes(const std::vector<node_crash>& crashes);
    void apply_network(const fault_plan& plan);
    bool signal_actor(const actor_target& target, bool kill, const std::string& reason);
    std::size_t drop_node_timers(std::uint64_t node);
    void collect_crashed();
    void release_systems() noexcept;
    void add_candidate(candidate c, candidate_target target);
    std::size_t pick_candidate();
    candidate_target take_candidate(std::size_t i);
    void run_candidate();
    void choose_with_time();
    void fire_timer();
    void fire_chosen_timer();
    void fire_slot(const timer_slot& slot);
    void run_target(const candidate& c, candidate_target target);
    std::optional<time_point> next_timer_time();
    void prune_timer_heap();
    sim_fiber& idle_fiber();
    void switch_to(sim_fiber& w);
    void fiber_main(sim_fiber& w);
    void hand_back(sim_fiber& w);
    wake_reason park_fiber(sim_fiber& w, std::uint64_t node, park_token token,
                           std::optional<time_point> deadline);
    wake_reason park_main(std::uint64_t node, park_token token,
                          std::optional<time_point> deadline);
    void arm_deadline(sim_waiter& wt, std::uint64_t node, time_point deadline);
    void end_park(sim_waiter& wt);
    /// Whether this sync point offers a scheduling choice (a draw of the world's own stream).
    bool offers_choice();
    void teardown() noexcept;
    std::string where() const;

    const std::uint64_t seed_;
    const world_options opts_;
    const std::thread::id thread_;
    std::unique_ptr<scheduling_strategy> strategy_;
    sim_network net_;
    /// Every node's `runtime::assertions`; declared before the nodes so that it outlives them.
    sim_assertion_recorder assertions_;
    std::vector<std::unique_ptr<sim_node>> nodes_;
    time_options time_;
    bool charges_ = false;  ///< `time_.has_cost()`, asked at every handler invocation
    prng costs_;            ///< the draws of the handler cost model
    prng sync_choices_;     ///< the draws deciding which sync points offer a choice

    time_point now_{};
    std::uint64_t steps_ = 0;
    std::uint64_t next_task_ = 1;
    bool in_step_ = false;
    bool tearing_down_ = false;
    bool unbudgeted_ = false;  ///< while the world shuts its own actor systems down
    std::uint64_t teardown_parks_ = 0;

    // Candidates in the order they became ready; the two vectors share indices.
    std::vector<candidate> candidates_;
    std::vector<candidate_target> targets_;

    std::vector<std::unique_ptr<sim_fiber>> fibers_;  ///< every fiber, by id; freed at teardown
    std::vector<sim_fiber*> idle_;                    ///< idle fibers, most recently idle last
    sim_fiber* current_ = nullptr;                    ///< fiber running now; null: the driver
    boost::fibers::context* driver_ = nullptr;       ///< fiber running the current step
    sanitizer_fiber driver_sanitizer_;               ///< what ASan/TSan know about the driver
    sim_waiter main_waiter_;

    std::map<timer_id, pending_timer> timers_;  ///< live timers by id
    std::vector<timer_slot> timer_heap_;         ///< min-heap; cancelled slots linger until pruned
    timer_id next_timer_ = 1;

    fault_rules rules_;
    std::map<std::uint64_t, armed_fault> armed_;  ///< by the task id of their candidate
    std::vector<fault_trigger> triggers_;
    std::vector<fault_tally> tallies_;  ///< one per entry of every applied plan
    std::size_t plans_applied_ = 0;
    std::vector<crashed_system> crashed_;

    std::uint64_t hash_;
    std::vector<recorded_event> events_;
};

}  // namespace ractor::sim::internal
