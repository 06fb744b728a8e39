#pragma once
/// \file
/// A typed reference to an actor: everything `any_actor_ref` does, plus cast and call.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include <ractor/any_actor_ref.hpp>
#include <ractor/call_result.hpp>
#include <ractor/detail/actor_cell.hpp>
#include <ractor/errors.hpp>
#include <ractor/message_reply.hpp>
#include <ractor/reply_port.hpp>
#include <ractor/send_status.hpp>

namespace ractor {

/// The sender error of a call an actor makes to itself: refused at once, never sent.
inline constexpr std::string_view calling_self_error = "calling_self";

namespace detail {

/// Throws `wrong_message_type` unless `cell` accepts messages of type `expected`.
void check_message_type(const cell_base& cell, const std::type_info& expected);

/// The body of every call: `send(reply_port<R>)` sends the request, then the caller parks
/// until the reply, the drop of the port, or the deadline.
template <class R, class Send>
call_result<R> call_with(const cell_base& target, Send&& send, std::optional<duration> timeout) {
    // The reply could only come from the handler that is waiting for it (OTP's calling_self).
    if (current_cell() == &target)
        return call_result<R>::sender_error(std::string(calling_self_error));
    const runtime& rt = caller_runtime(target);
    auto slot = std::make_shared<reply_slot<R>>();
    slot->exec = &rt.executor;
    slot->token = rt.executor.prepare_park();
    std::optional<time_point> deadline;
    if (timeout) deadline = rt.clock.now() + *timeout;
    const send_status sent = send(reply_port<R>(slot));
    if (sent != send_status::ok) return call_result<R>::sender_error(std::string(to_string(sent)));
    switch (await_reply(*slot, deadline)) {
        case reply_slot_base::done:
            return call_result<R>::success(std::move(*slot->value));
        case reply_slot_base::dropped:
            return call_result<R>::sender_error(slot->drop_reason);
        default:
            return call_result<R>::timeout();
    }
}

/// The `call` of a reference type `Ref` (`actor_ref`, `derived_ref`): what it sends goes
/// through `Ref::cast`.
template <class Ref>
class calls {
public:
    /// Sends the request built by `build(reply_port<R>)` and waits for the reply, at most
    /// `timeout`. `build` may be generic (`[](auto reply) { return get{std::move(reply)}; }`):
    /// `R` is then the `message_reply` of the message it returns. Inside a handler only the
    /// calling actor waits (its fiber parks); outside actors the calling thread blocks (asio)
    /// or the simulation runs until the reply.
    template <class Build>
    auto call(Build&& build, duration timeout) const {
        return call_impl(std::forward<Build>(build), timeout);
    }

    /// As `call(build, timeout)`, without a timeout.
    template <class Build>
    auto call(Build&& build) const {
        return call_impl(std::forward<Build>(build), std::nullopt);
    }

private:
    template <class Build>
    auto call_impl(Build&& build, std::optional<duration> timeout) const {
        using R = typename reply_type_of<Build>::type;
        const Ref& self = static_cast<const Ref&>(*this);
        return call_with<R>(
            *self.cell(), [&](reply_port<R> port) { return self.cast(build(std::move(port))); },
            timeout);
    }
};

}  // namespace detail

/// A reference to an actor that accepts messages of type `Msg` (ractor's `ActorRef<Msg>`).
template <class Msg>
class actor_ref : public any_actor_ref, public detail::calls<actor_ref<Msg>> {
public:
    using message_type = Msg;

    actor_ref() = default;
    /// Wraps a cell known to accept `Msg` (the library's own constructor).
    explicit actor_ref(detail::cell_ptr cell) noexcept : any_actor_ref(std::move(cell)) {}

    /// Queues `msg` without waiting. Messages from one sender arrive in the order sent.
    send_status cast(Msg msg) const {
        auto* e = new detail::message_envelope<Msg>(std::move(msg));
        return cell()->push_message(e);
    }
};

template <class Msg>
actor_ref<Msg> any_actor_ref::as() const {
    detail::check_message_type(*cell(), typeid(Msg));
    return actor_ref<Msg>(cell());
}

template <class Msg>
std::optional<actor_ref<Msg>> any_actor_ref::try_as() const {
    if (cell()->message_type() != typeid(Msg)) return std::nullopt;
    return actor_ref<Msg>(cell());
}

}  // namespace ractor
