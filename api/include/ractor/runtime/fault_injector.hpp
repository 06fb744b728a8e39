#pragma once
/// \file
/// The fault-injection role: the places where a simulation may make things go wrong.

#include <cstdint>
#include <string_view>
#include <typeinfo>

#include <ractor/runtime/sync_point.hpp>

namespace ractor {

/// Decides, at the points the core exposes, whether a planned fault happens. The simulator
/// implements it from a fault plan; on asio there is none (`runtime::faults` is null), so
/// every point is inert there.
class fault_injector {
public:
    virtual ~fault_injector() = default;

    /// True if the `invocation`-th handler invocation (counting from 1) of actor `actor`,
    /// whose behaviour type is `behaviour`, should throw an injected failure.
    virtual bool fail_invocation(std::uint64_t actor, const std::type_info& behaviour,
                                 std::uint64_t invocation) = 0;

    /// True if the buggify point `site` fires this time.
    virtual bool buggify(std::string_view site) = 0;

    /// Called by the core at `where` on the calling fiber (or outside actors): the
    /// simulator may run other ready work here before the caller continues, so that it can
    /// produce the interleavings a multi-threaded runtime produces between two core steps.
    /// Never called while the core holds a lock.
    virtual void at_sync_point(sync_point where) = 0;
};

}  // namespace ractor
