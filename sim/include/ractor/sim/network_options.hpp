#pragma once
/// \file
/// Settings of a world's simulated network: latency distribution, frame size and queue
/// limits, connect time-out.

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
    /// Frames larger than this are refused by `connection::send` (`send_status::too_large`).
    std::size_t max_frame_size = 8 * 1024 * 1024;
    /// Per connection end: `send` takes frames while fewer bytes than this wait for the
    /// peer's receive window, and says `busy` beyond (as asio's `node_network_options`).
    std::size_t send_queue_limit = 4 * 1024 * 1024;
    /// Per connection end: its receive window. Frames are held back at the sender, in order,
    /// while the bytes in flight to this end and not yet `receive`d reach this.
    std::size_t receive_queue_limit = 4 * 1024 * 1024;
    /// How long `transport::connect` waits for an answer when the caller gives no deadline.
    duration connect_timeout = duration(5'000'000'000);
};

}  // namespace ractor::sim
