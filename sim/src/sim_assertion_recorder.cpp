#include "sim_assertion_recorder.hpp"

#include <algorithm>

#include <ractor/assertion_site.hpp>

namespace ractor::sim::internal {

void sim_assertion_recorder::record(const assertion_site& site, bool holds, std::int64_t value) {
    auto [it, fresh] = by_site_.try_emplace(site.id(), assertion_tally{.site = site.id()});
    assertion_tally& t = it->second;
    t.max_value = fresh ? value : std::max(t.max_value, value);
    ++t.hits;
    t.held += holds;
}

std::vector<assertion_tally> sim_assertion_recorder::tallies() const {
    std::vector<assertion_tally> out;
    out.reserve(by_site_.size());
    for (const auto& [id, t] : by_site_) out.push_back(t);
    return out;
}

}  // namespace ractor::sim::internal
