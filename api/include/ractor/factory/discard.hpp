#pragma once
/// \file
/// When a factory discards jobs, which ones, and the reason its discard handler is told.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include <ractor/runtime/time.hpp>

namespace ractor::factory {

/// Why a job was discarded.
enum class discard_reason : std::uint8_t {
    ttl_expired,   ///< it waited longer than its ttl
    load_shed,     ///< its queue was over the limit
    shutdown,      ///< the factory was draining or stopping
    rate_limited,  ///< the rate-limited router had no token for it
};
/// How many discard reasons there are (for per-reason counters).
inline constexpr std::size_t discard_reason_count = 4;

/// The reason as a word.
constexpr std::string_view to_string(discard_reason r) noexcept {
    switch (r) {
        case discard_reason::ttl_expired: return "ttl_expired";
        case discard_reason::load_shed: return "load_shed";
        case discard_reason::shutdown: return "shutdown";
        case discard_reason::rate_limited: return "rate_limited";
    }
    return "unknown";
}

/// Which jobs go when a queue is over its limit: the oldest or the newest of its lowest
/// priority.
enum class discard_mode : std::uint8_t { oldest, newest };

/// The limit on a queue (the factory's queue in the queuer modes, each worker's backlog in
/// the others). No limit: queues grow without bound. A limit of 0 never queues: a job no
/// free worker can take at once is shed.
struct discard_settings {
    std::optional<std::size_t> limit{};
    discard_mode mode = discard_mode::oldest;
    /// A dynamic limit (ractor's `DynamicDiscardController`): every `update_interval` the
    /// factory sets the limit to `update(current limit)`. Needs `limit` to start from.
    std::function<std::size_t(std::size_t current)> update{};
    duration update_interval = std::chrono::seconds(1);
};

}  // namespace ractor::factory
