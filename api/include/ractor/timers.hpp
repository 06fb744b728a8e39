#pragma once
/// \file
/// Timers on the runtime clock: send_after, send_interval, exit_after, kill_after.

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <ractor/actor_ref.hpp>
#include <ractor/detail/timer_state.hpp>
#include <ractor/exit_reason.hpp>
#include <ractor/runtime/clock.hpp>

namespace ractor {

/// A started timer. Cancelling it before it fires guarantees it never fires; copies share
/// the timer. Timers run on the node's runtime clock, so they are virtual in the simulator.
class timer_handle {
public:
    timer_handle() = default;
    explicit timer_handle(detail::timer_ptr s) noexcept : state_(std::move(s)) {}

    /// Cancels the timer; true if it was still pending (and now never fires again).
    bool cancel() const;
    /// True until the timer fired its last time or was cancelled.
    bool is_active() const;

private:
    detail::timer_ptr state_;
};

namespace detail {

/// Starts the one-shot timer `state` (aimed at `target`), firing after `delay` on its node's
/// clock. It is cancelled if `target` stops first; an empty handle if it has stopped.
timer_handle start_once(const cell_base& target, duration delay, timer_ptr state);
/// Starts the periodic timer `state` (aimed at `target`, made with `periodic_state` as its
/// base): it fires every `period` (first after one period) until its action returns false,
/// the handle is cancelled or `target` stops.
timer_handle start_periodic(const cell_base& target, duration period, timer_ptr state);

/// A one-shot timer aimed at `target`, running `fire` after `delay`.
timer_handle start_once(const cell_base& target, duration delay, timer_callback fire);

/// A timer state (with base `Base`) aimed at `target` that runs `action`; null if `target`
/// has stopped (such a timer would only ever be refused, so nothing is allocated).
template <class Base = timer_state, class F>
timer_ptr make_timer(const cell_base& target, F action) {
    if (target.status() >= actor_status::stopping) return {};
    return timer_ptr(new timer_action<F, Base>(target, std::move(action)));
}

}  // namespace detail

/// Casts `msg` to `to` after `delay` (Erlang's `send_after`). As with `cast`, `msg` may be
/// a value of any alternative of a variant `Msg`.
///
/// `to` is an `actor_ref` or any reference with a `message_type` and a `cast` of it (a
/// `derived_ref`).
template <class Ref>
timer_handle send_after(const Ref& to, duration delay,
                        std::type_identity_t<typename Ref::message_type> msg) {
    return detail::start_once(*to.cell(), delay,
                              detail::make_timer(*to.cell(), [to, m = std::move(msg)]() mutable {
                                  to.cast(std::move(m));
                              }));
}

/// Casts a message to `to` every `period`, the first time after one period; stops by itself
/// once `to` no longer accepts messages. `message` is either a function making each message
/// (`make_message()`) or a copyable message, of `Msg` or of one of its alternatives, cast
/// as a fresh copy each time.
template <class Ref, class Message>
timer_handle send_interval(const Ref& to, duration period, Message message) {
    using Msg = typename Ref::message_type;
    static_assert(
        std::is_invocable_v<Message&> || std::is_convertible_v<const Message&, Msg>,
        "ractor: send_interval needs a message (convertible to the actor's message type) or a "
        "function making one");
    return detail::start_periodic(*to.cell(), period,
                                  detail::make_timer<detail::periodic_state>(
                                      *to.cell(), [to, message = std::move(message)]() mutable {
                                          if constexpr (std::is_invocable_v<Message&>) {
                                              return to.cast(message()) != send_status::stopped;
                                          } else {
                                              return to.cast(Msg(message)) != send_status::stopped;
                                          }
                                      }));
}

/// Stops `target` with `reason` after `delay`.
timer_handle exit_after(const any_actor_ref& target, duration delay,
                        std::string_view reason = exit_reason::normal);

/// Kills `target` after `delay`.
timer_handle kill_after(const any_actor_ref& target, duration delay);

}  // namespace ractor
