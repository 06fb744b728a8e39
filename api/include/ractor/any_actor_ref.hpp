#pragma once
/// \file
/// An untyped reference to an actor: identity, lifecycle, supervision; no sending.

#include <optional>
#include <string>
#include <string_view>

#include <ractor/actor_id.hpp>
#include <ractor/actor_status.hpp>
#include <ractor/detail/cell_ptr.hpp>
#include <ractor/exit_reason.hpp>
#include <ractor/runtime/time.hpp>

namespace ractor {

class actor_system;
template <class Msg>
class actor_ref;

/// A reference to an actor of any message type (ractor's `ActorCell`).
///
/// Copies are cheap and keep the actor's memory (not its life) alive: once the actor
/// stopped, operations on the reference are harmless no-ops. References must not be used
/// after their actor system was destroyed.
class any_actor_ref {
public:
    any_actor_ref() = default;
    explicit any_actor_ref(detail::cell_ptr cell) noexcept : cell_(std::move(cell)) {}

    /// The actor's id.
    actor_id id() const;
    /// The registered name, if the actor was given one.
    std::optional<std::string> name() const;
    /// The current lifecycle status.
    actor_status status() const;
    /// True if the actor has not reached `stopping`.
    bool is_alive() const { return status() < actor_status::stopping; }
    /// The actor system (node) that hosts the actor.
    actor_system& system() const;

    /// Asks the actor to stop after its current handler: queued messages are dropped,
    /// pending calls get a sender error, post_stop runs. The first reason given wins.
    void stop(std::string_view reason = exit_reason::normal) const;
    /// Ends the actor at once, or at the next park point of its running handler; skips post_stop.
    void kill() const;
    /// Refuses new messages, processes the queued ones, then stops with reason `normal`.
    void drain() const;
    /// Blocks (parks the calling fiber, or thread outside actors) until the actor stopped.
    void wait() const;
    /// As `wait`, for at most `timeout`; true if the actor stopped in time.
    bool wait_for(duration timeout) const;
    /// `stop` then `wait`: returns after post_stop finished.
    void stop_and_wait(std::string_view reason = exit_reason::normal) const;
    /// `kill` then `wait`.
    void kill_and_wait() const;
    /// `drain` then `wait`.
    void drain_and_wait() const;
    /// `stop` then `wait_for(timeout)`: true if the actor stopped in time. On a timeout the
    /// stop stays requested and the actor finishes it on its own; nothing else is done to it.
    bool stop_and_wait_for(duration timeout, std::string_view reason = exit_reason::normal) const;
    /// `kill` then `wait_for(timeout)`: true if the actor stopped in time (a kill waits for
    /// a running handler's next park point, which may be later).
    bool kill_and_wait_for(duration timeout) const;
    /// `drain` then `wait_for(timeout)`: true if the queue was worked off and the actor
    /// stopped in time; otherwise it goes on draining.
    bool drain_and_wait_for(duration timeout) const;

    /// Makes `supervisor` this actor's one supervisor (moving it from any previous one).
    /// Refused, returning false and keeping the current supervisor, if `supervisor` is
    /// draining or exiting (ractor), or if this actor is exiting (its supervisor is told).
    bool link(const any_actor_ref& supervisor) const;
    /// Removes this actor from its supervisor, if any.
    void unlink() const;
    /// Makes this actor receive a supervision event when `target` terminates or fails,
    /// without supervising it. Monitoring a stopped actor reports it terminated at once.
    void monitor(const any_actor_ref& target) const;
    /// Stops monitoring `target`; events not yet delivered may still arrive.
    void unmonitor(const any_actor_ref& target) const;

    /// This reference typed for message type `Msg`; throws `wrong_message_type` if the
    /// actor accepts another type. Needs <ractor/actor_ref.hpp>.
    template <class Msg>
    actor_ref<Msg> as() const;
    /// This reference typed for message type `Msg`, or nullopt if the actor accepts another
    /// type: the non-throwing `as`. Needs <ractor/actor_ref.hpp>.
    template <class Msg>
    std::optional<actor_ref<Msg>> try_as() const;

    /// True if this reference names an actor.
    explicit operator bool() const noexcept { return static_cast<bool>(cell_); }
    friend bool operator==(const any_actor_ref& a, const any_actor_ref& b) noexcept {
        return a.cell_ == b.cell_;
    }

    /// The cell behind the reference, for the library's own code.
    const detail::cell_ptr& cell() const noexcept { return cell_; }

private:
    detail::cell_ptr cell_;
};

}  // namespace ractor
