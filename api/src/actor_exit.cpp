// How a cell ends: the stop, kill and drain signals, waiting for the end, and the exit itself.
#include <ractor/detail/actor_cell.hpp>

#include <exception>
#include <mutex>
#include <utility>

#include <ractor/actor_system.hpp>
#include <ractor/detail/exception_text.hpp>
#include <ractor/detail/sync_here.hpp>
#include <ractor/errors.hpp>

namespace ractor::detail {

void cell_base::stop(std::string_view reason) {
    if (status() >= actor_status::stopping) return;
    at_sync_point(rt_, sync_point::status_change);
    {
        std::lock_guard g(lock_);
        if (stop_requested_.load(std::memory_order_relaxed)) return;
        stop_reason_ = reason;
        stop_requested_.store(true, std::memory_order_release);
    }
    trace(trace_kind::signal, 0, 0, "stop");
    notify();
}

void cell_base::kill(std::string_view reason) {
    // A stopping actor can still be killed: that cuts a blocked post_stop short.
    if (status() == actor_status::stopped) return;
    at_sync_point(rt_, sync_point::status_change);
    park_token parked;
    {
        std::lock_guard g(lock_);
        if (kill_requested_.load(std::memory_order_relaxed)) return;
        kill_reason_ = reason;
        kill_requested_.store(true, std::memory_order_release);
        parked = parked_;
    }
    trace(trace_kind::signal, 0, 0, "kill");
    if (parked.waiter) rt_.executor.unpark(parked, wake_reason::interrupted);
    notify();
}

void cell_base::exit_signal(std::string_view reason) {
    if (trap_exit_) {
        stop(reason);
    } else {
        kill(reason);
    }
}

std::string cell_base::kill_reason() const {
    std::lock_guard g(lock_);
    // Empty when a park was interrupted without a kill (the runtime shutting down).
    return kill_reason_.empty() ? std::string(exit_reason::killed) : kill_reason_;
}

bool cell_base::drained() const noexcept {
    return status() == actor_status::draining && queued_.load(std::memory_order_seq_cst) == 0;
}

void cell_base::drain() {
    at_sync_point(rt_, sync_point::status_change);
    auto expected = actor_status::running;
    if (status_.compare_exchange_strong(expected, actor_status::draining)) {
        trace(trace_kind::signal, 0, 0, "drain");
        notify();
    }
}

bool cell_base::wait(std::optional<time_point> deadline) {
    executor& ex = caller_runtime(*this).executor;
    for (;;) {
        park_token token = ex.prepare_park();
        {
            std::lock_guard g(lock_);
            if (status() == actor_status::stopped) return true;
            waiters_.push_back(token);
        }
        if (park_here(ex, token, deadline) == wake_reason::unparked) continue;
        // Timed out (or interrupted outside actors): forget the waiter, unless it just stopped.
        std::lock_guard g(lock_);
        std::erase_if(waiters_, [&](const park_token& w) {
            return w.waiter == token.waiter && w.epoch == token.epoch;
        });
        return status() == actor_status::stopped;
    }
}

// ---- exit -----------------------------------------------------------------------------

void cell_base::exit(exit_kind kind, std::string reason) {
    status_.store(actor_status::stopping, std::memory_order_release);
    trace(trace_kind::stop, 0, static_cast<std::uint64_t>(kind), reason);
    at_sync_point(rt_, sync_point::exit_step);
    system_.actor_stopping(*this);
    drop_queued();
    if (kind != exit_kind::killed) run_post_stop(kind, reason);

    // Kept until the exit ends: the linked cells stay alive while this one is forgotten.
    std::vector<cell_ptr> children;
    std::vector<cell_ptr> monitors;
    cell_ptr supervisor;
    at_sync_point(rt_, sync_point::link_change);
    {
        std::lock_guard g(lock_);
        children.swap(children_);
        monitors.swap(monitors_);
        supervisor = std::exchange(supervisor_, cell_ptr());
    }
    kill_children(children);
    report_exit(kind, reason, monitors, supervisor);
    finish_exit();
}

void cell_base::run_post_stop(exit_kind& kind, std::string& reason) {
    std::exception_ptr failure;
    bool killed = false;
    try {
        invoke_post_stop();
    } catch (const actor_killed&) {
        killed = true;
    } catch (...) {
        failure = std::current_exception();
    }
    if (killed) {
        kind = exit_kind::killed;
        reason = kill_reason();
    } else if (failure) {
        const std::string text = exception_text(failure);
        trace(trace_kind::fail, 0, 0, text);
        // A post_stop failure turns a clean stop into a failure; an earlier failure's text wins.
        if (kind != exit_kind::failed) reason = "post_stop failed: " + text;
        kind = exit_kind::failed;
    }
}

void cell_base::kill_children(const std::vector<cell_ptr>& children) {
    for (const cell_ptr& child : children) {
        {
            std::lock_guard g(child->lock_);
            if (child->supervisor_.get() == this) child->supervisor_ = cell_ptr();
        }
        child->kill();
    }
}

void cell_base::report_exit(exit_kind kind, const std::string& reason,
                            const std::vector<cell_ptr>& monitors, const cell_ptr& supervisor) {
    const auto what = kind == exit_kind::failed ? supervision_event::kind::failed
                                                : supervision_event::kind::terminated;
    boxed_state final_state = take_state();
    any_actor_ref self{cell_ptr(this)};
    for (const cell_ptr& watcher : monitors) {
        watcher->push_event({what, self, reason, {}, true});
    }
    if (supervisor) {
        {
            std::lock_guard g(supervisor->lock_);
            std::erase(supervisor->children_, cell_ptr(this));
        }
        supervisor->push_event(
            {what, self, reason,
             what == supervision_event::kind::terminated ? std::move(final_state) : boxed_state{},
             false});
    }
}

// Once forgotten, the system may go, and with it a runtime view this actor ran on: from
// then on only the executor, which outlives both, is used.
void cell_base::finish_exit() {
    at_sync_point(rt_, sync_point::exit_step);
    trace(trace_kind::terminate);
    executor& waker = rt_.executor;
    std::vector<park_token> waiters;
    {
        std::lock_guard g(lock_);
        status_.store(actor_status::stopped, std::memory_order_release);
        waiters.swap(waiters_);
    }
    system_.forget(*this);
    for (const park_token& w : waiters) waker.unpark(w);
}

}  // namespace ractor::detail
