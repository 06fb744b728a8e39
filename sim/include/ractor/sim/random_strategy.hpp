#pragma once
/// \file
/// The default scheduling strategy: a uniformly random pick from a seeded generator.

#include <cstdint>

#include <ractor/prng.hpp>
#include <ractor/sim/scheduling_strategy.hpp>

namespace ractor::sim {

/// Picks every candidate with equal probability; the same seed gives the same schedule.
class random_strategy final : public scheduling_strategy {
public:
    /// A strategy whose choices are a function of `seed` alone (a world uses its own seed).
    explicit random_strategy(std::uint64_t seed) noexcept;

    std::size_t pick(std::span<const candidate> choices) override;

private:
    prng rng_;
};

}  // namespace ractor::sim
