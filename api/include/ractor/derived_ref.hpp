#pragma once
/// \file
/// A reference restricted to part of an actor's messages (ractor's `DerivedActorRef`).

#include <type_traits>
#include <utility>

#include <ractor/actor_ref.hpp>

namespace ractor {

/// A reference that accepts only `Sub`, a message type the actor's own message type can be
/// made from (typically one alternative of its variant). Hand it to code that should send
/// these messages and nothing else, or that must not know the actor's full type: it casts,
/// calls and takes timers (`send_after`, `send_interval`) as an `actor_ref<Sub>` would, and
/// each `Sub` becomes the full message on the way in.
template <class Sub>
class derived_ref : public any_actor_ref, public detail::calls<derived_ref<Sub>> {
public:
    using message_type = Sub;

    derived_ref() = default;
    /// Restricts `full` to `Sub`.
    template <class Msg>
    requires std::is_constructible_v<Msg, Sub>
    explicit derived_ref(const actor_ref<Msg>& full)
        : any_actor_ref(full.cell()), push_(&push_as<Msg>) {}

    /// Queues `msg`, converted into the actor's message type.
    send_status cast(Sub msg) const { return push_(*cell(), std::move(msg)); }

private:
    template <class Msg>
    static send_status push_as(detail::cell_base& cell, Sub&& msg) {
        return cell.push_message(new detail::message_envelope<Msg>(Msg(std::move(msg))));
    }

    send_status (*push_)(detail::cell_base&, Sub&&) = nullptr;
};

}  // namespace ractor
