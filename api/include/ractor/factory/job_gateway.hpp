#pragma once
/// \file
/// An actor that takes jobs from other nodes and dispatches them to a local factory.

#include <utility>

#include <ractor/actor.hpp>
#include <ractor/actor_system.hpp>
#include <ractor/factory/factory_ref.hpp>
#include <ractor/factory/remote_job.hpp>
#include <ractor/spawn_options.hpp>

namespace ractor::factory {

namespace detail {

/// Forwards every `remote_job` to its factory; stops when the factory exits.
template <class Key, class Msg>
struct job_gateway : actor<remote_job<Key, Msg>, factory_ref<Key, Msg>, factory_ref<Key, Msg>> {
    using self_t = actor_ref<remote_job<Key, Msg>>;
    factory_ref<Key, Msg> pre_start(self_t self, factory_ref<Key, Msg> target) {
        self.monitor(target.actor());
        return target;
    }
    void handle(self_t, remote_job<Key, Msg> j, factory_ref<Key, Msg>& target) {
        target.dispatch(std::move(j).to_job());
    }
    void handle_supervisor_evt(self_t self, const supervision_event& e, factory_ref<Key, Msg>&) {
        if (e.is_exit()) self.stop(exit_reason::normal);
    }
};

}  // namespace detail

/// Spawns the gateway through which other nodes reach `target`: register `remote_job<Key,
/// Msg>` with the cluster node on every side (the same name), give the gateway a name with
/// `options.name`, and remote nodes find it with `node.where_is<remote_job<Key, Msg>>`.
/// Remote jobs keep the order of their sender; the gateway stops when the factory does.
template <class Key, class Msg>
actor_ref<remote_job<Key, Msg>> spawn_job_gateway(actor_system& system, const factory_ref<Key, Msg>& target,
                                                  spawn_options options = {}) {
    return system.spawn(detail::job_gateway<Key, Msg>{}, target, std::move(options));
}

}  // namespace ractor::factory
