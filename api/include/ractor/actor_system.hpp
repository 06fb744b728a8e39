#pragma once
/// \file
/// The actor system of one node: spawning, the actor table, the name registry.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <ractor/actor_ref.hpp>
#include <ractor/any_actor_ref.hpp>
#include <ractor/detail/timer_registry.hpp>
#include <ractor/detail/typed_cell.hpp>
#include <ractor/process_groups.hpp>
#include <ractor/runtime/runtime.hpp>
#include <ractor/spawn_options.hpp>

namespace ractor {

/// One node's actors. Owns the actor table, the id counter and the name registry; nothing
/// here is process-wide, so a simulator can host many systems in one process.
///
/// Destroying the system kills every actor still alive, waits for them, then releases what
/// was attached to it.
class actor_system {
public:
    /// A system running on `rt`, which must outlive it.
    explicit actor_system(const runtime& rt);
    ~actor_system();
    actor_system(const actor_system&) = delete;
    actor_system& operator=(const actor_system&) = delete;

    /// Spawns an actor with behaviour `behaviour`: runs its pre_start with `args` on the
    /// calling fiber, and returns once it has started. Throws `spawn_error` if the name is
    /// taken (the holder is untouched) or pre_start threw (the name is freed again).
    template <class A>
    actor_ref<typename A::message_type> spawn(A behaviour, typename A::arguments_type args = {},
                                              spawn_options options = {}) {
        using cell_t = detail::typed_cell<A>;
        detail::cell_ptr cell(new cell_t(*this, options.runtime_view ? *options.runtime_view : rt_, next_local_id(),
                                         options.name.value_or(""),
                                         options.mailbox_capacity, std::move(behaviour)));
        start(cell, options, [](detail::cell_base& c, void* a) {
            static_cast<cell_t&>(c).pre_start(std::move(*static_cast<typename A::arguments_type*>(a)));
        }, &args);
        return actor_ref<typename A::message_type>(std::move(cell));
    }

    /// The actor registered under `name`, if any.
    std::optional<any_actor_ref> where_is(std::string_view name) const;
    /// The actor registered under `name` typed for `Msg`; throws `wrong_message_type` if it
    /// accepts another type.
    template <class Msg>
    std::optional<actor_ref<Msg>> where_is(std::string_view name) const {
        auto found = where_is(name);
        if (!found) return std::nullopt;
        return found->template as<Msg>();
    }
    /// The actor registered under `name` typed for `Msg`, or nullopt if there is none or it
    /// accepts another type: the non-throwing `where_is<Msg>` (the untyped `where_is` tells
    /// the two apart).
    template <class Msg>
    std::optional<actor_ref<Msg>> try_where_is(std::string_view name) const {
        auto found = where_is(name);
        if (!found) return std::nullopt;
        return found->template try_as<Msg>();
    }
    /// All registered names, sorted.
    std::vector<std::string> registered() const;
    /// Registers a living actor under `name` (Erlang's `register`); throws `spawn_error`
    /// if the name is taken or the actor is stopping, and `std::invalid_argument` if the
    /// actor already has a name or lives on another node.
    void register_name(std::string name, const any_actor_ref& actor);
    /// Frees `name`; false if it was not registered.
    bool unregister_name(std::string_view name);

    /// This node's process groups.
    process_groups& groups() noexcept { return groups_; }
    const process_groups& groups() const noexcept { return groups_; }

    /// The number of actors that have started and not yet stopped.
    std::size_t alive_count() const;
    /// The actors that have started and not yet stopped, by id (ractor's `get_all_pids`).
    std::vector<any_actor_ref> actors() const;
    /// Makes `watcher` hear of every actor of this node that starts from now on: a `started`
    /// event, and the actor is monitored, so its `terminated` or `failed` follows (all with
    /// `from_monitor` set; ractor's pid-registry lifecycle monitor). Actors already running
    /// are not reported: `actors()` lists them. Watching twice changes nothing.
    void monitor_lifecycle(const any_actor_ref& watcher);
    /// Stops reporting new actors to `watcher`; those it already monitors stay monitored.
    void demonitor_lifecycle(const any_actor_ref& watcher);

    /// Waits `d` on this node's clock (virtual time on the simulator): parks the calling
    /// actor's fiber, so its other messages wait too, or the calling thread outside actors.
    /// A kill ends the sleep at once (the handler unwinds). Returns false if the sleep was
    /// cut short because the runtime is shutting down (outside actors only).
    bool sleep_for(duration d) const;
    /// The started, not yet stopped actor with local id `local_id`, if any.
    std::optional<any_actor_ref> find(std::uint64_t local_id) const;
    /// Kills every living actor without waiting for them (a simulated node crash does this
    /// from a timer, where nothing may park); returns how many it killed.
    std::size_t kill_all();
    /// Kills every living actor and waits until all stopped.
    void shutdown();

    /// Ties `service` (a cluster node, say) to this system's life: services are released,
    /// newest first, when the system is destroyed, after every actor stopped. A simulated
    /// node crash destroys the crashed system, and so ends what it was running.
    void attach(std::shared_ptr<void> service);

    /// The runtime this system runs on.
    const ractor::runtime& runtime() const noexcept { return rt_; }
    /// This node's id (from the runtime).
    std::uint64_t node_id() const noexcept { return rt_.node_id; }

    /// Called by a cell entering `stopping`: frees its name, its groups and its timers.
    void actor_stopping(const detail::cell_base& cell);
    /// Called by a cell that reached `stopped`: drops it from the actor table.
    void forget(const detail::cell_base& cell);
    /// The pending timers of this node's actors (for the timer functions).
    detail::timer_registry& timers() noexcept { return timers_; }

private:
    using start_fn = void (*)(detail::cell_base&, void*);
    void start(const detail::cell_ptr& cell, const spawn_options& options, start_fn fn, void* args);
    void release_name(const detail::cell_base& cell);
    /// Tells the lifecycle watchers that `cell` started and makes them monitor it.
    void announce_start(const detail::cell_ptr& cell);
    std::uint64_t next_local_id() noexcept { return next_id_.fetch_add(1, std::memory_order_relaxed); }

    const ractor::runtime& rt_;
    std::atomic<std::uint64_t> next_id_{1};
    /// One part of the actor table. An actor's id picks its shard, so spawns and exits on
    /// different threads rarely wait for each other's lock.
    struct alive_shard {
        mutable std::mutex mutex;  ///< guards `cells`
        // Hashed: a spawn and an exit cost one or two cache misses instead of a tree walk
        // through up to a million nodes. Never iterated where the order shows: living() sorts.
        std::unordered_map<std::uint64_t, detail::cell_ptr> cells;
    };
    static constexpr std::size_t alive_shard_count = 16;
    alive_shard& shard_of(std::uint64_t local_id) noexcept { return alive_[local_id % alive_shard_count]; }
    const alive_shard& shard_of(std::uint64_t local_id) const noexcept {
        return alive_[local_id % alive_shard_count];
    }

    mutable std::mutex mutex_;  ///< guards names_, lifecycle_watchers_ and attached_
    std::array<alive_shard, alive_shard_count> alive_;
    std::map<std::string, detail::cell_ptr, std::less<>> names_;
    std::vector<any_actor_ref> lifecycle_watchers_;
    /// Whether lifecycle_watchers_ may be non-empty: spares every spawn the lock otherwise.
    std::atomic<bool> lifecycle_watched_{false};
    process_groups groups_;
    detail::timer_registry timers_;
    std::vector<std::shared_ptr<void>> attached_;
};

}  // namespace ractor
