#pragma once
/// \file
/// The outcome of queueing a message or signal for an actor.

#include <cstdint>
#include <string_view>

namespace ractor {

/// Whether a `cast` was queued, and if not, why.
enum class send_status : std::uint8_t {
    ok,            ///< queued
    stopped,       ///< the actor is stopping or stopped; nothing was queued
    draining,      ///< the actor is draining and refuses new messages
    mailbox_full,  ///< the actor's bounded mailbox is at capacity
};

/// The status as a short phrase for error messages.
constexpr std::string_view to_string(send_status s) noexcept {
    switch (s) {
        case send_status::ok: return "ok";
        case send_status::stopped: return "actor stopped";
        case send_status::draining: return "actor draining";
        case send_status::mailbox_full: return "mailbox full";
    }
    return "unknown";
}

}  // namespace ractor
