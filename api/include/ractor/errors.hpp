#pragma once
/// \file
/// The errors the actor API throws.

#include <stdexcept>
#include <string>

namespace ractor {

/// Spawning failed: the name was taken, or pre_start threw (the text says which).
class spawn_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A reference was asked for as an actor of a message type it does not accept.
class wrong_message_type : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

/// The failure a fault plan injects at a handler invocation (simulator only).
class injected_failure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown at a park point of a handler whose actor was killed, to unwind it.
/// Deliberately not a std::exception: `catch (const std::exception&)` in user code
/// does not swallow it. Code that catches it anyway is thrown at again at its next park.
struct actor_killed {};

}  // namespace ractor
