#pragma once
/// \file
/// The clock role: the current time and one-shot timers on the runtime's clock.

#include <cstdint>
#include <functional>

#include <ractor/runtime/time.hpp>

namespace ractor {

/// Names a started timer; ids are counters owned by the clock, never addresses.
using timer_id = std::uint64_t;

/// What a timer runs when it fires. It runs outside any actor and must not park:
/// it typically queues a message or unparks a fiber.
using timer_callback = std::function<void()>;

/// Time and timers: virtual in the simulator, steady time on asio.
class clock {
public:
    virtual ~clock() = default;

    /// The current time of this node.
    virtual time_point now() const = 0;

    /// Runs `fn` once at (or as soon as possible after) `at`. Callable from any thread.
    virtual timer_id start_timer(time_point at, timer_callback fn) = 0;

    /// Cancels a timer; returns true if it had not fired (and now never will).
    virtual bool cancel_timer(timer_id id) = 0;
};

}  // namespace ractor
