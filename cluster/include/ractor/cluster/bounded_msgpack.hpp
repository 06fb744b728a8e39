#pragma once
/// \file
/// MessagePack decoding of peer input with its limits checked while parsing.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

namespace ractor::cluster {

/// The deepest nesting of arrays and maps a frame body may have. Parsing is recursive, so a
/// body nested thousands of levels deep would otherwise overflow a fiber's stack.
inline constexpr std::size_t max_body_depth = 64;

/// The outcome of `parse_msgpack`: a value, or why the bytes are not one.
struct parsed_msgpack {
    nlohmann::json value;
    std::string error;  ///< empty on success
    bool ok() const noexcept { return error.empty(); }
};

/// Parses exactly one MessagePack value filling all of `bytes`. Refuses, before building
/// anything deeper or larger, nesting beyond `max_depth` and containers that announce more
/// elements than the remaining bytes could hold; never throws.
parsed_msgpack parse_msgpack(std::span<const std::uint8_t> bytes, std::size_t max_depth = max_body_depth);

}  // namespace ractor::cluster
