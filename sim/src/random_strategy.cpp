#include <ractor/sim/random_strategy.hpp>

namespace ractor::sim {
namespace {

// The scheduler's stream of the world seed; node entropy uses streams 1, 2, 3... (node ids).
constexpr std::uint64_t scheduler_stream = 0x5343484544554c45ULL;

}  // namespace

random_strategy::random_strategy(std::uint64_t seed) noexcept : rng_(seed, scheduler_stream) {}

std::size_t random_strategy::pick(std::span<const candidate> choices) {
    // A forced choice consumes no randomness, so adding a lone step does not reshuffle the rest.
    if (choices.size() <= 1) {
        return 0;
    }
    return static_cast<std::size_t>(rng_.below(choices.size()));
}

}  // namespace ractor::sim
