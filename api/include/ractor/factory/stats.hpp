#pragma once
/// \file
/// What a factory reports about its work.

#include <array>
#include <cstddef>
#include <cstdint>

#include <ractor/factory/discard.hpp>
#include <ractor/runtime/time.hpp>

namespace ractor::factory {

/// A snapshot of a factory's counters (ractor's `FactoryStatsLayer` figures).
struct factory_stats {
    std::size_t workers = 0;      ///< the pool size
    std::size_t queue_depth = 0;  ///< jobs waiting: the factory's queue and every backlog
    std::size_t in_flight = 0;    ///< jobs a worker is handling now
    std::uint64_t received = 0;   ///< jobs dispatched to the factory
    std::uint64_t completed = 0;  ///< jobs a worker finished
    std::uint64_t lost = 0;       ///< jobs whose worker died handling them
    std::uint64_t respawns = 0;   ///< workers started again after an exit
    std::uint64_t stuck = 0;      ///< workers the dead-man's switch found stuck
    std::array<std::uint64_t, discard_reason_count> discarded{};  ///< by `discard_reason`
    duration total_processing{};  ///< the sum of the workers' handling times
    duration max_processing{};    ///< the longest handling time

    /// Discards for `r`.
    std::uint64_t discarded_for(discard_reason r) const noexcept { return discarded[static_cast<std::size_t>(r)]; }
    /// The mean handling time of completed jobs (zero before the first).
    duration mean_processing() const noexcept {
        return completed ? total_processing / static_cast<std::int64_t>(completed) : duration{};
    }
};

}  // namespace ractor::factory
