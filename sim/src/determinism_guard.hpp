#pragma once
// The determinism guard: while a world executes on a thread, real-time waits on that thread
// abort the process instead of silently making the run depend on wall-clock time.

namespace ractor::sim::internal {

/// Marks the calling thread as executing a simulation until the scope ends (nestable).
class simulation_scope {
public:
    simulation_scope() noexcept;
    ~simulation_scope();
    simulation_scope(const simulation_scope&) = delete;
    simulation_scope& operator=(const simulation_scope&) = delete;
};

/// True while a `simulation_scope` is open on the calling thread.
bool in_simulation() noexcept;

/// Prints `message` (one line, prefixed "ractor::sim: ") to stderr and aborts the process.
[[noreturn]] void die(const char* message) noexcept;

/// The message printed when a timed wait happens inside a simulation.
inline constexpr const char* timed_wait_message =
    "timed wait inside the simulator breaks determinism; use the runtime clock "
    "(send_after / call timeouts) instead";

}  // namespace ractor::sim::internal
