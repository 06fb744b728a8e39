#pragma once
/// \file
/// The type-erased core of an actor: queues, lifecycle, links. Typed actors derive from it.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <ractor/actor_id.hpp>
#include <ractor/actor_status.hpp>
#include <ractor/boxed_state.hpp>
#include <ractor/detail/cell_ptr.hpp>
#include <ractor/detail/mpsc_queue.hpp>
#include <ractor/detail/spinlock.hpp>
#include <ractor/exit_reason.hpp>
#include <ractor/runtime/runtime.hpp>
#include <ractor/send_status.hpp>
#include <ractor/supervision_event.hpp>

namespace ractor {
class actor_system;
}

namespace ractor::detail {

/// A queued user message; the typed cell knows the concrete type.
struct envelope : mpsc_node {
    std::uint64_t sender = 0;  ///< local id of the sending actor, 0 outside actors (trace only)
    virtual ~envelope() = default;
};

/// A queued message of type `M`.
template <class M>
struct message_envelope final : envelope {
    explicit message_envelope(M&& m) : msg(std::move(m)) {}
    M msg;
};

/// A queued supervision event.
struct event_envelope final : mpsc_node {
    explicit event_envelope(supervision_event e) : event(std::move(e)) {}
    supervision_event event;
};

/// The runtime-independent actor machinery.
///
/// Four sources of work, served in priority order: the kill flag, the stop request, the
/// supervision-event queue, the message queue. `sched_` guarantees that at most one
/// worker runs the cell at a time: whoever flips it from false to true schedules the cell
/// (holding a reference while it is queued or running).
class cell_base : public runnable {
public:
    cell_base(const cell_base&) = delete;
    cell_base& operator=(const cell_base&) = delete;

    actor_id id() const noexcept { return id_; }
    /// The name the actor was last registered under ("" if never).
    std::string name() const;
    void set_name(std::string name);
    actor_system& system() const noexcept { return system_; }
    const runtime& rt() const noexcept { return rt_; }
    actor_status status() const noexcept { return status_.load(std::memory_order_acquire); }

    /// The message type the typed actor accepts.
    virtual const std::type_info& message_type() const noexcept = 0;
    /// The behaviour type (the class derived from `actor<...>`), for fault plans by kind.
    virtual const std::type_info& behaviour_type() const noexcept = 0;

    /// Queues `e` (taking ownership; deleted if refused).
    send_status push_message(envelope* e);
    /// Queues a supervision event; dropped if the cell is stopping or stopped.
    void push_event(supervision_event ev);

    void stop(std::string_view reason);
    /// Ends the cell at once (or at its running handler's next park point) without post_stop;
    /// its exit reason is `reason`.
    void kill(std::string_view reason = exit_reason::killed);
    /// Erlang's exit signal from a supervisor: a cell that traps exits stops with `reason`
    /// (post_stop runs), one that does not is killed with that reason.
    void exit_signal(std::string_view reason);
    void drain();
    /// Parks the caller until the cell is stopped or `deadline` passes; true if stopped.
    bool wait(std::optional<time_point> deadline = std::nullopt);

    /// Makes `supervisor` the one supervisor of this cell. Refused (false, the current
    /// supervisor is kept) if `supervisor` no longer accepts children or this cell is exiting.
    bool link_to(cell_base& supervisor);
    /// True while this cell may take new children: starting or running, not draining or exiting.
    bool accepts_children() const noexcept { return status() <= actor_status::running; }
    /// Detaches this cell from its supervisor.
    void unlink();
    /// Makes `watcher` receive this cell's exit as a monitor event.
    void add_monitor(cell_base& watcher);
    void remove_monitor(const cell_base& watcher);

    void run(std::size_t budget) noexcept final;
    /// Drops the executor's reference taken when the cell was scheduled.
    void discard() noexcept final;

    /// Runs pre_start through `start_fn`, then starts the actor (called by actor_system).
    /// Throws spawn_error with the exception text if pre_start threw.
    void start(void (*start_fn)(cell_base&, void*), void* ctx, cell_base* supervisor, bool trap_exit);

    /// True if a cast now would find room in the mailbox (always, for an unbounded one). A
    /// hint for a sender that would rather wait than be refused: another may take the room.
    bool has_room() const noexcept {
        return mailbox_capacity_ == 0 || queued_.load(std::memory_order_relaxed) < mailbox_capacity_;
    }

    /// Records a trace event about this cell if tracing is on.
    void trace(trace_kind kind, std::uint64_t peer = 0, std::uint64_t value = 0,
               std::string_view text = {}) const;

    friend void add_ref(cell_base* c) noexcept;
    friend void release(cell_base* c) noexcept;
    friend wake_reason park_here(executor& ex, park_token token,
                                 std::optional<time_point> deadline);

protected:
    cell_base(actor_system& system, const runtime& rt, std::uint64_t local_id, std::string name,
              std::size_t mailbox_capacity);
    virtual ~cell_base();

    virtual void invoke_post_start() = 0;
    virtual void invoke_handle(envelope& e) = 0;
    virtual void invoke_supervisor_evt(const supervision_event& e) = 0;
    virtual void invoke_post_stop() = 0;
    /// Moves the state out (destroying it if nobody wants it); empty if there is none.
    virtual boxed_state take_state() = 0;

private:
    enum class exit_kind : std::uint8_t { stopped, killed, failed };

    /// Runs one callback, turning exceptions into an exit. Returns false if the cell exited.
    template <class F>
    bool guarded(F&& callback);
    /// One unit of work, the most urgent first; false when this run must end.
    bool run_once();
    /// Hands the cell back after a run: scheduled again with work left, else idle.
    void end_run() noexcept;
    void exit(exit_kind kind, std::string reason);
    // The steps of exit, in order.
    /// post_stop, for a stop or a failure: a kill or a failure in it changes `kind` and `reason`.
    void run_post_stop(exit_kind& kind, std::string& reason);
    void kill_children(const std::vector<cell_ptr>& children);
    /// Tells the monitors and the supervisor, which gets the final state of a clean stop.
    void report_exit(exit_kind kind, const std::string& reason,
                     const std::vector<cell_ptr>& monitors, const cell_ptr& supervisor);
    /// Marks the cell stopped, lets the system forget it and wakes the callers of wait().
    void finish_exit();
    /// The exit reason the kill asked for.
    std::string kill_reason() const;
    void notify();
    bool has_work() const noexcept;
    /// Draining with no admitted message left, queued or on its way: the drain may exit.
    bool drained() const noexcept;
    /// `has_work` for a cell this worker no longer owns: reads atomics only.
    bool has_work_released() const noexcept;
    void drop_queued() noexcept;

    actor_system& system_;
    const runtime& rt_;
    const actor_id id_;
    const std::size_t mailbox_capacity_;  ///< 0: unbounded

    std::atomic<std::uint32_t> refs_{0};
    std::atomic<bool> sched_{true};  ///< true until start() hands the cell to the executor
    std::atomic<actor_status> status_{actor_status::unstarted};
    std::atomic<bool> kill_requested_{false};
    std::atomic<bool> stop_requested_{false};
    bool trap_exit_ = true;            ///< set by start(), read-only afterwards
    bool post_start_pending_ = false;  ///< only touched by the running worker
    std::uint64_t invocations_ = 0;    ///< handle() calls so far; only touched by the running worker
    /// Messages admitted and not yet taken, counting sends between admission and enqueue.
    std::atomic<std::size_t> queued_{0};

    mpsc_queue mailbox_;
    mpsc_queue events_;

    mutable spinlock lock_;  ///< guards the members below
    std::string name_;
    std::string stop_reason_;
    std::string kill_reason_;              ///< the exit reason of a kill
    park_token parked_{};                  ///< the running handler's park, for kill
    cell_ptr supervisor_;
    std::vector<cell_ptr> children_;
    std::vector<cell_ptr> monitors_;       ///< actors watching this one
    std::vector<park_token> waiters_;      ///< callers of wait()
};

/// The cell whose handler the calling fiber is running, or null outside actors.
cell_base* current_cell() noexcept;

/// Keeps the calling fiber's current cell across switches to other fibers of this thread,
/// for a scheduler whose own fiber resumes without a park point of its own (the simulator's
/// driver): it must not come back as the actor that ran, and parked, last.
class current_cell_keeper {
public:
    current_cell_keeper() noexcept;
    ~current_cell_keeper();
    current_cell_keeper(const current_cell_keeper&) = delete;
    current_cell_keeper& operator=(const current_cell_keeper&) = delete;

private:
    cell_base* saved_;
};

/// The runtime of the caller: its own actor's, else (outside actors) `fallback`'s.
const runtime& caller_runtime(const cell_base& fallback) noexcept;

/// Parks on `ex` at a park point of the current actor (if any): a kill interrupts it by
/// throwing `actor_killed`. Outside actors it simply parks.
wake_reason park_here(executor& ex, park_token token, std::optional<time_point> deadline);

}  // namespace ractor::detail
