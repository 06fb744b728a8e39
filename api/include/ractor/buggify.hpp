#pragma once
/// \file
/// buggify(): mark a rare path so the simulator can force it.

#include <string_view>

#include <ractor/runtime/runtime.hpp>

namespace ractor {

/// True when the simulator decides that the rare path at `site` should be taken now; a fault
/// plan enables sites and their probabilities. Always false on asio, where the runtime has no
/// fault injector. Write it where a rare path lives:
/// `if (ractor::buggify(rt, "cache.evict_early")) evict_now();`
inline bool buggify(const runtime& rt, std::string_view site) {
    return rt.faults != nullptr && rt.faults->buggify(site);
}

/// `buggify` with the runtime of the actor whose handler is running; false outside actors.
bool buggify(std::string_view site);

}  // namespace ractor
