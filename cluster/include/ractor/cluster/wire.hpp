#pragma once
/// \file
/// The wire codec: the frame header and MessagePack bodies every session frame uses.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include <ractor/runtime/transport.hpp>

namespace ractor::cluster {

/// The newest wire version this build speaks; sessions negotiate the highest common one.
inline constexpr std::uint8_t wire_version = 2;
/// The oldest wire version this build still speaks. Version 1 let an acceptor sign for
/// anyone (docs/wire.md), so it is no longer spoken.
inline constexpr std::uint8_t oldest_wire_version = 2;
/// Bytes before the body: version, type, sequence number (big-endian).
inline constexpr std::size_t frame_header_size = 10;

/// What a frame says. The numbers are part of the wire format (docs/wire.md).
enum class frame_type : std::uint8_t {
    hello = 1,             ///< dialler -> acceptor: name, incarnation, versions, challenge
    challenge = 2,         ///< acceptor -> dialler: name, incarnation, version, challenge
    challenge_reply = 3,   ///< dialler -> acceptor: the dialler's proof (it proves first)
    ack = 4,               ///< acceptor -> dialler: the acceptor's proof; it will take the session
    refusal = 5,           ///< either way during the handshake: why not (then close)
    heartbeat = 6,         ///< keeps the session alive
    message = 7,           ///< a message for an actor (a cast, or a call: reply tags inside)
    reply = 8,             ///< the reply for a reply tag
    reply_error = 9,       ///< a reply tag that will never get a reply, and why
    lookup = 10,           ///< where_is a name on the receiving node
    lookup_reply = 11,     ///< the answer to a lookup
    pg_snapshot = 12,      ///< every local group member of the sender
    pg_join = 13,          ///< local actors of the sender joined a group
    pg_leave = 14,         ///< local actors of the sender left a group
    monitor = 15,          ///< report the exit of an actor of the receiver
    demonitor = 16,        ///< stop reporting it
    exit = 17,             ///< a monitored actor of the sender exited
    goodbye = 18,          ///< the sender closes the session on purpose
    confirm = 19,          ///< dialler -> acceptor: the dialler took the session; it is up
};

/// The name of a frame type, for logs ("unknown" for values outside the enum).
const char* to_string(frame_type t) noexcept;

/// One decoded frame.
struct frame {
    std::uint8_t version = wire_version;
    frame_type type = frame_type::heartbeat;
    std::uint64_t seq = 0;      ///< per session and direction, from 0, +1 per frame
    nlohmann::json body = nlohmann::json::object();  ///< always an object
};

/// Encodes `f`; nullopt if the encoded frame would exceed `max_size` bytes or the body is
/// not an object.
std::optional<frame_bytes> encode_frame(const frame& f, std::size_t max_size);

/// The outcome of `decode_frame`: a frame, or why the bytes are not one.
struct decoded_frame {
    std::optional<cluster::frame> frame;
    std::string error;  ///< set when `frame` is empty
};

/// Decodes one frame. Rejects (with an error, never a throw) frames longer than `max_size`,
/// shorter than the header, of an unknown version or type, and bodies that are not one
/// complete MessagePack map or that nest deeper than `max_body_depth`.
decoded_frame decode_frame(std::span<const std::uint8_t> bytes, std::size_t max_size);

}  // namespace ractor::cluster
