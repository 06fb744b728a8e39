#pragma once
/// \file
/// What a user check sees of a finished scenario run.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <ractor/actor_system.hpp>

namespace ractor::sim {
class world;
}

namespace ractor::tool {

/// The end of a scenario run, for a user check: the world (still running, so a check may
/// call actors), the systems of its nodes and what the workload recorded.
struct check_context {
    sim::world& world;
    /// The actor system of the node called `node` now; null if it is down or unknown.
    std::function<actor_system*(std::string_view node)> system_of;
    std::uint64_t calls_ok = 0;       ///< calls answered with the expected value
    std::uint64_t calls_failed = 0;   ///< calls that timed out, failed or answered wrongly
    std::uint64_t casts = 0;          ///< casts the workload sent
};

}  // namespace ractor::tool
