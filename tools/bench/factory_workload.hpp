#pragma once
/// \file
/// Jobs through a factory beside the same work through plain actors.

#include "workload.hpp"

namespace ractor::bench {

/// 200k jobs through a factory of 4 workers routing round-robin.
measurement run_factory_round_robin(actor_system& sys);
/// 200k jobs through a factory of 4 workers routing as a queuer (first free worker).
measurement run_factory_queuer(actor_system& sys);
/// The same 200k jobs cast in turn to 4 plain actors, with no factory between.
measurement run_factory_plain(actor_system& sys);

}  // namespace ractor::bench
