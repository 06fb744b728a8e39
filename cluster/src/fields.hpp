#pragma once
// Private: strict readers for the fields of frame bodies, which come from peers.
//
// nlohmann's `get<std::uint64_t>()` converts a float with a plain cast (undefined for 1e300)
// and `value()` guesses; these readers accept exactly one shape per field and throw
// `bad_field`, which ends only that connection, for anything else.

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ractor::cluster::detail {

/// Bounds on the strings and lists of frame bodies, far above any honest use.
inline constexpr std::size_t max_type_name_size = 255;    ///< a registered message type name
inline constexpr std::size_t max_actor_name_size = 1024;  ///< a registered actor name
inline constexpr std::size_t max_group_name_size = 1024;  ///< a process-group or scope name
inline constexpr std::size_t max_reply_tags = 1024;       ///< reply ports inside one message

/// A field of a peer's frame is missing or has the wrong shape.
class bad_field : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The field `key` of the map `body`; throws `bad_field` if `body` has none.
const nlohmann::json& field(const nlohmann::json& body, std::string_view key);

/// A non-negative integer (never a float, never negative).
std::uint64_t as_u64(const nlohmann::json& v, std::string_view what);
/// A string of at most `max_size` bytes.
const std::string& as_string(const nlohmann::json& v, std::string_view what, std::size_t max_size);
/// A MessagePack byte string of exactly `size` bytes.
std::span<const std::uint8_t> as_bytes(const nlohmann::json& v, std::string_view what, std::size_t size);
/// An array of at most `max_count` elements.
const nlohmann::json& as_array(const nlohmann::json& v, std::string_view what, std::size_t max_count);
bool as_bool(const nlohmann::json& v, std::string_view what);

/// Shorthands for `as_*(field(body, key), key, ...)`.
inline std::uint64_t u64_field(const nlohmann::json& body, std::string_view key) { return as_u64(field(body, key), key); }
inline const std::string& string_field(const nlohmann::json& body, std::string_view key, std::size_t max_size) {
    return as_string(field(body, key), key, max_size);
}

}  // namespace ractor::cluster::detail
