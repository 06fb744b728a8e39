#pragma once
/// \file
/// The entropy role: random numbers, seeded in the simulator and OS-seeded on asio.

#include <cstdint>
#include <span>

namespace ractor {

/// A source of random values. Callable from any thread.
///
/// Two strengths, so that code above the backends never asks whether it is simulated:
/// `next_u64` is fast and good enough for jitter and scheduling choices; `secure_bytes` is
/// for what an attacker must not predict (handshake challenges, session incarnations). On
/// asio it reads the OS CSPRNG; in the simulator both are the node's seeded stream, so a
/// simulated run still replays bit for bit.
class entropy {
public:
    virtual ~entropy() = default;

    /// The next random value.
    virtual std::uint64_t next_u64() = 0;

    /// Fills `out` with bytes nobody outside this process can predict (seeded in the simulator).
    virtual void secure_bytes(std::span<std::uint8_t> out) = 0;
};

}  // namespace ractor
