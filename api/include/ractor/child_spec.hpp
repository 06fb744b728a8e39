#pragma once
/// \file
/// What a supervisor knows about one child: how to start it, when to restart it, how to stop it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <ractor/any_actor_ref.hpp>
#include <ractor/runtime/time.hpp>

namespace ractor {

/// When a supervisor restarts a child that exited (Erlang/OTP's `restart`).
enum class restart_type : std::uint8_t {
    permanent,  ///< always restarted
    transient,  ///< restarted only after an abnormal exit (not `normal`, not `shutdown`)
    temporary,  ///< never restarted, and forgotten once it exits
};

/// Whether a child is a worker or a supervisor itself (only counted by `count_children`).
enum class child_type : std::uint8_t { worker, supervisor };

/// How a supervisor stops a child (Erlang/OTP's `shutdown`).
struct child_shutdown {
    enum class kind : std::uint8_t {
        brutal_kill,  ///< kill at once (post_stop is skipped)
        timeout,      ///< stop with reason `shutdown`, kill if not stopped within `limit`
        infinity,     ///< stop with reason `shutdown` and wait as long as it takes
    };

    kind how = kind::timeout;
    duration limit = std::chrono::seconds(5);

    /// Kill the child at once.
    static child_shutdown brutal_kill() noexcept { return {kind::brutal_kill, {}}; }
    /// Ask the child to stop, and kill it if it has not stopped after `d`.
    static child_shutdown timeout(duration d) noexcept { return {kind::timeout, d}; }
    /// Ask the child to stop and wait for it (the default for child supervisors).
    static child_shutdown infinity() noexcept { return {kind::infinity, {}}; }
};

/// Starts a child: spawns it linked to `supervisor` (`{.supervisor = supervisor}`) and
/// returns it; a null reference means "nothing to start" (OTP's `ignore`). Throwing
/// means the start failed.
using child_start = std::function<any_actor_ref(const any_actor_ref& supervisor)>;

/// One static child of a supervisor (Erlang/OTP's child specification).
struct child_spec {
    std::string id;  ///< unique among the supervisor's children
    child_start start;
    restart_type restart = restart_type::permanent;
    child_shutdown shutdown{};
    child_type type = child_type::worker;
    /// Backoff: how long after an exit the restart (of the child and the siblings its
    /// exit takes down) waits; on a runtime timer, 0 restarts at once.
    duration restart_delay{0};
};

/// The name of a restart type, e.g. "transient".
inline const char* to_string(restart_type r) noexcept {
    switch (r) {
        case restart_type::permanent: return "permanent";
        case restart_type::transient: return "transient";
        case restart_type::temporary: return "temporary";
    }
    return "unknown";
}

}  // namespace ractor
