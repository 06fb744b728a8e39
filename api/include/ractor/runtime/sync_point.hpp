#pragma once
/// \file
/// The synchronisation points of the core: where a real runtime can interleave other work.

#include <cstdint>

namespace ractor {

/// A place inside the core where, on a multi-threaded runtime, another thread may run
/// between two steps that the code performs one after the other.
///
/// The core announces each one through `fault_injector::at_sync_point`. The simulator
/// makes it a scheduling choice (the strategy may switch to other ready work there); on
/// asio there is no injector, so a point costs one null test.
enum class sync_point : std::uint8_t {
    admission,      ///< a send was admitted and its envelope is not queued yet
    drain_check,    ///< a draining actor found its mailbox empty and decides whether to exit
    status_change,  ///< a stop, kill or drain is about to take effect
    exit_step,      ///< an exiting actor between its status change and telling others
    link_change,    ///< a supervisor link or monitor is about to change
    registry,       ///< a registry lookup or update is about to happen
    group_change,   ///< a process-group join or leave is about to happen
    reply,          ///< a reply is about to be delivered to a waiting caller
};

}  // namespace ractor
