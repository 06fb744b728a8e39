#pragma once
/// \file
/// The benchmark workloads of `../shared/peers`, written once against `ractor::actor_system`.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ractor {
class actor_system;
}

namespace ractor::bench {

/// What one run of a workload measured.
struct measurement {
    /// The workload's own `key=value` fields, space-separated, in the peers' order and format.
    std::string fields;
    /// Messages the workload cast (payload only: no start or await requests, no replies).
    std::uint64_t messages = 0;
    /// Wall seconds of the timed section.
    double seconds = 0;
};

/// One workload: its name on the command line and how to run it on a system.
struct workload {
    std::string_view name;
    /// Runs the workload on `sys` and returns what it measured; throws if a result is wrong.
    measurement (*run)(actor_system& sys);
    /// True if the workload means something on the simulator (no wall-clock behaviour).
    bool on_sim;
};

/// Every workload: the peers' (pingpong, fanin, skynet, call, idle, timers) and the factory ones.
const std::vector<workload>& workloads();

}  // namespace ractor::bench
