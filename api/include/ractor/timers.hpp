#pragma once
/// \file
/// Timers on the runtime clock: send_after, send_interval, exit_after, kill_after.

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <ractor/actor_ref.hpp>
#include <ractor/exit_reason.hpp>
#include <ractor/runtime/clock.hpp>

namespace ractor {

namespace detail {
struct timer_state;
}

/// A started timer. Cancelling it before it fires guarantees it never fires; copies share
/// the timer. Timers run on the node's runtime clock, so they are virtual in the simulator.
class timer_handle {
public:
    timer_handle() = default;
    explicit timer_handle(std::shared_ptr<detail::timer_state> s) noexcept : state_(std::move(s)) {}

    /// Cancels the timer; true if it was still pending (and now never fires again).
    bool cancel() const;
    /// True until the timer fired its last time or was cancelled.
    bool is_active() const;

private:
    std::shared_ptr<detail::timer_state> state_;
};

namespace detail {

/// Starts a one-shot timer aimed at `target`, running `fire` after `delay` on its node's
/// clock. It is cancelled if `target` stops first.
timer_handle start_once(const cell_base& target, duration delay, timer_callback fire);
/// Starts a periodic timer aimed at `target`: `fire` runs every `period` (first after one
/// period) until it returns false, the handle is cancelled or `target` stops.
timer_handle start_periodic(const cell_base& target, duration period, std::function<bool()> fire);

/// Wraps a message so a copyable std::function can carry it even if it is move-only.
template <class Msg>
auto keep_message(Msg&& msg) {
    if constexpr (std::is_copy_constructible_v<std::decay_t<Msg>>) {
        return std::decay_t<Msg>(std::forward<Msg>(msg));
    } else {
        return std::make_shared<std::decay_t<Msg>>(std::forward<Msg>(msg));
    }
}
template <class Msg>
Msg&& unwrap_message(Msg& m) { return std::move(m); }
template <class Msg>
Msg&& unwrap_message(std::shared_ptr<Msg>& m) { return std::move(*m); }

}  // namespace detail

/// Casts `msg` to `to` after `delay` (Erlang's `send_after`).
template <class Msg>
timer_handle send_after(const actor_ref<Msg>& to, duration delay, Msg msg) {
    return detail::start_once(*to.cell(), delay,
                              [to, kept = detail::keep_message(std::move(msg))]() mutable {
                                  to.cast(detail::unwrap_message(kept));
                              });
}

/// Casts `make_message()` to `to` every `period`, the first time after one period; stops
/// by itself once `to` no longer accepts messages.
template <class Msg, class MakeMessage>
timer_handle send_interval(const actor_ref<Msg>& to, duration period, MakeMessage make_message) {
    return detail::start_periodic(*to.cell(), period,
                                  [to, make = std::move(make_message)]() mutable {
                                      return to.cast(make()) != send_status::stopped;
                                  });
}

/// Stops `target` with `reason` after `delay`.
timer_handle exit_after(const any_actor_ref& target, duration delay,
                        std::string_view reason = exit_reason::normal);

/// Kills `target` after `delay`.
timer_handle kill_after(const any_actor_ref& target, duration delay);

}  // namespace ractor
