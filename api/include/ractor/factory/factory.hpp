#pragma once
/// \file
/// Factories (worker pools, as ractor's `factory` module): spawning one. See docs/factory.md.

#include <utility>

#include <ractor/actor_system.hpp>
#include <ractor/factory/acceptance.hpp>
#include <ractor/factory/detail/factory_core.hpp>
#include <ractor/factory/detail/worker_actor.hpp>
#include <ractor/factory/factory_ref.hpp>
#include <ractor/factory/factory_spec.hpp>
#include <ractor/factory/job.hpp>
#include <ractor/factory/stats.hpp>
#include <ractor/factory/worker.hpp>
#include <ractor/spawn_options.hpp>

namespace ractor::factory {

/// Spawns a factory of `spec.workers` workers built by `spec.make_worker`, supervised by the
/// factory and respawned under their id when they exit. Returns once every worker started.
/// Throws `spawn_error` if a worker's (or the factory's) start fails, and
/// `std::invalid_argument` for a spec that cannot work.
template <class W>
factory_ref<typename W::key_type, typename W::message_type> spawn_factory(actor_system& system, factory_spec<W> spec,
                                                                           spawn_options options = {}) {
    using key_t = typename W::key_type;
    using msg_t = typename W::message_type;
    using job_t = detail::typed_job<key_t, msg_t>;
    detail::core_spec core{.workers = spec.workers,
                           .mode = spec.route.mode,
                           .limit = spec.route.limit,
                           .priorities = spec.priorities,
                           .discard = std::move(spec.discard),
                           .dead_man = spec.dead_mans_switch,
                           .hooks = std::move(spec.hooks)};
    if (spec.route.custom) {
        core.custom = [f = std::move(spec.route.custom)](const detail::erased_job& j, std::size_t n) {
            return f(static_cast<const job_t&>(j).value.key, n);
        };
    }
    if (spec.discard_handler) {
        core.on_discard = [f = std::move(spec.discard_handler)](discard_reason r, detail::erased_job& j) {
            f(r, static_cast<job_t&>(j).value);
        };
    }
    core.spawn_worker = [make = std::move(spec.make_worker)](const actor_ref<factory_message>& factory, worker_id id,
                                                             std::uint64_t generation) {
        return factory.system().spawn(detail::worker_actor<W>(make(id)), detail::worker_start{id, generation, factory},
                                      {.supervisor = factory});
    };
    return factory_ref<key_t, msg_t>(detail::spawn_core(system, std::move(core), std::move(options)));
}

}  // namespace ractor::factory
