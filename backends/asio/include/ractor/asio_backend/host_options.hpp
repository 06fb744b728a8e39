#pragma once
/// \file
/// Options of an asio runtime host: worker threads, tracing, fairness budget, frame size limit.

#include <cstddef>

namespace ractor::asio_backend {

/// How a `runtime_host` is set up.
struct host_options {
    /// Worker threads; 0 means `std::thread::hardware_concurrency()` (at least one).
    unsigned threads = 0;
    /// Record every trace event of every node (see `recording_trace_sink`); off by default.
    bool trace = false;
    /// Messages one actor processes before it yields its place; handed to every runnable.
    std::size_t batch_budget = 64;
    /// The largest frame a connection sends or accepts, in bytes (at most 2^32 - 1, the most a
    /// frame's length prefix can say). A larger announced frame closes the connection.
    std::size_t max_frame_size = 8 * 1024 * 1024;
};

}  // namespace ractor::asio_backend
