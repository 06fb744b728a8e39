#pragma once
// The Boost.Fiber scheduling algorithm installed on every thread that hosts a world.

#include <chrono>
#include <condition_variable>
#include <mutex>

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/scheduler.hpp>

namespace ractor::sim::internal {

/// A first-in first-out algorithm (like Boost's round_robin) that refuses to block the
/// thread while a simulation executes on it.
///
/// The world hands control between its fibers explicitly, so Boost.Fiber only reaches
/// `suspend_until` when no fiber is ready, which during a simulation step means a fiber
/// blocked in a Boost.Fiber wait the simulator did not arrange: a timed wait (which would
/// read the real clock) or a wait nothing in the simulation can end. Either aborts with a
/// message. Outside a simulation the algorithm behaves like round_robin.
class sim_fiber_algorithm final : public boost::fibers::algo::algorithm {
public:
    void awakened(boost::fibers::context* ctx) noexcept override;
    boost::fibers::context* pick_next() noexcept override;
    bool has_ready_fibers() const noexcept override;
    void suspend_until(std::chrono::steady_clock::time_point const& tp) noexcept override;
    void notify() noexcept override;

    /// Installs the algorithm on the calling thread, once per thread.
    static void install_on_this_thread();

private:
    boost::fibers::scheduler::ready_queue_type ready_;
    std::mutex mutex_;
    std::condition_variable wakeup_;
    bool notified_ = false;
};

}  // namespace ractor::sim::internal
