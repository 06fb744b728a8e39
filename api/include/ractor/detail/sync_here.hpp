#pragma once
/// \file
/// Passing a sync point of the core: a scheduling choice on the simulator, free on asio.

#include <ractor/runtime/runtime.hpp>
#include <ractor/runtime/sync_point.hpp>

namespace ractor::detail {

/// Hands `where` to `faults`, which may switch to other work; the calling fiber's current
/// cell is restored afterwards, as after a park.
void pass_sync_point(fault_injector& faults, sync_point where);

/// Announces sync point `where` to `rt`: one null test when it has no fault injector (asio).
/// Never call it while holding a lock: the simulator may run other actors here.
inline void at_sync_point(const runtime& rt, sync_point where) {
    if (rt.faults != nullptr) pass_sync_point(*rt.faults, where);
}

/// `at_sync_point` on the runtime of the actor the caller runs; nothing outside actors.
void at_caller_sync_point(sync_point where);

}  // namespace ractor::detail
