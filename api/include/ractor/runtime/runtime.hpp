#pragma once
/// \file
/// The runtime interface: the roles one node's code may use to reach the outside world.

#include <ractor/runtime/assertion_recorder.hpp>
#include <ractor/runtime/clock.hpp>
#include <ractor/runtime/entropy.hpp>
#include <ractor/runtime/executor.hpp>
#include <ractor/runtime/fault_injector.hpp>
#include <ractor/runtime/trace.hpp>
#include <ractor/runtime/transport.hpp>

namespace ractor {

/// One node's view of its backend. Everything in `api/` and `cluster/` reaches time,
/// randomness, fibers and the network only through these references; the backend that
/// hands them out (a simulated world or an asio host) owns the objects behind them.
struct runtime {
    ractor::executor& executor;
    ractor::clock& clock;
    ractor::entropy& entropy;
    trace_sink* trace = nullptr;  ///< null when tracing is off
    std::uint64_t node_id = 0;    ///< the node this view belongs to (counter of its backend)
    /// Messages one actor processes before it yields its place (fairness).
    std::size_t batch_budget = 64;
    fault_injector* faults = nullptr;  ///< null outside the simulator: no faults, buggify() is false
    ractor::transport* net = nullptr;  ///< the node's network; null on a backend built without one
    assertion_recorder* assertions = nullptr;  ///< null outside the simulator: sites are inert
};

}  // namespace ractor
