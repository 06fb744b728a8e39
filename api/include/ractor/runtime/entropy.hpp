#pragma once
/// \file
/// The entropy role: random numbers, seeded in the simulator and OS-seeded on asio.

#include <cstdint>

namespace ractor {

/// A source of random 64-bit values. Callable from any thread.
class entropy {
public:
    virtual ~entropy() = default;

    /// The next random value.
    virtual std::uint64_t next_u64() = 0;
};

}  // namespace ractor
