#include "fiber_algorithm.hpp"

#include <boost/fiber/context.hpp>
#include <boost/fiber/operations.hpp>

#include "determinism_guard.hpp"

namespace ractor::sim::internal {

void sim_fiber_algorithm::awakened(boost::fibers::context* ctx) noexcept {
    ctx->ready_link(ready_);
}

boost::fibers::context* sim_fiber_algorithm::pick_next() noexcept {
    if (ready_.empty()) {
        return nullptr;
    }
    boost::fibers::context* ctx = &ready_.front();
    ready_.pop_front();
    return ctx;
}

bool sim_fiber_algorithm::has_ready_fibers() const noexcept { return !ready_.empty(); }

void sim_fiber_algorithm::suspend_until(std::chrono::steady_clock::time_point const& tp) noexcept {
    const bool timed = tp != std::chrono::steady_clock::time_point::max();
    if (in_simulation()) {
        die(timed ? timed_wait_message
                  : "a fiber blocked in a Boost.Fiber wait that nothing in the simulation can "
                    "end (deadlock); block only through the runtime executor's park");
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (timed) {
        wakeup_.wait_until(lock, tp, [this] { return notified_; });
    } else {
        wakeup_.wait(lock, [this] { return notified_; });
    }
    notified_ = false;
}

void sim_fiber_algorithm::notify() noexcept {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        notified_ = true;
    }
    wakeup_.notify_all();
}

void sim_fiber_algorithm::install_on_this_thread() {
    thread_local bool installed = false;
    if (!installed) {
        boost::fibers::use_scheduling_algorithm<sim_fiber_algorithm>();
        installed = true;
    }
}

}  // namespace ractor::sim::internal
