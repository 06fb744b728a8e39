#pragma once
/// \file
/// The executor role: runs actors on worker fibers and parks/unparks the current fiber.

#include <cstddef>
#include <cstdint>
#include <optional>

#include <ractor/runtime/time.hpp>

namespace ractor {

/// Work the executor can run: an actor with queued work.
///
/// The executor never owns a runnable and never runs the same one on two fibers at once:
/// the caller of `executor::schedule` guarantees it is not already queued.
class runnable {
public:
    /// Runs a bounded slice of work (at most `budget` messages), then returns.
    /// Called on a worker fiber; may park that fiber through `executor::park`.
    virtual void run(std::size_t budget) noexcept = 0;

    /// Called instead of `run` when the executor stops for good while holding this (queued,
    /// or handed it during the stop): release whatever being scheduled holds. Runs no work.
    virtual void discard() noexcept {}

    /// Intrusive link for the executors' queues; belongs to whichever queue holds it.
    runnable* queue_next = nullptr;

protected:
    ~runnable() = default;
};

/// Why a parked fiber woke up.
enum class wake_reason : std::uint8_t {
    unparked,     ///< somebody called `unpark` with the park's token
    timed_out,    ///< the deadline given to `park` passed first
    interrupted,  ///< `unpark` was called with `wake_reason::interrupted` (a kill)
};

/// Identifies one park of one waiter. A token whose park has ended is stale: unparking it
/// does nothing, which is what makes late replies and late timers harmless.
struct park_token {
    void* waiter = nullptr;   ///< backend-owned waiter; outlives every token that names it
    std::uint64_t epoch = 0;  ///< which park of that waiter
};

/// Runs actors and lets the code they run block without blocking an OS thread.
///
/// Parking is two-phase so that a wake-up racing ahead of the park is never lost:
/// `prepare_park()` arms a token, the caller publishes it (for example in a reply port),
/// then `park(token)` suspends unless the token was already unparked.
/// Outside any worker fiber (for example in `main`) parking blocks the calling thread on
/// asio and drives the simulation on the simulator.
class executor {
public:
    virtual ~executor() = default;

    /// Queues `r` to run on a worker fiber. Callable from any thread.
    virtual void schedule(runnable& r) = 0;
    /// Queues `r`, work the caller has just made (a spawned actor's first run), which a
    /// backend may run before older queued work: running fresh work depth-first keeps the
    /// number of live actors of a spawning tree small. Fairness stays the backend's duty.
    virtual void schedule_fresh(runnable& r) { schedule(r); }

    /// Lets other ready work run before the current fiber continues.
    virtual void yield() = 0;

    /// Arms a new park for the calling fiber (or thread) and returns its token.
    virtual park_token prepare_park() = 0;

    /// Suspends the caller until its armed token is unparked or `deadline` passes.
    /// Returns at once if the token was unparked already.
    virtual wake_reason park(park_token token, std::optional<time_point> deadline) = 0;

    /// Wakes the park named by `token` with `reason`. Callable from any thread.
    /// Returns false (and does nothing) if the token is stale or already woken.
    virtual bool unpark(park_token token, wake_reason reason = wake_reason::unparked) = 0;
};

}  // namespace ractor
