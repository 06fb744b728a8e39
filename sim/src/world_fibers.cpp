#include "world_core.hpp"

#include <memory>
#include <utility>

#include <boost/fiber/operations.hpp>

#include <ractor/detail/actor_cell.hpp>

#include "determinism_guard.hpp"

// The fiber pool: worker fibers, the hand-overs between them and the driver, and teardown.

namespace ractor::sim::internal {

sim_fiber& world_core::idle_fiber() {
    if (!idle_.empty()) {
        sim_fiber* w = idle_.back();
        idle_.pop_back();
        return *w;
    }
    auto w = std::make_unique<sim_fiber>();
    w->id = fibers_.size() + 1;
    w->wait.owner = this;
    w->wait.fiber = w.get();
    fibers_.push_back(std::move(w));
    return *fibers_.back();
}

// Exactly one fiber of the world runs at a time and every hand-over names its target, so
// Boost.Fiber's own ready queue never decides the order: the driver switches straight to
// the worker, and the worker switches straight back (hand_back). Only a new fiber's first
// start goes through the ready queue, where it is the only entry besides Boost's dispatcher.
void world_core::switch_to(sim_fiber& w) {
    // A worker hands back with its actor still current when it parks mid-handler.
    const ractor::detail::current_cell_keeper keep;
    boost::fibers::context* const self = boost::fibers::context::active();
    if (w.ctx == nullptr) {
        // Posted, not started: the fiber is now the only ready one (besides the dispatcher).
        w.fiber = boost::fibers::fiber(
            boost::fibers::launch::post, std::allocator_arg,
            backend_common::recording_stack_allocator(opts_.fiber_stack_size, w.sanitizer.stack),
            [this, wp = &w] { fiber_main(*wp); });
        create_sanitizer_fiber(w.sanitizer);
    }
    driver_ = self;
    current_ = &w;
    identify_current_fiber(driver_sanitizer_);
    leave_fiber(driver_sanitizer_, w.sanitizer);
    if (w.ctx == nullptr) {
        self->suspend();
    } else {
        w.ctx->resume();
    }
    arrive_on_fiber(driver_sanitizer_, w.sanitizer);
    current_ = nullptr;
}

void world_core::fiber_main(sim_fiber& w) {
    arrive_on_fiber(w.sanitizer, driver_sanitizer_);
    w.ctx = boost::fibers::context::active();
    for (;;) {
        if (runnable* job = std::exchange(w.job, nullptr); job != nullptr) {
            job->run(opts_.batch_budget);
        }
        w.busy = false;
        w.task = 0;
        w.node = 0;
        idle_.push_back(&w);
        hand_back(w);
        if (w.quit) {
            // The fiber ends and Boost switches to the joining driver. Frames still return
            // after this point, so ASan's fake stack of this fiber (only with
            // detect_stack_use_after_return=1) is kept rather than destroyed.
            leave_ending_fiber(w.sanitizer, driver_sanitizer_);
            return;
        }
    }
}

void world_core::hand_back(sim_fiber& w) {
    leave_fiber(w.sanitizer, driver_sanitizer_);
    driver_->resume();
    arrive_on_fiber(w.sanitizer, driver_sanitizer_);
}

// Parked fibers hold stacks with live objects on them: each is resumed with `interrupted`
// (and every later park answers `interrupted` at once) until its run() returns, then every
// idle worker is told to quit and joined. Runnables that never started are dropped.
void world_core::teardown() noexcept {
    if (std::this_thread::get_id() != thread_) {
        die("a world must be destroyed on the thread that created it");
    }
    if (current_ != nullptr || in_step_) {
        die("a world was destroyed from inside one of its own steps");
    }
    const simulation_scope scope;
    tearing_down_ = true;
    for (const candidate_target& t : targets_) {
        if (t.job != nullptr) t.job->discard();
    }
    candidates_.clear();
    targets_.clear();
    armed_.clear();
    triggers_.clear();
    for (const auto& wp : fibers_) {
        sim_fiber& w = *wp;
        while (w.busy && w.ctx != nullptr) {
            if (w.wait.state == sim_waiter_state::parked) {
                w.wait.state = sim_waiter_state::woken;
                w.wait.reason = wake_reason::interrupted;
            }
            switch_to(w);
        }
    }
    boost::fibers::context* const self = boost::fibers::context::active();
    identify_current_fiber(driver_sanitizer_);
    for (const auto& wp : fibers_) {
        sim_fiber& w = *wp;
        if (!w.fiber.joinable()) {
            continue;
        }
        w.quit = true;
        self->schedule(w.ctx);
        leave_fiber(driver_sanitizer_, w.sanitizer);
        try {
            w.fiber.join();
        } catch (...) {
            die("could not join a worker fiber while destroying a world");
        }
        resume_after_fiber_end(driver_sanitizer_);
        arrive_on_fiber(driver_sanitizer_, w.sanitizer);
        destroy_sanitizer_fiber(w.sanitizer);
    }
    fibers_.clear();
    idle_.clear();
}

}  // namespace ractor::sim::internal
