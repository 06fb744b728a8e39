// The frame codec: a fixed 10-byte header, then one MessagePack map.
#include <ractor/cluster/wire.hpp>

#include <ractor/cluster/bounded_msgpack.hpp>

namespace ractor::cluster {

const char* to_string(frame_type t) noexcept {
    switch (t) {
        case frame_type::hello: return "hello";
        case frame_type::challenge: return "challenge";
        case frame_type::challenge_reply: return "challenge_reply";
        case frame_type::ack: return "ack";
        case frame_type::refusal: return "refusal";
        case frame_type::heartbeat: return "heartbeat";
        case frame_type::message: return "message";
        case frame_type::reply: return "reply";
        case frame_type::reply_error: return "reply_error";
        case frame_type::lookup: return "lookup";
        case frame_type::lookup_reply: return "lookup_reply";
        case frame_type::pg_snapshot: return "pg_snapshot";
        case frame_type::pg_join: return "pg_join";
        case frame_type::pg_leave: return "pg_leave";
        case frame_type::monitor: return "monitor";
        case frame_type::demonitor: return "demonitor";
        case frame_type::exit: return "exit";
        case frame_type::goodbye: return "goodbye";
        case frame_type::confirm: return "confirm";
    }
    return "unknown";
}

std::optional<frame_bytes> encode_frame(const frame& f, std::size_t max_size) {
    if (!f.body.is_object()) return std::nullopt;
    frame_bytes out(frame_header_size);
    out[0] = f.version;
    out[1] = static_cast<std::uint8_t>(f.type);
    for (std::size_t i = 0; i < 8; ++i)
        out[2 + i] = static_cast<std::uint8_t>(f.seq >> (56 - 8 * i));
    nlohmann::json::to_msgpack(f.body, out);
    if (out.size() > max_size) return std::nullopt;
    return out;
}

decoded_frame decode_frame(std::span<const std::uint8_t> bytes, std::size_t max_size) {
    if (bytes.size() > max_size) {
        return {std::nullopt, "frame of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                                  std::to_string(max_size)};
    }
    if (bytes.size() < frame_header_size) {
        return {std::nullopt, "truncated frame: " + std::to_string(bytes.size()) + " bytes, header needs " +
                                  std::to_string(frame_header_size)};
    }
    frame f;
    f.version = bytes[0];
    if (f.version < oldest_wire_version || f.version > wire_version) {
        return {std::nullopt, "unsupported wire version " + std::to_string(f.version)};
    }
    f.type = static_cast<frame_type>(bytes[1]);
    if (bytes[1] < static_cast<std::uint8_t>(frame_type::hello) ||
        bytes[1] > static_cast<std::uint8_t>(frame_type::confirm)) {
        return {std::nullopt, "unknown frame type " + std::to_string(bytes[1])};
    }
    f.seq = 0;
    for (std::size_t i = 0; i < 8; ++i) f.seq = (f.seq << 8) | bytes[2 + i];
    parsed_msgpack body = parse_msgpack(bytes.subspan(frame_header_size));
    if (!body.ok()) return {std::nullopt, std::string("malformed ") + to_string(f.type) + " body: " + body.error};
    f.body = std::move(body.value);
    if (!f.body.is_object()) return {std::nullopt, std::string(to_string(f.type)) + " body is not a map"};
    return {std::move(f), {}};
}

}  // namespace ractor::cluster
