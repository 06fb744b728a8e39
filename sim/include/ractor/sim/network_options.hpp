#pragma once
/// \file
/// Settings of a world's simulated network: latency distribution, frame size limit, connect
/// time-out.

#include <cstddef>
#include <cstdint>

#include <ractor/runtime/time.hpp>

namespace ractor::sim {

/// How the random part of a frame's latency is drawn.
enum class latency_jitter : std::uint8_t {
    uniform,      ///< uniform in [0, `network_options::jitter`]
    exponential,  ///< exponential with mean `network_options::jitter`, capped at 20 means
};

/// Settings of the simulated network of a world (`world_options::network`).
///
/// Every packet (a frame, or a connect, accept, refuse or close notice) takes
/// `base_latency` plus a jitter drawn from the world's seeded network stream; packets of one
/// connection and direction still arrive in the order they were sent.
struct network_options {
    /// The fixed part of every packet's latency.
    duration base_latency = duration(50'000);
    /// The scale of the random part: the upper bound (uniform) or the mean (exponential).
    duration jitter = duration(450'000);
    latency_jitter distribution = latency_jitter::uniform;
    /// Frames larger than this are refused by `connection::send` (which returns false).
    std::size_t max_frame_size = 8 * 1024 * 1024;
    /// How long `transport::connect` waits for an answer when the caller gives no deadline.
    duration connect_timeout = duration(5'000'000'000);
};

}  // namespace ractor::sim
