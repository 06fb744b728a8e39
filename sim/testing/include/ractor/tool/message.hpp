#pragma once
/// \file
/// The message a scenario sends to an actor kind of the registry.

#include <optional>

#include <nlohmann/json.hpp>

#include <ractor/reply_port.hpp>

namespace ractor::tool {

/// A scenario's message to an actor of a registered kind: a JSON body and, for a call, the
/// port the actor answers on (a JSON value the scenario compares with its `expect`).
struct message {
    nlohmann::json body;
    std::optional<reply_port<nlohmann::json>> reply;

    /// Answers a call (does nothing for a cast).
    void answer(nlohmann::json value) {
        if (reply) {
            reply->send(std::move(value));
        }
    }
};

}  // namespace ractor::tool
