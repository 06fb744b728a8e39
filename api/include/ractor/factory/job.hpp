#pragma once
/// \file
/// A factory job: a key that routes it, a message for a worker, and its options.

#include <cstdint>
#include <optional>

#include <ractor/runtime/time.hpp>

namespace ractor::factory {

/// How a job is queued and how long it may wait.
struct job_options {
    /// 0 is the highest priority; values at or past the factory's `priorities` count as its lowest.
    std::uint8_t priority = 0;
    /// How long the job may wait in the factory before a worker starts it; none: forever.
    /// A job found older than this when it is due is discarded with `ttl_expired`.
    std::optional<duration> ttl{};
};

/// One unit of work for a factory (ractor's `Job`): `key` picks the worker in the keyed
/// routing modes and keeps jobs of one key in order; `msg` is what the worker handles.
template <class Key, class Msg>
struct job {
    Key key;
    Msg msg;
    job_options options{};
};

}  // namespace ractor::factory
