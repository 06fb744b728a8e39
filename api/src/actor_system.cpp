// The actor system of one node: actor table, name registry, spawning and shutdown.
#include <ractor/actor_system.hpp>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <ractor/detail/sync_here.hpp>
#include <ractor/detail/type_name.hpp>
#include <ractor/errors.hpp>

namespace ractor {

namespace {

using detail::type_name;

/// The text of an actor's `spawn` event, so that traces can name actors: "kind=K;
/// message=M" and, for a registered actor, "; name=N" (last: a name may hold any character).
std::string spawn_text(const detail::cell_base& cell, const spawn_options& options) {
    std::string out = "kind=" + type_name(cell.behaviour_type()) + "; message=" + type_name(cell.message_type());
    if (options.name) out += "; name=" + *options.name;
    return out;
}

}  // namespace

// ---- any_actor_ref --------------------------------------------------------------------

actor_id any_actor_ref::id() const { return cell_->id(); }

std::optional<std::string> any_actor_ref::name() const {
    std::string n = cell_->name();
    if (n.empty()) return std::nullopt;
    return n;
}

actor_status any_actor_ref::status() const { return cell_->status(); }
actor_system& any_actor_ref::system() const { return cell_->system(); }
void any_actor_ref::stop(std::string_view reason) const { cell_->stop(reason); }
void any_actor_ref::kill() const { cell_->kill(); }
void any_actor_ref::drain() const { cell_->drain(); }
void any_actor_ref::wait() const { cell_->wait(); }

bool any_actor_ref::wait_for(duration timeout) const {
    return cell_->wait(detail::caller_runtime(*cell_).clock.now() + timeout);
}

void any_actor_ref::stop_and_wait(std::string_view reason) const {
    cell_->stop(reason);
    cell_->wait();
}

void any_actor_ref::kill_and_wait() const {
    cell_->kill();
    cell_->wait();
}

void any_actor_ref::drain_and_wait() const {
    cell_->drain();
    cell_->wait();
}

bool any_actor_ref::stop_and_wait_for(duration timeout, std::string_view reason) const {
    cell_->stop(reason);
    return wait_for(timeout);
}

bool any_actor_ref::kill_and_wait_for(duration timeout) const {
    cell_->kill();
    return wait_for(timeout);
}

bool any_actor_ref::drain_and_wait_for(duration timeout) const {
    cell_->drain();
    return wait_for(timeout);
}

bool any_actor_ref::link(const any_actor_ref& supervisor) const { return cell_->link_to(*supervisor.cell_); }
void any_actor_ref::unlink() const { cell_->unlink(); }
void any_actor_ref::monitor(const any_actor_ref& target) const { target.cell_->add_monitor(*cell_); }
void any_actor_ref::unmonitor(const any_actor_ref& target) const { target.cell_->remove_monitor(*cell_); }

void detail::check_message_type(const cell_base& cell, const std::type_info& expected) {
    if (cell.message_type() == expected) return;
    const std::string name = cell.name();
    throw wrong_message_type("actor " + cell.id().to_string() + (name.empty() ? "" : " '" + name + "'") + " accepts " +
                             type_name(cell.message_type()) + ", not " + type_name(expected));
}

// ---- actor_system ---------------------------------------------------------------------

actor_system::actor_system(const ractor::runtime& rt) : rt_(rt), groups_(rt.node_id) {}

actor_system::~actor_system() {
    shutdown();
    timers_.cancel_everything();  // timers aimed at actors that were already gone
    std::vector<std::shared_ptr<void>> services;
    {
        std::lock_guard g(mutex_);
        services.swap(attached_);
    }
    while (!services.empty()) services.pop_back();
}

void actor_system::attach(std::shared_ptr<void> service) {
    std::lock_guard g(mutex_);
    attached_.push_back(std::move(service));
}

void actor_system::start(const detail::cell_ptr& cell, const spawn_options& options, start_fn fn,
                         void* args) {
    if (options.supervisor && !options.supervisor.cell()->accepts_children()) {
        throw spawn_error("the supervisor " + options.supervisor.id().to_string() + " is draining or exiting",
                          "supervisor not running");
    }
    const std::uint64_t parent = options.supervisor ? options.supervisor.id().local : 0;
    if ((options.runtime_view ? *options.runtime_view : rt_).trace) {
        cell->trace(trace_kind::spawn, parent, 0, spawn_text(*cell, options));
    }
    if (options.name) {
        std::lock_guard g(mutex_);
        auto [it, inserted] = names_.try_emplace(*options.name, cell);
        if (!inserted) {
            throw spawn_error("the name '" + *options.name + "' is already registered to actor " +
                              it->second->id().to_string());
        }
    }
    try {
        cell->start(fn, args, options.supervisor ? options.supervisor.cell().get() : nullptr, options.trap_exit);
    } catch (...) {
        release_name(*cell);
        throw;
    }
    {
        alive_shard& shard = shard_of(cell->id().local);
        std::lock_guard g(shard.mutex);
        // An actor may stop before its spawner gets here (e.g. killed right away): keep the
        // table to the living.
        if (cell->status() < actor_status::stopping) shard.cells.emplace(cell->id().local, cell);
    }
    if (lifecycle_watched_.load(std::memory_order_acquire)) announce_start(cell);
}

void actor_system::announce_start(const detail::cell_ptr& cell) {
    std::vector<any_actor_ref> watchers;
    {
        std::lock_guard g(mutex_);
        // A watcher that stopped hears nothing more: forget it here rather than in its exit.
        std::erase_if(lifecycle_watchers_, [](const any_actor_ref& w) { return !w.is_alive(); });
        watchers = lifecycle_watchers_;
    }
    const any_actor_ref started(cell);
    for (const any_actor_ref& w : watchers) {
        if (w == started) continue;
        w.cell()->push_event({supervision_event::kind::started, started, {}, {}, true});
        w.monitor(started);
    }
}

void actor_system::monitor_lifecycle(const any_actor_ref& watcher) {
    std::lock_guard g(mutex_);
    if (std::find(lifecycle_watchers_.begin(), lifecycle_watchers_.end(), watcher) ==
        lifecycle_watchers_.end()) {
        lifecycle_watchers_.push_back(watcher);
    }
    lifecycle_watched_.store(true, std::memory_order_release);
}

void actor_system::demonitor_lifecycle(const any_actor_ref& watcher) {
    std::lock_guard g(mutex_);
    std::erase(lifecycle_watchers_, watcher);
    lifecycle_watched_.store(!lifecycle_watchers_.empty(), std::memory_order_release);
}

bool actor_system::sleep_for(duration d) const {
    const ractor::runtime& rt = detail::current_cell() ? detail::current_cell()->rt() : rt_;
    const time_point until = rt.clock.now() + d;
    for (;;) {
        // Nobody unparks this token: only the deadline, a kill or the shutdown end the park.
        const park_token token = rt.executor.prepare_park();
        const wake_reason why = detail::park_here(rt.executor, token, until);
        if (why == wake_reason::timed_out) return true;
        if (why == wake_reason::interrupted) return false;
    }
}

// Invariant: no name stays registered to an actor that entered stopping. register_name
// checks that the actor is alive and sets its name under mutex_; the exit moves the status
// to stopping first and then reads the name here, also under mutex_: either this sees the
// name, or the registration sees the actor stopping and refuses. Reading the name before
// taking mutex_ let a registration in progress slip between the read and the erase.
void actor_system::release_name(const detail::cell_base& cell) {
    std::lock_guard g(mutex_);
    const std::string name = cell.name();
    if (name.empty()) return;
    auto it = names_.find(name);
    if (it != names_.end() && it->second.get() == &cell) names_.erase(it);
}

void actor_system::actor_stopping(const detail::cell_base& cell) {
    release_name(cell);
    any_actor_ref self(detail::cell_ptr(const_cast<detail::cell_base*>(&cell)));
    groups_.remove_everywhere(self);
    timers_.cancel_all(cell.id().local);
}

void actor_system::register_name(std::string name, const any_actor_ref& actor) {
    if (&actor.system() != this) throw std::invalid_argument("register_name: the actor lives on another node");
    detail::at_sync_point(rt_, sync_point::registry);
    std::lock_guard g(mutex_);
    const std::string held = actor.cell()->name();
    if (auto it = names_.find(held); !held.empty() && it != names_.end() && it->second == actor.cell()) {
        throw std::invalid_argument("register_name: actor " + actor.id().to_string() +
                                    " is already registered as '" + held + "'");
    }
    if (!actor.is_alive()) throw spawn_error("register_name: actor " + actor.id().to_string() + " is not alive");
    auto [it, inserted] = names_.try_emplace(name, actor.cell());
    if (!inserted) {
        throw spawn_error("the name '" + name + "' is already registered to actor " + it->second->id().to_string());
    }
    actor.cell()->set_name(std::move(name));
}

bool actor_system::unregister_name(std::string_view name) {
    detail::at_sync_point(rt_, sync_point::registry);
    std::lock_guard g(mutex_);
    auto it = names_.find(name);
    if (it == names_.end()) return false;
    names_.erase(it);
    return true;
}

void actor_system::forget(const detail::cell_base& cell) {
    detail::cell_ptr dropped;  // released outside the lock
    alive_shard& shard = shard_of(cell.id().local);
    std::lock_guard g(shard.mutex);
    auto it = shard.cells.find(cell.id().local);
    if (it == shard.cells.end()) return;
    dropped = std::move(it->second);
    shard.cells.erase(it);
}

std::optional<any_actor_ref> actor_system::where_is(std::string_view name) const {
    detail::at_sync_point(rt_, sync_point::registry);
    std::lock_guard g(mutex_);
    auto it = names_.find(name);
    if (it == names_.end()) return std::nullopt;
    return any_actor_ref(it->second);
}

std::vector<std::string> actor_system::registered() const {
    std::lock_guard g(mutex_);
    std::vector<std::string> out;
    out.reserve(names_.size());
    for (const auto& [name, cell] : names_) out.push_back(name);
    return out;
}

std::size_t actor_system::alive_count() const {
    std::size_t n = 0;
    for (const alive_shard& shard : alive_) {
        std::lock_guard g(shard.mutex);
        n += shard.cells.size();
    }
    return n;
}

std::optional<any_actor_ref> actor_system::find(std::uint64_t local_id) const {
    const alive_shard& shard = shard_of(local_id);
    std::lock_guard g(shard.mutex);
    auto it = shard.cells.find(local_id);
    if (it == shard.cells.end()) return std::nullopt;
    return any_actor_ref(it->second);
}

std::vector<any_actor_ref> actor_system::actors() const {
    std::vector<std::pair<std::uint64_t, detail::cell_ptr>> found;
    for (const alive_shard& shard : alive_) {
        std::lock_guard g(shard.mutex);
        found.insert(found.end(), shard.cells.begin(), shard.cells.end());
    }
    // By id, as one table would list them: shutdown and kill_all act in a reproducible order.
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<any_actor_ref> out;
    out.reserve(found.size());
    for (auto& [id, cell] : found) out.emplace_back(std::move(cell));
    return out;
}

std::size_t actor_system::kill_all() {
    const auto doomed = actors();
    for (const auto& a : doomed) a.kill();
    return doomed.size();
}

void actor_system::shutdown() {
    // Repeat: a dying actor's post_stop may still have spawned another.
    for (auto doomed = actors(); !doomed.empty(); doomed = actors()) {
        for (const auto& a : doomed) a.kill();
        for (const auto& a : doomed) a.wait();
    }
}

}  // namespace ractor
