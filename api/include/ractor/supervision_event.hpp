#pragma once
/// \file
/// What a supervisor (or a monitoring actor) is told about another actor.

#include <cstdint>
#include <optional>
#include <string>

#include <ractor/any_actor_ref.hpp>
#include <ractor/boxed_state.hpp>
#include <ractor/group_change.hpp>

namespace ractor {

/// A supervision event, delivered to `handle_supervisor_evt` ahead of ordinary messages.
struct supervision_event {
    enum class kind : std::uint8_t {
        started,     ///< a linked child finished pre_start
        terminated,  ///< the actor stopped (reason: exit reason; state: its final state)
        failed,      ///< a callback of the actor threw (reason: the exception text)
        group_changed,  ///< a monitored process group changed (see `group`)
    };

    kind what = kind::started;
    any_actor_ref actor;        ///< the child (or monitored actor) the event is about
    std::string reason;         ///< exit reason or exception text
    boxed_state state;          ///< terminated only, to the supervisor only: the final state
    bool from_monitor = false;  ///< true if delivered because of `monitor`, not a link
    std::optional<group_change> group{};  ///< group_changed only: who joined or left what

    /// True for `terminated` and `failed`.
    bool is_exit() const noexcept { return what == kind::terminated || what == kind::failed; }
};

/// The kind as a word.
inline const char* to_string(supervision_event::kind k) noexcept {
    switch (k) {
        case supervision_event::kind::started: return "started";
        case supervision_event::kind::terminated: return "terminated";
        case supervision_event::kind::failed: return "failed";
        case supervision_event::kind::group_changed: return "group_changed";
    }
    return "unknown";
}

}  // namespace ractor
