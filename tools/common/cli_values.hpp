#pragma once
/// \file
/// Checks for command-line values that CLI11 would otherwise read too leniently.

#include <cstdint>
#include <optional>
#include <string_view>

#include <CLI/CLI.hpp>

namespace ractor::tool {

/// Accepts a decimal integer from 0 to `max`, digits only: CLI11 itself reads "-1" into an
/// unsigned option as 2^64 - 1 and saturates values that do not fit.
CLI::Validator unsigned_integer(std::uint64_t max = UINT64_MAX);

/// Accepts a number in [0, 1] (and not NaN, which CLI::Range lets through).
CLI::Validator probability();

/// A trace hash as the tools print it ("0x" and 1 to 16 hex digits) or in decimal;
/// empty for anything else, including values above 2^64 - 1.
std::optional<std::uint64_t> parse_trace_hash(std::string_view text);

/// Accepts what `parse_trace_hash` reads.
CLI::Validator trace_hash();

}  // namespace ractor::tool
