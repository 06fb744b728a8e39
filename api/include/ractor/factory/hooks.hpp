#pragma once
/// \file
/// Callbacks a factory runs at points of its life (ractor's `FactoryLifecycleHooks`).

#include <functional>

#include <ractor/any_actor_ref.hpp>
#include <ractor/factory/stats.hpp>
#include <ractor/factory/worker.hpp>
#include <ractor/runtime/time.hpp>

namespace ractor::factory {

/// Lifecycle and stats hooks; each runs inside the factory actor, so it must not block.
struct factory_hooks {
    /// After every worker started.
    std::function<void(const any_actor_ref& factory)> on_started{};
    /// When a drain begins: new jobs are refused from now on.
    std::function<void(const any_actor_ref& factory)> on_draining{};
    /// When the factory stops (its post_stop), after the remaining jobs were discarded.
    std::function<void(const any_actor_ref& factory)> on_stopped{};
    /// Every `stats_interval`, with the current counters.
    std::function<void(const factory_stats& stats)> on_stats{};
    duration stats_interval = std::chrono::seconds(1);
    /// When the dead-man's switch finds worker `id` stuck.
    std::function<void(worker_id id)> on_stuck{};
};

}  // namespace ractor::factory
