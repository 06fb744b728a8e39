#pragma once
/// \file
/// The cryptography of the session handshake: challenges, HMAC-SHA256 proofs, versions.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <ractor/runtime/entropy.hpp>

namespace ractor::cluster {

/// Bytes in a handshake challenge.
inline constexpr std::size_t challenge_size = 32;

/// HMAC-SHA256 of `data` under `key` (RFC 2104, through OpenSSL).
std::array<std::uint8_t, 32> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

/// Compares in time independent of where the inputs differ (lengths are not secret).
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

/// A fresh challenge drawn from the runtime's entropy (so simulated runs replay).
std::vector<std::uint8_t> make_challenge(entropy& source);

/// The proof that node `prover` knows `cookie`, for the peer's `challenge`:
/// HMAC-SHA256(cookie, challenge || prover). Binding the prover's name stops a peer from
/// reflecting our own challenge back at us.
std::array<std::uint8_t, 32> handshake_proof(std::string_view cookie, std::span<const std::uint8_t> challenge,
                                             std::string_view prover);

/// True if `proof` is `prover`'s proof of `cookie` for `challenge` (constant-time compare).
bool check_proof(std::string_view cookie, std::span<const std::uint8_t> challenge, std::string_view prover,
                 std::span<const std::uint8_t> proof);

/// The highest version in `offered` that this build speaks, or 0 if none.
std::uint8_t negotiate_version(std::span<const std::uint8_t> offered) noexcept;

}  // namespace ractor::cluster
