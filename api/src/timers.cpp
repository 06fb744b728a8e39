// Timers on the runtime clock. A timer's state is shared by its handle, its clock callback
// and (unowned) the registry of its target's node, so cancel, fire and the target's exit
// race safely: exactly one of them ends each pending period.
#include <ractor/timers.hpp>

#include <vector>

#include <ractor/actor_system.hpp>
#include <ractor/detail/timer_registry.hpp>

namespace ractor {

namespace detail {

timer_state::timer_state(const cell_base& target) : clk(target.rt().clock), registry(target.system().timers()) {}

timer_state::~timer_state() {
    // Only a timer whose clock dropped it unfired (the clock went away first) is still listed.
    if (list.load(std::memory_order_acquire) != nullptr) registry.remove(*this);
}

bool timer_registry::add(timer_state& t, const cell_base& target) {
    std::lock_guard g(lock_);
    auto [it, inserted] = lists_.try_emplace(target.id().local);
    if (inserted) owners_.store(lists_.size(), std::memory_order_relaxed);
    // Pairs with cancel_all: either the exit sees this list, or this sees the exit.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (target.status() >= actor_status::stopping) {
        if (it->second.head == nullptr) {
            lists_.erase(it);
            owners_.store(lists_.size(), std::memory_order_relaxed);
        }
        return false;
    }
    timer_owner_list& l = it->second;
    t.prev = l.tail;
    t.next = nullptr;
    (l.tail != nullptr ? l.tail->next : l.head) = &t;
    l.tail = &t;
    t.list.store(&l, std::memory_order_release);
    return true;
}

void timer_registry::unlink(timer_state& t) noexcept {
    timer_owner_list* l = t.list.load(std::memory_order_relaxed);
    (t.prev != nullptr ? t.prev->next : l->head) = t.next;
    (t.next != nullptr ? t.next->prev : l->tail) = t.prev;
    t.prev = nullptr;
    t.next = nullptr;
    t.list.store(nullptr, std::memory_order_release);
}

void timer_registry::remove(timer_state& t) {
    std::lock_guard g(lock_);
    if (t.list.load(std::memory_order_relaxed) != nullptr) unlink(t);
}

void timer_registry::cancel_lists(std::unique_lock<spinlock> lock,
                                  std::map<std::uint64_t, timer_owner_list>::iterator first,
                                  std::map<std::uint64_t, timer_owner_list>::iterator last) {
    std::vector<timer_ptr> doomed;
    for (auto it = first; it != last; ++it) {
        while (timer_state* t = it->second.head) {
            unlink(*t);
            // A timer whose last owner is letting go right now is gone anyway.
            if (auto alive = try_share(*t)) doomed.push_back(std::move(alive));
        }
    }
    lists_.erase(first, last);
    owners_.store(lists_.size(), std::memory_order_relaxed);
    lock.unlock();
    for (auto& t : doomed) timer_handle(t).cancel();
}

void timer_registry::cancel_all(std::uint64_t owner) {
    // The exit stored `stopping` before this: see add.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (owners_.load(std::memory_order_relaxed) == 0) return;
    std::unique_lock lock(lock_);
    auto it = lists_.find(owner);
    if (it == lists_.end()) return;
    cancel_lists(std::move(lock), it, std::next(it));
}

void timer_registry::cancel_everything() {
    std::unique_lock lock(lock_);
    cancel_lists(std::move(lock), lists_.begin(), lists_.end());
}

namespace {

/// Destroys a timer's action when it leaves scope (also when the action throws).
class action_dropper {
public:
    explicit action_dropper(timer_state& s) noexcept : s_(s) {}
    ~action_dropper() { s_.drop_action(); }
    action_dropper(const action_dropper&) = delete;
    action_dropper& operator=(const action_dropper&) = delete;

private:
    timer_state& s_;
};

/// Runs a due one-shot timer, unless it was cancelled.
void fire_once(timer_state& state) {
    {
        std::lock_guard g(state.lock);
        if (!state.finish()) return;
    }
    state.registry.remove(state);
    const action_dropper drop(state);
    state.fire();
}

void arm_period(timer_ptr state);

/// Ends a period of a periodic timer whose action returned `again` (false if it threw);
/// true if the timer goes on. A cancel during the action left the action to this.
bool end_period(timer_state& state, bool again) {
    bool ended;
    bool unregister = false;
    {
        std::lock_guard g(state.lock);
        state.firing = false;
        ended = state.done || !again;
        if (!state.done && !again) {
            state.finish();
            unregister = true;
        }
    }
    if (unregister) state.registry.remove(state);
    if (ended) state.drop_action();
    return !ended;
}

/// Runs a due period of a periodic timer and starts the next one, unless it ended.
void fire_period(const timer_ptr& state) {
    {
        std::lock_guard g(state->lock);
        if (state->done) return;
        state->firing = true;
    }
    bool again = false;
    try {
        again = state->fire();
    } catch (...) {
        end_period(*state, false);
        throw;
    }
    if (!end_period(*state, again)) return;
    // The next deadline follows the previous one, not the (late) firing: no drift.
    auto& p = static_cast<periodic_state&>(*state);
    p.next_at += p.period;
    arm_period(state);
}

/// Starts the clock timer of the pending period. A cancel that comes before `current` is
/// stored finds the timer done when it fires, so nothing needs a lock across the clock call.
void arm_period(timer_ptr state) {
    auto& p = static_cast<periodic_state&>(*state);
    p.current.store(p.clk.start_timer(p.next_at, [state = std::move(state)] { fire_period(state); }),
                    std::memory_order_release);
}

}  // namespace

timer_handle start_once(const cell_base& target, duration delay, timer_ptr state) {
    if (!state || !state->registry.add(*state, target)) return {};
    timer_state& s = *state;
    s.current.store(s.clk.start_timer(s.clk.now() + delay, [kept = state] { fire_once(*kept); }),
                    std::memory_order_release);
    return timer_handle(std::move(state));
}

timer_handle start_periodic(const cell_base& target, duration period, timer_ptr state) {
    if (!state || !state->registry.add(*state, target)) return {};
    auto& p = static_cast<periodic_state&>(*state);
    p.period = period;
    p.next_at = p.clk.now() + period;
    arm_period(state);
    return timer_handle(std::move(state));
}

timer_handle start_once(const cell_base& target, duration delay, timer_callback fire) {
    return start_once(target, delay, make_timer(target, std::move(fire)));
}

}  // namespace detail

bool timer_handle::cancel() const {
    if (!state_) return false;
    // Dropping the action may destroy this handle (when the action owns it): use a copy.
    const detail::timer_ptr s = state_;
    bool drop;
    {
        std::lock_guard g(s->lock);
        if (!s->finish()) return false;
        drop = !s->firing;  // else the running period drops it when it ends
    }
    s->registry.remove(*s);
    // 0 means the clock timer is still being started: it finds the timer done when it fires.
    const timer_id pending = s->current.load(std::memory_order_acquire);
    if (pending != 0) s->clk.cancel_timer(pending);
    if (drop) s->drop_action();
    return true;
}

bool timer_handle::is_active() const {
    if (!state_) return false;
    std::lock_guard g(state_->lock);
    return !state_->done;
}

timer_handle exit_after(const any_actor_ref& target, duration delay, std::string_view reason) {
    return detail::start_once(*target.cell(), delay,
                              detail::make_timer(*target.cell(), [target, r = std::string(reason)] { target.stop(r); }));
}

timer_handle kill_after(const any_actor_ref& target, duration delay) {
    return detail::start_once(*target.cell(), delay, detail::make_timer(*target.cell(), [target] { target.kill(); }));
}

}  // namespace ractor
