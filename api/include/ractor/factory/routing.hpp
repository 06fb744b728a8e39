#pragma once
/// \file
/// How a factory picks the worker for a job.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include <ractor/runtime/time.hpp>

namespace ractor::factory {

/// The routing modes of ractor's factory.
enum class routing_mode : std::uint8_t {
    key_persistent,  ///< the hash of the key picks the worker; its backlog keeps the key's order
    round_robin,     ///< workers in turn, each with its own backlog
    queuer,          ///< one factory-side queue; the first free worker takes its head
    sticky_queuer,   ///< as queuer, but a job goes to a worker already busy with its key
    custom,          ///< a user function of (key, worker count) picks the worker
};

/// A leaky bucket in front of the router: each job takes a token; `refill` tokens come
/// back every `interval` (on the runtime clock), up to `capacity`. A job that finds the
/// bucket empty is discarded with `rate_limited`.
struct rate_limit {
    std::size_t capacity = 1;
    std::size_t refill = 1;
    duration interval = std::chrono::seconds(1);
};

/// Routing for jobs keyed by `Key`.
template <class Key>
struct routing {
    routing_mode mode = routing_mode::queuer;
    /// `custom` only: the worker for `key` among `workers` (taken modulo `workers`).
    std::function<std::size_t(const Key& key, std::size_t workers)> custom{};
    /// If set, the rate-limited router (ractor's `RateLimitedRouter`) wraps `mode`.
    std::optional<rate_limit> limit{};
};

}  // namespace ractor::factory
