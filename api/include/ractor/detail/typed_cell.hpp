#pragma once
/// \file
/// The thin typed layer over `cell_base`: stores the behaviour and state, calls back into them.

#include <optional>
#include <typeinfo>
#include <utility>

#include <ractor/actor_ref.hpp>
#include <ractor/detail/actor_cell.hpp>
#include <ractor/detail/callback_check.hpp>

namespace ractor::detail {

/// The cell of an actor with behaviour `A` (a class derived from `ractor::actor<...>`).
template <class A>
class typed_cell final : public cell_base {
public:
    using msg_t = typename A::message_type;
    using state_t = typename A::state_type;
    using args_t = typename A::arguments_type;

    static_assert((check_callbacks<A>(), true));

    typed_cell(actor_system& system, const runtime& rt, std::uint64_t local_id, std::string name,
               std::size_t mailbox_capacity, A behaviour)
        : cell_base(system, rt, local_id, std::move(name), mailbox_capacity),
          behaviour_(std::move(behaviour)) {}

    const std::type_info& message_type() const noexcept override { return typeid(msg_t); }
    const std::type_info& behaviour_type() const noexcept override { return typeid(A); }

    /// Runs pre_start with `args` (on the spawner's fiber) and keeps the state it returns.
    void pre_start(args_t&& args) { state_.emplace(behaviour_.pre_start(self(), std::move(args))); }

private:
    actor_ref<msg_t> self() { return actor_ref<msg_t>(cell_ptr(this)); }

    void invoke_post_start() override { behaviour_.post_start(self(), *state_); }
    void invoke_handle(envelope& e) override {
        behaviour_.handle(self(), std::move(static_cast<message_envelope<msg_t>&>(e).msg), *state_);
    }
    void invoke_supervisor_evt(const supervision_event& e) override {
        behaviour_.handle_supervisor_evt(self(), e, *state_);
    }
    void invoke_post_stop() override { behaviour_.post_stop(self(), *state_); }
    boxed_state take_state() override {
        if (!state_) return {};
        boxed_state b = boxed_state::box(std::move(*state_));
        state_.reset();
        return b;
    }

    A behaviour_;
    std::optional<state_t> state_;
};

}  // namespace ractor::detail
