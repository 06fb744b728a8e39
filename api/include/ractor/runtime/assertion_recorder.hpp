#pragma once
/// \file
/// The assertion role: where a run records the hits of its assertion sites.

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace ractor {

class assertion_site;

/// Records what the assertion sites of one run saw. The simulator implements it for each
/// run; on asio there is none (`runtime::assertions` is null), so every site is inert there.
class assertion_recorder {
public:
    assertion_recorder() noexcept { live_.fetch_add(1, std::memory_order_relaxed); }
    assertion_recorder(const assertion_recorder&) = delete;
    assertion_recorder& operator=(const assertion_recorder&) = delete;
    virtual ~assertion_recorder() { live_.fetch_sub(1, std::memory_order_relaxed); }

    /// True while any recorder exists in the process. A site that must find its runtime
    /// through the running actor (a thread-local lookup, about 8 ns) tests this first, so
    /// that in a process without a simulator it costs one load and one predictable branch.
    /// A recorder is made before the runtime that names it is handed to an actor system, so
    /// a handler on that runtime always sees it counted.
    static bool any_live() noexcept { return live_.load(std::memory_order_relaxed) != 0; }

    /// `site` was hit; `holds` is its condition (true for sites without one), `value` the
    /// number a `track_max` site was given (0 for the other kinds).
    virtual void record(const assertion_site& site, bool holds, std::int64_t value) = 0;

private:
    static inline std::atomic<std::size_t> live_{0};
};

}  // namespace ractor
