#pragma once
// The park state shared by parkers and unparkers: one waiter per worker fiber or per thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include <boost/fiber/context.hpp>
#include <boost/fiber/fiber.hpp>

#include <ractor/runtime/executor.hpp>

#include "fiber_stack.hpp"

namespace ractor::asio_backend {

class worker;

/// The park state of one fiber or thread, packed in one atomic word so that a wake-up is a
/// single compare-and-swap: bits 0-1 the phase, 2-3 the wake reason, 4 "woken from another
/// thread", the rest the epoch (which park). Waiters are never freed while their host lives,
/// so a late unpark through a stale token only ever sees a newer epoch.
class waiter {
public:
    enum class kind : std::uint8_t { fiber, thread };
    enum class phase : std::uint8_t { armed = 0, parked = 1, woken = 2 };

    explicit waiter(kind k) noexcept : kind_(k) {}
    waiter(const waiter&) = delete;
    waiter& operator=(const waiter&) = delete;

    kind which() const noexcept { return kind_; }

    /// Starts a new park (owner only); every earlier token becomes stale.
    park_token arm() noexcept;

    /// Moves the park of `epoch` from armed or parked to woken. Returns the phase it left,
    /// or nothing if the epoch is stale or the park was woken already.
    std::optional<phase> try_wake(std::uint64_t epoch, wake_reason reason, bool remote) noexcept;

    /// Moves the park of `epoch` from armed to parked (owner only); false if it was woken.
    bool try_park(std::uint64_t epoch) noexcept;

    /// The current word, for the accessors below.
    std::uint64_t load() const noexcept { return word_.load(std::memory_order_acquire); }

    static std::uint64_t epoch_of(std::uint64_t w) noexcept { return w >> epoch_shift; }
    static phase phase_of(std::uint64_t w) noexcept { return static_cast<phase>(w & 3u); }
    static wake_reason reason_of(std::uint64_t w) noexcept {
        return static_cast<wake_reason>((w >> 2) & 3u);
    }
    static bool remote_of(std::uint64_t w) noexcept { return ((w >> 4) & 1u) != 0; }

private:
    static constexpr unsigned epoch_shift = 5;

    std::atomic<std::uint64_t> word_{0};
    kind kind_;
};

/// A worker fiber of one worker thread and its waiter. Kept (with its fiber) until the host
/// dies, so tokens naming it stay valid after the fiber ends.
class fiber_slot final : public waiter {
public:
    explicit fiber_slot(worker& owner) noexcept : waiter(kind::fiber), owner_(&owner) {}

    worker* owner_;
    boost::fibers::context* context_ = nullptr;  ///< set when the fiber first runs
    boost::fibers::fiber fiber_;                 ///< joined by the worker thread before it ends
    stack_bounds stack_;                         ///< where the fiber's stack lies
};

/// A thread that is not a worker fiber (for example `main`) and blocks while parked.
class thread_waiter final : public waiter {
public:
    thread_waiter() noexcept : waiter(kind::thread) {}

    std::mutex mutex_;
    std::condition_variable cv_;
};

/// Wakes the park named by `token` with `reason`, from any thread; false if stale or woken.
bool unpark_token(park_token token, wake_reason reason) noexcept;

}  // namespace ractor::asio_backend
