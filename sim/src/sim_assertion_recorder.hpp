#pragma once
/// \file
/// The simulator's assertion role: one tally per site hit in the world's run.

#include <map>
#include <vector>

#include <ractor/runtime/assertion_recorder.hpp>
#include <ractor/sim/assertion_tally.hpp>

namespace ractor::sim::internal {

/// Shared by every node of a world, since a claim is about the run, not about one node.
/// Hits leave the trace and its hash alone: adding a site to code must not change the runs
/// whose traces tests have pinned.
class sim_assertion_recorder final : public ractor::assertion_recorder {
public:
    void record(const assertion_site& site, bool holds, std::int64_t value) override;

    /// The sites hit so far, by site id.
    std::vector<assertion_tally> tallies() const;

private:
    std::map<std::size_t, assertion_tally> by_site_;
};

}  // namespace ractor::sim::internal
