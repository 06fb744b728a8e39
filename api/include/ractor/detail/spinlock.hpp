#pragma once
/// \file
/// A one-byte lock for the short critical sections of an actor cell.

#include <atomic>
#include <thread>

namespace ractor::detail {

/// A test-and-test-and-set lock. Held only for a few loads and stores, never across a park,
/// so it stays one byte where a std::mutex would cost forty in every idle actor.
class spinlock {
public:
    void lock() noexcept {
        for (;;) {
            if (!locked_.exchange(true, std::memory_order_acquire)) return;
            while (locked_.load(std::memory_order_relaxed)) std::this_thread::yield();
        }
    }
    void unlock() noexcept { locked_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> locked_{false};
};

}  // namespace ractor::detail
