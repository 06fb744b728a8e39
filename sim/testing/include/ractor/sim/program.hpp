#pragma once
/// \file
/// A simulated program: what the runner, the self-check and exploration execute.

#include <functional>
#include <string>

namespace ractor::sim {

class world;

/// A test program for the simulator: it adds nodes to the world it is given, builds actor
/// systems on them, drives the world and checks its invariants, throwing (any exception)
/// on a violation. It must destroy its actor systems before it returns or throws (plain
/// scope-bound `actor_system` objects do). Everything it does must be a function of the
/// world (its seed, entropy and schedule): the self-check catches anything else.
using program = std::function<void(world&)>;

/// A program with a name for command lines and a one-line description.
struct named_program {
    std::string name;     ///< short, no spaces: what `ractor-sim run NAME` takes
    std::string summary;  ///< one line for `ractor-sim list`
    program body;
};

}  // namespace ractor::sim
