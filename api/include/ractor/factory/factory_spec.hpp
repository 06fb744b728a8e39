#pragma once
/// \file
/// Everything a factory is built from: its workers, routing, queues, limits and hooks.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include <ractor/factory/dead_mans_switch.hpp>
#include <ractor/factory/discard.hpp>
#include <ractor/factory/hooks.hpp>
#include <ractor/factory/job.hpp>
#include <ractor/factory/routing.hpp>
#include <ractor/factory/worker.hpp>

namespace ractor::factory {

/// The spec of a factory whose workers behave as `W` (derived from `worker<Key, Msg, State>`).
/// Use designated initializers: `{.workers = 4, .route = {.mode = routing_mode::round_robin}}`.
template <class W>
struct factory_spec {
    using key_type = typename W::key_type;
    using message_type = typename W::message_type;

    /// The initial pool size (at least one).
    std::size_t workers = 1;
    /// Builds the behaviour of worker `id`, at its first start and at every respawn.
    std::function<W(worker_id id)> make_worker = [](worker_id) { return W{}; };
    factory::routing<key_type> route{};
    /// How many priority levels the queues keep (`job_options::priority` 0 .. priorities - 1).
    std::uint8_t priorities = 1;
    discard_settings discard{};
    /// Told about every discarded job, with the reason; it may still answer a `call_job`'s port.
    std::function<void(discard_reason, job<key_type, message_type>&)> discard_handler{};
    std::optional<factory::dead_mans_switch> dead_mans_switch{};
    factory_hooks hooks{};
};

}  // namespace ractor::factory
