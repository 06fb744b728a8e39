#pragma once
// The entropy role of the asio backend.

#include <cstdint>
#include <span>

#include <ractor/runtime/entropy.hpp>

namespace ractor::asio_backend {

/// xoshiro256** per thread, each seeded from `std::random_device`, for `next_u64`; the
/// kernel's CSPRNG (`getrandom`) for `secure_bytes`: one observed xoshiro output reveals
/// the generator, so it never makes a challenge. Safe from any thread.
class os_entropy final : public entropy {
public:
    std::uint64_t next_u64() override;
    void secure_bytes(std::span<std::uint8_t> out) override;
};

}  // namespace ractor::asio_backend
