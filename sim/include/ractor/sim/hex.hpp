#pragma once
/// \file
/// How the simulator writes a trace hash: "0x" and sixteen hex digits.

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ractor::sim {

/// `value` as "0x" followed by sixteen lower-case hex digits (a trace hash, a seed).
inline std::string hex(std::uint64_t value) {
    char text[19];
    std::snprintf(text, sizeof text, "0x%016" PRIx64, value);
    return text;
}

}  // namespace ractor::sim
