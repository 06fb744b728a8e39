#pragma once
/// \file
/// The lifecycle states of an actor.

#include <cstdint>
#include <string_view>

namespace ractor {

/// Where an actor is in its life. Status only moves forward, in this order.
enum class actor_status : std::uint8_t {
    unstarted,  ///< created, pre_start not begun
    starting,   ///< pre_start running
    running,    ///< processing messages
    draining,   ///< refusing new messages, finishing queued ones, then stopping
    stopping,   ///< name released, post_stop running, children being killed
    stopped,    ///< gone: sends fail, waiters have been woken
};

/// The status as a lower-case word.
constexpr std::string_view to_string(actor_status s) noexcept {
    switch (s) {
        case actor_status::unstarted: return "unstarted";
        case actor_status::starting: return "starting";
        case actor_status::running: return "running";
        case actor_status::draining: return "draining";
        case actor_status::stopping: return "stopping";
        case actor_status::stopped: return "stopped";
    }
    return "unknown";
}

}  // namespace ractor
