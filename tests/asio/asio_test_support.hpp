#pragma once
// Helpers of the asio backend tests: runnables made of lambdas and event counters to wait on.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <utility>

#include <ractor/runtime/executor.hpp>

namespace ractor::asio_test {

/// How long a test waits for an event before it gives up: far beyond any expected latency,
/// only there so a bug fails the test instead of hanging it.
inline constexpr std::chrono::seconds patience{30};

/// A runnable that calls a function with its budget.
class fn_runnable final : public runnable {
public:
    fn_runnable() = default;
    explicit fn_runnable(std::function<void(std::size_t)> fn) : fn_(std::move(fn)) {}
    void set(std::function<void(std::size_t)> fn) { fn_ = std::move(fn); }
    void run(std::size_t budget) noexcept override { fn_(budget); }

private:
    std::function<void(std::size_t)> fn_;
};

/// A counter of events that a test thread can wait on.
class event_count {
public:
    /// Counts one event.
    void add(std::size_t n = 1) {
        // Notifying under the lock: a waiter that sees the count may destroy this at once.
        std::lock_guard<std::mutex> lock(mutex_);
        count_ += n;
        cv_.notify_all();
    }

    /// Waits until at least `n` events were counted; false if `patience` ran out first.
    bool wait_for(std::size_t n) {
        std::unique_lock<std::mutex> lock(mutex_);
        return cv_.wait_for(lock, patience, [&] { return count_ >= n; });
    }

    std::size_t count() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return count_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::size_t count_ = 0;
};

}  // namespace ractor::asio_test
