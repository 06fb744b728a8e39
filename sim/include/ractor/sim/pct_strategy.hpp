#pragma once
/// \file
/// A PCT-style scheduling strategy: random task priorities with a few priority change points.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include <ractor/sim/scheduling_strategy.hpp>

namespace ractor::sim {

/// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010) over the world's tasks.
///
/// Every task gets a random priority when first offered, derived from the seed and its
/// stable task id; `pick` always runs the ready candidate of highest priority. At `depth - 1`
/// change points, drawn uniformly among the first `expected_steps` picks, the task about to
/// run is demoted below every other (the i-th change point gives priority `depth - i`), and
/// the pick is made again. A bug that needs `d` ordering constraints is found with
/// probability at least `1 / (n * k^(d-1))` per run for `n` tasks and `k` steps; bugs of depth
/// 1 or 2 (an action delayed past another) are the common ones.
///
/// Since a task lasts from one `executor::schedule` until its runnable returns, a demoted
/// actor activation stays behind until nothing else is ready, which delays it past
/// whatever the rest of the program does: the schedules that expose ordering bugs.
class pct_strategy final : public scheduling_strategy {
public:
    /// A strategy whose choices are a function of `seed`, `depth` (at least 1) and
    /// `expected_steps` (an estimate of the picks one run makes; at least 1).
    pct_strategy(std::uint64_t seed, unsigned depth, std::uint64_t expected_steps);

    std::size_t pick(std::span<const candidate> choices) override;

    /// The pick numbers (1-based) at which a priority change happens, ascending.
    const std::vector<std::uint64_t>& change_points() const noexcept { return change_points_; }

private:
    std::uint64_t priority(std::uint64_t task) const;

    std::uint64_t key_;
    std::vector<std::uint64_t> change_points_;
    std::size_t next_change_ = 0;
    std::uint64_t picks_ = 0;
    /// Demoted tasks and their low priorities; every other task's priority is a hash.
    std::unordered_map<std::uint64_t, std::uint64_t> demoted_;
};

}  // namespace ractor::sim
