#pragma once
// The `handover` example program: a planted race that only a switch inside the core exposes.

#include <ractor/sim/program.hpp>

namespace ractor::sim {

/// A planted bug. A switcher hands the registered name "leader" from one server to another
/// in one handler (unregister, then register), while a client looks the leader up over and
/// over; a lookup between the two registry updates finds no leader and fails the run. Both
/// updates sit in one handler, so only a scheduler that can switch between two registry
/// updates inside the core (`sync_point::registry`) can catch it.
void handover(world& w);

}  // namespace ractor::sim
