// A cell's supervisor link and its monitors.
#include <ractor/detail/actor_cell.hpp>

#include <mutex>
#include <utility>

#include <ractor/detail/sync_here.hpp>

namespace ractor::detail {

bool cell_base::link_to(cell_base& supervisor) {
    if (&supervisor == this) return false;
    {
        std::lock_guard g(lock_);
        if (supervisor_.get() == &supervisor) return true;
    }
    // Join the new supervisor first: if it no longer takes children, the old one keeps this
    // cell, so no supervisor ever loses a child without hearing of it.
    {
        std::lock_guard g(supervisor.lock_);
        if (!supervisor.accepts_children()) return false;
        supervisor.children_.emplace_back(this);
    }
    at_sync_point(rt_, sync_point::link_change);
    // An exiting cell keeps its supervisor: exit() reads supervisor_ under this lock after
    // the status moved to stopping, so the one it tells is the one it already had.
    cell_ptr old;
    bool exiting;
    {
        std::lock_guard g(lock_);
        exiting = status() >= actor_status::stopping;
        if (!exiting) old = std::exchange(supervisor_, cell_ptr(&supervisor));
    }
    if (exiting) {
        std::lock_guard g(supervisor.lock_);
        std::erase(supervisor.children_, cell_ptr(this));
        return false;
    }
    if (old) {
        std::lock_guard g(old->lock_);
        std::erase(old->children_, cell_ptr(this));
        trace(trace_kind::unlink, old->id_.local);
    }
    trace(trace_kind::link, supervisor.id_.local);
    return true;
}

void cell_base::unlink() {
    at_sync_point(rt_, sync_point::link_change);
    cell_ptr old;
    {
        std::lock_guard g(lock_);
        old = std::exchange(supervisor_, cell_ptr());
    }
    if (!old) return;
    std::lock_guard g(old->lock_);
    std::erase(old->children_, cell_ptr(this));
    trace(trace_kind::unlink, old->id_.local);
}

void cell_base::add_monitor(cell_base& watcher) {
    at_sync_point(rt_, sync_point::link_change);
    bool gone;
    {
        std::lock_guard g(lock_);
        gone = status() >= actor_status::stopping;
        if (!gone) monitors_.emplace_back(&watcher);
    }
    watcher.trace(trace_kind::monitor, id_.local);
    // Like Erlang's 'noproc': monitoring an actor that is already gone reports it at once.
    if (gone) {
        watcher.push_event({supervision_event::kind::terminated,
                            any_actor_ref(cell_ptr(this)),
                            "noproc",
                            {},
                            true});
    }
}

void cell_base::remove_monitor(const cell_base& watcher) {
    std::lock_guard g(lock_);
    std::erase_if(monitors_, [&](const cell_ptr& m) { return m.get() == &watcher; });
}

}  // namespace ractor::detail
