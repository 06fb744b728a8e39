#pragma once
/// \file
/// The base class of a typed actor: its types and the default lifecycle callbacks.

#include <utility>
#include <variant>

#include <ractor/actor_ref.hpp>
#include <ractor/supervision_event.hpp>

namespace ractor {

/// Derive from this to define an actor (ractor's `Actor` trait).
///
/// The derived class is the actor's behaviour; `State` is what `pre_start` builds from the
/// spawn `Args` and what every later callback mutates. Define the callbacks you need with
/// the same signatures; the ones you leave out keep these defaults. Callbacks run one at a
/// time; an exception thrown by any of them becomes the actor's failure. A misspelled
/// callback name (e.g. `handle_supervisor_event`) is a compile error.
///
/// ```
/// struct counter : ractor::actor<int, int> {
///     int pre_start(ractor::actor_ref<int>, int start) { return start; }
///     void handle(ractor::actor_ref<int>, int delta, int& total) { total += delta; }
/// };
/// ```
template <class Msg, class State = std::monostate, class Args = std::monostate>
class actor {
public:
    using message_type = Msg;
    using state_type = State;
    using arguments_type = Args;

    /// Builds the initial state. Throwing here makes `spawn` fail (the name is freed and no
    /// supervisor is told). Default: a default-constructed state.
    State pre_start(actor_ref<Msg> /*self*/, Args /*args*/) { return State{}; }

    /// Runs once after a successful start, before any message.
    void post_start(actor_ref<Msg> /*self*/, State& /*state*/) {}

    /// Handles one message. Default: ignores it (a reply port in it is dropped, so its
    /// caller gets a sender error at once).
    void handle(actor_ref<Msg> /*self*/, Msg /*msg*/, State& /*state*/) {}

    /// Handles a supervision event about a linked child or a monitored actor.
    /// Default (as ractor): when a linked child terminates or fails, stop this actor too,
    /// so failures escalate up the tree. Events from monitors are ignored.
    void handle_supervisor_evt(actor_ref<Msg> self, const supervision_event& event,
                               State& /*state*/) {
        if (event.is_exit() && !event.from_monitor) {
            self.stop(event.what == supervision_event::kind::failed ? "child failed"
                                                                    : "child terminated");
        }
    }

    /// Runs when the actor stops, also after a failed callback (OTP's `terminate`), but not
    /// when it is killed, nor when a supervisor shuts down an actor spawned with
    /// `.trap_exit = false`. Its name is already released.
    void post_stop(actor_ref<Msg> /*self*/, State& /*state*/) {}
};

}  // namespace ractor
