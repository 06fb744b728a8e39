#pragma once
/// \file
/// The errors the actor API throws.

#include <stdexcept>
#include <string>

namespace ractor {

/// Spawning failed: the name was taken, the supervisor no longer takes children, or
/// pre_start threw (the text says which).
class spawn_error : public std::runtime_error {
public:
    explicit spawn_error(const std::string& what) : std::runtime_error(what), reason_(what) {}
    spawn_error(const std::string& what, std::string reason) : std::runtime_error(what), reason_(std::move(reason)) {}

    /// Why, without the actor's name: pre_start's exception text, else the whole message.
    const std::string& reason() const noexcept { return reason_; }

private:
    std::string reason_;
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
