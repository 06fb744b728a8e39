#pragma once
/// \file
/// The base of a factory worker's behaviour, and the id a worker keeps across restarts.

#include <cstddef>
#include <variant>

#include <ractor/factory/job.hpp>

namespace ractor::factory {

/// A worker's place in its factory's pool, `0 .. workers - 1`; a respawned worker keeps it.
using worker_id = std::size_t;

/// Derive from this to define what a factory's workers do (ractor's `Worker` trait).
///
/// Define `void handle(worker_id, job<Key, Msg>&, State&)`; it runs one job at a time.
/// An exception thrown there fails the worker: the factory respawns it under the same id
/// and hands it the rest of its backlog (the failed job is counted as lost).
///
/// ```
/// struct doubler : ractor::factory::worker<int, int> {
///     void handle(ractor::factory::worker_id, ractor::factory::job<int, int>& j, std::monostate&) { j.msg *= 2; }
/// };
/// ```
template <class Key, class Msg, class State = std::monostate>
struct worker {
    using key_type = Key;
    using message_type = Msg;
    using state_type = State;

    /// Builds the worker's state when it starts (again, after a respawn).
    State pre_start(worker_id /*id*/) { return State{}; }
    /// Runs when the worker stops (not when it is killed).
    void post_stop(worker_id /*id*/, State& /*state*/) {}
};

}  // namespace ractor::factory
