#include <ractor/sim/pct_strategy.hpp>

#include <algorithm>
#include <stdexcept>

#include <ractor/prng.hpp>

namespace ractor::sim {
namespace {

constexpr std::uint64_t pct_stream = 0x5043545f53434844ULL;

}  // namespace

pct_strategy::pct_strategy(std::uint64_t seed, unsigned depth, std::uint64_t expected_steps) {
    if (depth == 0) {
        throw std::invalid_argument("ractor::sim: pct_strategy needs a depth of at least 1");
    }
    prng rng(seed, pct_stream);
    key_ = rng.next_u64();
    const std::uint64_t k = std::max<std::uint64_t>(expected_steps, 1);
    // Distinct change points while there are enough steps; repeats are harmless otherwise.
    while (change_points_.size() + 1 < depth) {
        const std::uint64_t at = 1 + rng.below(k);
        if (std::find(change_points_.begin(), change_points_.end(), at) == change_points_.end() ||
            change_points_.size() >= k) {
            change_points_.push_back(at);
        }
    }
    std::sort(change_points_.begin(), change_points_.end());
}

std::uint64_t pct_strategy::priority(std::uint64_t task) const {
    if (auto it = demoted_.find(task); it != demoted_.end()) {
        return it->second;
    }
    // A hash of the task id keeps initial priorities without storing one per task; the
    // range starts above every demoted priority (at most the depth, a small number).
    return (mix64(key_ ^ mix64(task)) | (std::uint64_t{1} << 63));
}

std::size_t pct_strategy::pick(std::span<const candidate> choices) {
    ++picks_;
    auto best = [&] {
        std::size_t at = 0;
        std::uint64_t top = priority(choices[0].task);
        for (std::size_t i = 1; i < choices.size(); ++i) {
            const std::uint64_t p = priority(choices[i].task);
            if (p > top || (p == top && choices[i].task < choices[at].task)) {
                top = p;
                at = i;
            }
        }
        return at;
    };
    std::size_t chosen = best();
    while (next_change_ < change_points_.size() && change_points_[next_change_] <= picks_) {
        ++next_change_;
        // The i-th change point (1-based) gives priority depth - i, below every initial one.
        demoted_[choices[chosen].task] = change_points_.size() + 1 - next_change_;
        chosen = best();
    }
    return chosen;
}

}  // namespace ractor::sim
