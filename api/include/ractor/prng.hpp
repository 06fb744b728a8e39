#pragma once
/// \file
/// A small, seedable pseudo-random generator (the simulator's streams, the asio entropy).

#include <array>
#include <cstdint>

namespace ractor {

/// Mixes a 64-bit value into a well-scattered one (the splitmix64 finaliser); a bijection.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/// A seeded xoshiro256** generator: same seed, same sequence, on every platform.
///
/// The simulator derives one independent stream per purpose (scheduler, each node's
/// entropy, ...) from the world seed with `prng(seed, stream)`; the asio backend seeds one
/// per thread from the OS. Code in api/ gets randomness from the runtime's entropy role,
/// never from a generator of its own.
class prng {
public:
    /// A generator for `stream` of `seed`; different streams of one seed are independent.
    explicit prng(std::uint64_t seed, std::uint64_t stream = 0) noexcept {
        // splitmix64 expands the 64-bit key into the 256-bit state; it never yields all zeros.
        std::uint64_t key = seed ^ mix64(stream + 0x9e3779b97f4a7c15ULL);
        for (auto& word : s_) {
            key += 0x9e3779b97f4a7c15ULL;
            word = mix64(key);
        }
    }

    /// The next value of the sequence.
    std::uint64_t next_u64() noexcept {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    /// A uniformly distributed value in `[0, bound)`; `bound` must be positive.
    std::uint64_t below(std::uint64_t bound) noexcept {
        // Rejecting the low remainder band removes the modulo bias.
        const std::uint64_t threshold = (0 - bound) % bound;
        for (;;) {
            const std::uint64_t r = next_u64();
            if (r >= threshold) {
                return r % bound;
            }
        }
    }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
        return (x << k) | (x >> (64 - k));
    }

    std::array<std::uint64_t, 4> s_{};
};

}  // namespace ractor
