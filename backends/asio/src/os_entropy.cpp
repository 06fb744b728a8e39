#include "os_entropy.hpp"

#include <random>

#include <ractor/prng.hpp>

namespace ractor::asio_backend {

namespace {

/// A generator for the calling thread, seeded once from the OS.
prng seeded_from_os() {
    std::random_device device;
    const std::uint64_t seed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    return prng(seed, (static_cast<std::uint64_t>(device()) << 32) ^ device());
}

}  // namespace

std::uint64_t os_entropy::next_u64() {
    thread_local prng generator = seeded_from_os();
    return generator.next_u64();
}

}  // namespace ractor::asio_backend
