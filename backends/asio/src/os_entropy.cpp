#include "os_entropy.hpp"

#include <random>

namespace ractor::asio_backend {

namespace {

/// xoshiro256** (Blackman and Vigna), seeded once per thread from the OS.
class xoshiro256 {
public:
    xoshiro256() {
        std::random_device device;
        for (auto& word : s_) {
            word = (static_cast<std::uint64_t>(device()) << 32) ^ device();
        }
        if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the one state it cannot leave
    }

    std::uint64_t next() noexcept {
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

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

    std::uint64_t s_[4];
};

}  // namespace

std::uint64_t os_entropy::next_u64() {
    thread_local xoshiro256 generator;
    return generator.next();
}

}  // namespace ractor::asio_backend
