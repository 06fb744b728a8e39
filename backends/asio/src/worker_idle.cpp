#include "worker.hpp"

#include <algorithm>
#include <thread>

#include "host.hpp"
#include "worker_algorithm.hpp"

// What a worker does with nothing to run: spin, steal from the others, then sleep in its
// io_context until a wake-up or its next timer.

namespace ractor::asio_backend {

namespace {

/// How long an idle thread spins before it sleeps. Longer than waking a sleeping thread takes
/// on the small VMs we measured (20-45 us): with a shorter spin, two threads that hand work
/// back and forth fall into a mode where each sleeps before the other's wake-up arrives,
/// and every hop then costs a full wake-up (measured: ~48 us round trips instead of ~1 us).
constexpr std::chrono::nanoseconds spin_time{100'000};

/// A yield that returns later than this ran another thread on the core: the CPU is contended.
constexpr std::chrono::nanoseconds contended_yield{20'000};

std::chrono::steady_clock::time_point steady_at(std::int64_t ns) noexcept {
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::nanoseconds(ns)));
}

void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

}  // namespace

void worker::poll_io() noexcept {
    try {
        io_.poll();
    } catch (...) {}
}

void worker::idle_until(std::chrono::steady_clock::time_point tp) noexcept {
    host_.spinners_.fetch_add(1, std::memory_order_relaxed);
    snapshot_victims();
    auto spin_start = std::chrono::steady_clock::now();
    for (unsigned round = 1;; ++round) {
        if (idle_step()) break;
        if (round % 16 != 0) {
            spin_pause();
            continue;
        }
        poll_io();
        // Spin politely: with more runnable threads than cores (a thread starting timers
        // next to two idle workers on two cores, or other processes), a spinner that keeps
        // its core delays the threads that have work; with none waiting, this returns at once.
        const auto before_yield = std::chrono::steady_clock::now();
        std::this_thread::yield();
        const auto after_yield = std::chrono::steady_clock::now();
        // A yield that gave the core away means the CPU is contended: spinning on would only
        // keep this thread runnable, where a sleeper is woken ahead of busy threads. So sleep.
        if (after_yield - before_yield < contended_yield && after_yield - spin_start < spin_time) {
            continue;
        }
        if (steal_stuck()) {
            wake_dispatcher();
            if (algorithm_->has_ready_fibers()) break;
        }
        std::int64_t deadline = timers_.earliest();
        if (tp != std::chrono::steady_clock::time_point::max()) {
            deadline =
                std::min(deadline,
                         std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch())
                             .count());
        }
        host_.spinners_.fetch_sub(1, std::memory_order_relaxed);
        sleep(deadline);
        host_.spinners_.fetch_add(1, std::memory_order_relaxed);
        snapshot_victims();
        spin_start = std::chrono::steady_clock::now();
    }
    host_.spinners_.fetch_sub(1, std::memory_order_relaxed);
}

bool worker::idle_step() noexcept {
    if (!stop_begun_ && host_.stopping()) {
        begin_stop();
        return true;
    }
    if (algorithm_->has_ready_fibers() || remote_wakes_.load(std::memory_order_seq_cst) > 0) {
        return true;
    }
    if (stop_begun_) return false;
    // Timer callbacks run on the dispatching fiber, never on Boost's dispatcher stack.
    if (queue_.size() > 0 || timers_due() || steal()) {
        wake_dispatcher();
        return algorithm_->has_ready_fibers();
    }
    return false;
}

bool worker::steal() noexcept {
    const auto& all = host_.workers();
    const std::size_t n = all.size();
    for (std::size_t k = 1; k < n; ++k) {
        worker& victim = *all[(index_ + k) % n];
        // A single queued runnable is about to be taken by its own thread; leave it.
        const std::size_t queued = victim.queue_.size();
        if (queued >= 2 && victim.queue_.steal_into(queue_, queued / 2) > 0) return true;
    }
    return false;
}

bool worker::steal_stuck() noexcept {
    // A runnable queued behind a handler that has been running for the whole spin.
    const auto& all = host_.workers();
    const std::size_t n = all.size();
    for (std::size_t k = 1; k < n; ++k) {
        const std::size_t v = (index_ + k) % n;
        worker& victim = *all[v];
        if (victim.queue_.size() > 0 && !victim.idle() &&
            victim.runs_.load(std::memory_order_relaxed) == victim_runs_[v] &&
            victim.queue_.steal_into(queue_, 1) > 0) {
            return true;
        }
    }
    return false;
}

void worker::snapshot_victims() noexcept {
    const auto& all = host_.workers();
    for (std::size_t v = 0; v < all.size(); ++v) {
        victim_runs_[v] = all[v]->runs_.load(std::memory_order_relaxed);
    }
}

bool worker::must_stay_awake() noexcept {
    if (!stop_begun_ && host_.stopping()) return true;
    // A socket handler run by the last poll of the spin may have made a fiber ready.
    if (algorithm_->has_ready_fibers()) return true;
    if (remote_wakes_.load(std::memory_order_seq_cst) > 0) return true;
    if (stop_begun_) return false;
    if (queue_.size() > 0) return true;
    if (timers_.earliest() < wake_armed_) return true;  // due, or earlier than the wake timer
    for (const auto& other : host_.workers()) {
        if (other.get() != this && other->queue_.size() >= 2) return true;
    }
    return false;
}

void worker::sleep(std::int64_t deadline_ns) noexcept {
    arm_wake_timer(deadline_ns);
    sleeping_.store(true, std::memory_order_seq_cst);
    host_.sleepers_.fetch_add(1, std::memory_order_seq_cst);
    if (!must_stay_awake()) {
        try {
            io_.run_one();
        } catch (...) {}
    }
    sleeping_.store(false, std::memory_order_seq_cst);
    host_.sleepers_.fetch_sub(1, std::memory_order_seq_cst);
}

void worker::arm_wake_timer(std::int64_t deadline_ns) noexcept {
    if (deadline_ns == timer_table::never || deadline_ns >= wake_armed_) return;
    try {
        wake_timer_.expires_at(steady_at(deadline_ns));
        wake_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) wake_armed_ = timer_table::never;
        });
        wake_armed_ = deadline_ns;
    } catch (...) {
        // Without a wake timer the next wake-up comes from a post; timers then run late.
    }
}

}  // namespace ractor::asio_backend
