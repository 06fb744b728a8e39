#pragma once
/// \file
/// A factory job as it crosses nodes: plain values a cluster node can encode.

#include <cstdint>
#include <optional>

#include <ractor/factory/job.hpp>
#include <ractor/runtime/time.hpp>

namespace ractor::factory {

/// What a remote node casts to a factory's job gateway (see `spawn_job_gateway`). It holds
/// no pointer, so with <ractor/factory/remote_job_json.hpp> it is serializable whenever
/// `Key` and `Msg` are; a `Msg` holding a `reply_port` makes it a remote `call_job`.
template <class Key, class Msg>
struct remote_job {
    Key key;
    Msg msg;
    std::uint8_t priority = 0;
    std::optional<duration> ttl{};

    /// The job the gateway dispatches.
    job<Key, Msg> to_job() && { return {std::move(key), std::move(msg), {priority, ttl}}; }
};

}  // namespace ractor::factory
