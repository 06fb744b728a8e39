#pragma once
/// \file
/// Options of an asio runtime host: how many worker threads, tracing, fairness budget.

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
};

}  // namespace ractor::asio_backend
