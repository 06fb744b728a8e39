#pragma once
/// \file
/// The cryptography of the session handshake: challenges, transcript proofs, names, versions.

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include <ractor/runtime/entropy.hpp>

namespace ractor::cluster {

/// Bytes in a handshake challenge: exactly this many, or the handshake is refused.
inline constexpr std::size_t challenge_size = 32;
/// The longest node name a handshake accepts, in bytes.
inline constexpr std::size_t max_node_name_size = 255;

/// A handshake challenge.
using challenge_bytes = std::array<std::uint8_t, challenge_size>;
/// An HMAC-SHA256 proof.
using proof = std::array<std::uint8_t, 32>;

/// HMAC-SHA256 of `data` under `key` (RFC 2104, through OpenSSL).
proof hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

/// Compares in time independent of where the inputs differ (lengths are not secret).
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

/// A fresh challenge from the runtime's secure entropy (the OS CSPRNG on asio, the seeded
/// stream in the simulator, so simulated runs replay).
challenge_bytes make_challenge(entropy& source);

/// Which side of a handshake a proof comes from. Part of the proven data, so a proof made
/// as one role never passes as the other.
enum class handshake_role : std::uint8_t { dialler = 1, acceptor = 2 };

/// Everything both sides of one handshake have said: what a proof binds.
struct handshake_transcript {
    std::string_view dialler;                ///< the dialler's node name
    std::string_view acceptor;               ///< the acceptor's node name
    std::span<const std::uint8_t> dialler_challenge;
    std::span<const std::uint8_t> acceptor_challenge;
    std::uint8_t version = 0;                ///< the negotiated wire version
    std::uint64_t dialler_incarnation = 0;
    std::uint64_t acceptor_incarnation = 0;
};

/// The proof that `prover` knows `cookie` in the handshake `t`: HMAC-SHA256 keyed with the
/// cookie over a domain label, the role and every field of `t`, each variable-length field
/// prefixed with its length, so no two different transcripts give the same input.
proof transcript_proof(std::string_view cookie, handshake_role prover, const handshake_transcript& t);

/// True if `candidate` is `prover`'s proof for `t` (constant-time compare).
bool check_transcript_proof(std::string_view cookie, handshake_role prover, const handshake_transcript& t,
                            std::span<const std::uint8_t> candidate);

/// Empty if `name` may name a node (1 to 255 bytes of printable ASCII without spaces),
/// else why not.
std::string_view node_name_problem(std::string_view name) noexcept;

/// The highest version in `offered` that this build speaks, or 0 if none.
std::uint8_t negotiate_version(std::span<const std::uint8_t> offered) noexcept;

}  // namespace ractor::cluster
