// The actor run loop, sending, start and parking: the type-erased core every typed actor shares.
// Its signals and exit are in actor_exit.cpp, its links and monitors in actor_links.cpp.
#include <ractor/detail/actor_cell.hpp>

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>

#include <ractor/actor_system.hpp>
#include <ractor/assertions.hpp>
#include <ractor/buggify.hpp>
#include <ractor/detail/exception_text.hpp>
#include <ractor/detail/sync_here.hpp>
#include <ractor/errors.hpp>
#include <ractor/rpc.hpp>

namespace ractor::detail {

namespace {

/// The cell whose callback runs on this thread's current fiber. Every fiber that runs a
/// callback sets it first, and every park point restores it after waking, so fibers that
/// interleave on one thread never see each other's value.
thread_local cell_base* current = nullptr;

/// Sets `current` for one scope on one fiber: pre_start runs inside its spawner's handler,
/// whose cell comes back afterwards.
class current_scope {
public:
    explicit current_scope(cell_base* c) noexcept : saved_(current) { current = c; }
    ~current_scope() { current = saved_; }

private:
    cell_base* saved_;
};

/// Sets `current` while a worker runs a cell. A run is never nested in another actor's
/// callback, so it ends with no current cell; restoring a saved value instead could revive
/// a cell that another fiber, resumed out of order, has since freed.
class running_scope {
public:
    explicit running_scope(cell_base* c) noexcept { current = c; }
    ~running_scope() { current = nullptr; }
};

}  // namespace

cell_base* current_cell() noexcept { return current; }

current_cell_keeper::current_cell_keeper() noexcept : saved_(current) {}
current_cell_keeper::~current_cell_keeper() { current = saved_; }

void pass_sync_point(fault_injector& faults, sync_point where) {
    cell_base* const me = current;
    faults.at_sync_point(where);
    current = me;
}

void at_caller_sync_point(sync_point where) {
    if (current != nullptr) at_sync_point(current->rt(), where);
}

const runtime& caller_runtime(const cell_base& fallback) noexcept {
    return current ? current->rt() : fallback.rt();
}

void add_ref(cell_base* c) noexcept { c->refs_.fetch_add(1, std::memory_order_relaxed); }

void release(cell_base* c) noexcept {
    if (c->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete c;
}

cell_base::cell_base(actor_system& system, const runtime& rt, std::uint64_t local_id, std::string name,
                     std::size_t mailbox_capacity)
    : system_(system),
      rt_(rt),
      id_{rt.node_id, local_id},
      mailbox_capacity_(mailbox_capacity),
      name_(std::move(name)) {}

cell_base::~cell_base() { drop_queued(); }

std::string cell_base::name() const {
    std::lock_guard g(lock_);
    return name_;
}

void cell_base::set_name(std::string name) {
    std::lock_guard g(lock_);
    name_ = std::move(name);
}

void cell_base::trace(trace_kind kind, std::uint64_t peer, std::uint64_t value,
                      std::string_view text) const {
    if (rt_.trace) rt_.trace->record({kind, id_.local, peer, value, text});
}

// ---- sending --------------------------------------------------------------------------

// Invariant: a send that returns ok is handled unless the actor stops or is killed (which
// drop what is queued). Admission and enqueue are two steps, so a drain can take effect
// between them: the send is counted in queued_ before it reads the status, and a draining
// actor exits only when queued_ is zero, so it waits for every send it admitted. Both sides
// use sequentially consistent operations (a store-load pattern on queued_ and status_).
send_status cell_base::push_message(envelope* e) {
    const std::size_t ahead = queued_.fetch_add(1, std::memory_order_seq_cst);
    const actor_status st = status_.load(std::memory_order_seq_cst);
    send_status refused = st >= actor_status::stopping ? send_status::stopped
                          : st == actor_status::draining ? send_status::draining
                                                         : send_status::ok;
    if (refused == send_status::ok && mailbox_capacity_ != 0 && ahead >= mailbox_capacity_) {
        refused = send_status::mailbox_full;
        ractor::record_hit(RACTOR_ASSERTION_SITE(reachable, "ractor.mailbox_full"), rt_);
    }
    if (refused != send_status::ok) {
        queued_.fetch_sub(1, std::memory_order_seq_cst);
        // A draining actor may have seen this send counted and gone idle waiting for it.
        if (st == actor_status::draining || status() == actor_status::draining) notify();
        delete e;
        return refused;
    }
    at_sync_point(rt_, sync_point::admission);
    e->sender = current ? current->id_.local : 0;
    if (rt_.trace) trace(trace_kind::send, e->sender);
    mailbox_.push(e);
    notify();
    return send_status::ok;
}

void cell_base::push_event(supervision_event ev) {
    if (status() >= actor_status::stopping) return;
    events_.push(new event_envelope(std::move(ev)));
    notify();
}

void cell_base::notify() {
    if (!sched_.exchange(true, std::memory_order_seq_cst)) {
        add_ref(this);  // the executor's reference, dropped when a run ends without work
        rt_.executor.schedule(*this);
    }
}

// ---- starting -------------------------------------------------------------------------

void cell_base::start(void (*start_fn)(cell_base&, void*), void* ctx, cell_base* supervisor, bool trap_exit) {
    trap_exit_ = trap_exit;
    status_.store(actor_status::starting, std::memory_order_release);
    std::exception_ptr failure;
    {
        current_scope scope(this);
        try {
            start_fn(*this, ctx);
        } catch (...) {
            failure = std::current_exception();
        }
    }
    if (failure) {
        const std::string text = exception_text(failure);
        trace(trace_kind::spawn_failed, 0, 0, text);
        status_.store(actor_status::stopped, std::memory_order_release);
        drop_queued();
        const std::string n = name();
        throw spawn_error("pre_start of actor " + id_.to_string() + (n.empty() ? "" : " '" + n + "'") +
                              " failed: " + text,
                          text);
    }
    trace(trace_kind::start);
    status_.store(actor_status::running, std::memory_order_release);
    if (supervisor) {
        if (link_to(*supervisor)) {
            supervisor->push_event({supervision_event::kind::started, any_actor_ref(cell_ptr(this)), {}, {}, false});
        } else {
            kill();  // the supervisor began exiting during pre_start: it takes its children along
        }
    }
    post_start_pending_ = true;
    // sched_ has been true since construction: hand the cell to the executor now.
    add_ref(this);
    rt_.executor.schedule_fresh(*this);
}

// ---- running --------------------------------------------------------------------------

template <class F>
bool cell_base::guarded(F&& callback) {
    std::exception_ptr failure;
    bool killed = false;
    try {
        callback();
    } catch (const actor_killed&) {
        killed = true;
    } catch (...) {
        failure = std::current_exception();
    }
    // Leave the catch blocks before exiting: exit() may park (never park inside a catch).
    if (killed || kill_requested_.load(std::memory_order_acquire)) {
        exit(exit_kind::killed, kill_reason());
        return false;
    }
    if (failure) {
        const std::string text = exception_text(failure);
        trace(trace_kind::fail, 0, 0, text);
        exit(exit_kind::failed, text);
        return false;
    }
    return true;
}

bool cell_base::has_work() const noexcept {
    if (status() == actor_status::stopped) return !mailbox_.empty() || !events_.empty();
    return kill_requested_.load(std::memory_order_acquire) ||
           stop_requested_.load(std::memory_order_acquire) || post_start_pending_ || drained() ||
           !events_.empty() || !mailbox_.empty();
}

bool cell_base::has_work_released() const noexcept {
    if (mailbox_.pushed_since_drained() || events_.pushed_since_drained()) return true;
    if (status() == actor_status::stopped) return false;
    return kill_requested_.load(std::memory_order_acquire) || stop_requested_.load(std::memory_order_acquire) ||
           drained();
}

void cell_base::run(std::size_t budget) noexcept {
    running_scope scope(this);
    if (status() == actor_status::stopped) {
        drop_queued();  // sends that raced with the exit
    } else {
        for (std::size_t done = 0; done < budget; ++done) {
            if (!run_once()) break;
        }
    }
    end_run();
}

bool cell_base::run_once() {
    if (kill_requested_.load(std::memory_order_acquire)) {
        exit(exit_kind::killed, kill_reason());
        return false;
    }
    if (post_start_pending_) {
        post_start_pending_ = false;
        return guarded([&] { invoke_post_start(); });
    }
    if (stop_requested_.load(std::memory_order_acquire)) {
        std::string reason;
        {
            std::lock_guard g(lock_);
            reason = stop_reason_;
        }
        exit(exit_kind::stopped, std::move(reason));
        return false;
    }
    if (auto* n = events_.pop()) {
        std::unique_ptr<event_envelope> ev(static_cast<event_envelope*>(n));
        const auto& about = ev->event.actor;  // null for group changes
        trace(trace_kind::supervision, about ? about.id().local : 0, 0, to_string(ev->event.what));
        return guarded([&] { invoke_supervisor_evt(ev->event); });
    }
    if (auto* n = mailbox_.pop()) {
        std::unique_ptr<envelope> msg(static_cast<envelope*>(n));
        queued_.fetch_sub(1, std::memory_order_relaxed);
        trace(trace_kind::receive, msg->sender);
        return guarded([&] {
            ++invocations_;
            if (rt_.faults &&
                rt_.faults->fail_invocation(id_.local, behaviour_type(), invocations_)) {
                throw injected_failure("injected failure at invocation " +
                                       std::to_string(invocations_));
            }
            invoke_handle(*msg);
        });
    }
    if (status() == actor_status::draining) {
        at_sync_point(rt_, sync_point::drain_check);
        // A send admitted before the drain may still be on its way: its enqueue
        // schedules this cell again, and the exit waits for it.
        if (drained()) exit(exit_kind::stopped, std::string(exit_reason::normal));
    }
    return false;
}

// Hands the cell back: either keeps it scheduled (more work) or lets it go idle.
void cell_base::end_run() noexcept {
    if (has_work()) {
        rt_.executor.schedule(*this);
        return;
    }
    sched_.store(false, std::memory_order_seq_cst);
    // A producer that pushed before the store saw sched_ still true and did not schedule us.
    if (has_work_released() && !sched_.exchange(true, std::memory_order_seq_cst)) {
        rt_.executor.schedule(*this);
        return;
    }
    release(this);
}

void cell_base::discard() noexcept { release(this); }

void cell_base::drop_queued() noexcept {
    while (auto* n = mailbox_.pop()) delete static_cast<envelope*>(n);
    while (auto* n = events_.pop()) delete static_cast<event_envelope*>(n);
}

// ---- parking --------------------------------------------------------------------------

wake_reason park_here(executor& ex, park_token token, std::optional<time_point> deadline) {
    cell_base* me = current;
    if (me) {
        std::lock_guard g(me->lock_);
        me->parked_ = token;
    }
    if (me && me->kill_requested_.load(std::memory_order_acquire)) {
        std::lock_guard g(me->lock_);
        me->parked_ = {};
        throw actor_killed{};
    }
    const wake_reason why = ex.park(token, deadline);
    current = me;
    if (me) {
        {
            std::lock_guard g(me->lock_);
            me->parked_ = {};
        }
        if (why == wake_reason::interrupted || me->kill_requested_.load(std::memory_order_acquire)) {
            throw actor_killed{};
        }
    }
    return why;
}

reply_slot_base::state_t settle(reply_slot_base& slot) {
    if (slot.abandon()) return reply_slot_base::abandoned;
    int st;
    // The port won the race and may still be writing the reply: it is a few stores away.
    while ((st = slot.state.load(std::memory_order_acquire)) == reply_slot_base::writing) {
        slot.exec ? slot.exec->yield() : std::this_thread::yield();
    }
    return static_cast<reply_slot_base::state_t>(st);
}

reply_slot_base::state_t await_reply(reply_slot_base& slot, std::optional<time_point> deadline) {
    const wake_reason why = park_here(*slot.exec, slot.token, deadline);
    const reply_slot_base::state_t st = settle(slot);
    if (st == reply_slot_base::abandoned && why == wake_reason::interrupted) {
        slot.drop_reason = "the call was interrupted: the runtime is shutting down";
        return reply_slot_base::dropped;
    }
    RACTOR_SOMETIMES(st == reply_slot_base::dropped, "ractor.call.reply_dropped");
    return st;
}

void await_completions(completion_counter& counter, std::optional<time_point> deadline) {
    if (counter.remaining.load(std::memory_order_acquire) == 0) return;
    park_here(counter.exec, counter.token, deadline);
}

}  // namespace ractor::detail

bool ractor::buggify(std::string_view site) {
    const detail::cell_base* me = detail::current_cell();
    return me != nullptr && buggify(me->rt(), site);
}
