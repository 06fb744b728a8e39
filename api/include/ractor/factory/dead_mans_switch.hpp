#pragma once
/// \file
/// The dead-man's switch: finding workers stuck on one job.

#include <ractor/runtime/time.hpp>

namespace ractor::factory {

/// Every `check_interval` the factory looks for workers handling one job for longer than
/// `threshold`; each is reported once per job (stats and `on_stuck`) and, if `kill` is set,
/// killed and respawned under the same id with its backlog (ractor's `DeadMansSwitchConfiguration`).
struct dead_mans_switch {
    duration threshold = std::chrono::seconds(10);
    duration check_interval = std::chrono::seconds(1);
    bool kill = false;
};

}  // namespace ractor::factory
