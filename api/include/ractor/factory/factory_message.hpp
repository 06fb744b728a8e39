#pragma once
/// \file
/// The requests a factory actor accepts; use `factory_ref` rather than sending them by hand.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>

#include <ractor/factory/acceptance.hpp>
#include <ractor/factory/detail/erased_job.hpp>
#include <ractor/factory/stats.hpp>
#include <ractor/factory/worker.hpp>
#include <ractor/reply_port.hpp>

namespace ractor::factory {

/// The messages of a factory.
namespace factory_msg {
/// A job to route; `ack`, if set, is answered once the job is taken or discarded.
struct dispatch {
    std::unique_ptr<detail::erased_job> job;
    std::optional<reply_port<acceptance>> ack{};
};
/// Worker `id` (incarnation `generation`) finished its job after `took`.
struct finished {
    worker_id id;
    std::uint64_t generation;
    duration took;
};
/// Grow or shrink the pool to `workers` (at least one).
struct resize { std::size_t workers; };
/// Finish the queued and running jobs, refuse new ones, then stop.
struct drain {};
/// The current counters.
struct get_stats { reply_port<factory_stats> port; };
/// A periodic timer of the factory fired.
struct tick {
    enum class kind : std::uint8_t { dead_mans_switch, stats, discard_limit } what;
};
}  // namespace factory_msg

/// Everything a factory handles.
using factory_message = std::variant<factory_msg::dispatch, factory_msg::finished, factory_msg::resize,
                                     factory_msg::drain, factory_msg::get_stats, factory_msg::tick>;

}  // namespace ractor::factory
