#pragma once
/// \file
/// A trace sink that keeps every event in memory, for debugging and tests.

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <ractor/runtime/trace.hpp>

namespace ractor::asio_backend {

/// A trace event with its own copy of the text.
struct trace_record {
    trace_kind kind;
    std::uint64_t actor = 0;
    std::uint64_t peer = 0;
    std::uint64_t value = 0;
    std::string text;
};

/// Stores the events of one node under a mutex; what `host_options::trace` turns on.
/// Reach it from a node's runtime with `dynamic_cast<recording_trace_sink*>(rt.trace)`.
class recording_trace_sink final : public trace_sink {
public:
    void record(const trace_event& e) override;

    /// A copy of the events recorded so far, oldest first.
    std::vector<trace_record> events() const;

    /// The number of events recorded so far.
    std::size_t size() const;

    /// Forgets every recorded event.
    void clear();

private:
    mutable std::mutex mutex_;
    std::vector<trace_record> events_;
};

}  // namespace ractor::asio_backend
