#include <ractor/sim/fault_tally.hpp>

namespace ractor::sim {

std::map<std::string, std::uint64_t> fired_by_kind(const std::vector<fault_tally>& tallies) {
    std::map<std::string, std::uint64_t> out;
    for (const fault_tally& t : tallies) out[t.kind] += t.fired;
    return out;
}

}  // namespace ractor::sim
