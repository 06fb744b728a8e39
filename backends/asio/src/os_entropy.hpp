#pragma once
// The entropy role of the asio backend.

#include <cstdint>

#include <ractor/runtime/entropy.hpp>

namespace ractor::asio_backend {

/// xoshiro256** per thread, each seeded from `std::random_device`; safe from any thread.
class os_entropy final : public entropy {
public:
    std::uint64_t next_u64() override;
};

}  // namespace ractor::asio_backend
