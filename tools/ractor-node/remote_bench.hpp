#pragma once
// `ractor-node bench`: the remote workloads, run against a serving node.

#include <cstdint>
#include <string>

#include "node_setup.hpp"

namespace ractor_node {

/// One benchmark run: which workload, how much of it.
struct bench_settings {
    std::string address;   ///< the serving node
    std::string workload;  ///< remote_cast, remote_call or remote_flood
    std::int64_t count = 0;   ///< casts or calls (remote_cast, remote_call)
    std::int64_t seconds = 10;  ///< how long to flood (remote_flood)
};

/// Connects, runs the workload from inside an actor, prints one RESULT line; returns the
/// exit status.
int run_bench(const common_flags& f, const bench_settings& s);

}  // namespace ractor_node
