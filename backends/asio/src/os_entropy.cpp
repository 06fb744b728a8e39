#include "os_entropy.hpp"

#include <sys/random.h>

#include <cerrno>
#include <random>
#include <system_error>

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

void os_entropy::secure_bytes(std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        // getrandom blocks only until the kernel's pool is first initialised (early boot).
        const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(), "getrandom");
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace ractor::asio_backend
