#pragma once
/// \file
/// The type-erased factory actor that every typed factory forwards to.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include <ractor/actor_ref.hpp>
#include <ractor/factory/dead_mans_switch.hpp>
#include <ractor/factory/detail/erased_job.hpp>
#include <ractor/factory/discard.hpp>
#include <ractor/factory/factory_message.hpp>
#include <ractor/factory/hooks.hpp>
#include <ractor/factory/routing.hpp>
#include <ractor/spawn_options.hpp>

namespace ractor {
class actor_system;
}

namespace ractor::factory::detail {

/// Starts worker `id`, incarnation `generation`, linked to `factory`.
using worker_spawner = std::function<actor_ref<worker_job>(const actor_ref<factory_message>& factory, worker_id id,
                                                           std::uint64_t generation)>;

/// A factory spec with the job types erased.
struct core_spec {
    std::size_t workers = 1;
    routing_mode mode = routing_mode::queuer;
    std::function<std::size_t(const erased_job&, std::size_t)> custom{};
    std::optional<rate_limit> limit{};
    std::uint8_t priorities = 1;
    discard_settings discard{};
    std::function<void(discard_reason, erased_job&)> on_discard{};
    std::optional<dead_mans_switch> dead_man{};
    factory_hooks hooks{};
    worker_spawner spawn_worker{};
};

/// Spawns the factory actor and its workers; throws `spawn_error` as `actor_system::spawn`
/// does, and `std::invalid_argument` for a spec that cannot work (no workers, custom
/// routing without a function, a dynamic limit without a starting limit).
actor_ref<factory_message> spawn_core(actor_system& system, core_spec spec, spawn_options options);

}  // namespace ractor::factory::detail
