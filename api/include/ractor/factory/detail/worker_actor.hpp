#pragma once
/// \file
/// The actor that runs a user's worker behaviour and reports each finished job.

#include <utility>

#include <ractor/actor.hpp>
#include <ractor/actor_system.hpp>
#include <ractor/factory/detail/erased_job.hpp>
#include <ractor/factory/factory_message.hpp>

namespace ractor::factory::detail {

/// What a worker actor is spawned with: its place and incarnation, and its factory.
struct worker_start {
    worker_id id = 0;
    std::uint64_t generation = 0;
    actor_ref<factory_message> factory{};
};

/// Runs worker behaviour `W` (derived from `worker<Key, Msg, State>`) one job at a time.
template <class W>
class worker_actor : public actor<worker_job, typename W::state_type, worker_start> {
public:
    using state_t = typename W::state_type;
    using job_t = typed_job<typename W::key_type, typename W::message_type>;

    explicit worker_actor(W behaviour) : behaviour_(std::move(behaviour)) {}

    state_t pre_start(actor_ref<worker_job> /*self*/, worker_start start) {
        start_ = std::move(start);
        return behaviour_.pre_start(start_.id);
    }
    void handle(actor_ref<worker_job> self, worker_job msg, state_t& state) {
        const ractor::clock& clock = self.system().runtime().clock;
        const time_point began = clock.now();
        behaviour_.handle(start_.id, static_cast<job_t&>(*msg.job).value, state);
        start_.factory.cast(factory_msg::finished{start_.id, start_.generation, clock.now() - began});
    }
    void post_stop(actor_ref<worker_job> /*self*/, state_t& state) { behaviour_.post_stop(start_.id, state); }

private:
    W behaviour_;
    worker_start start_{};
};

}  // namespace ractor::factory::detail
