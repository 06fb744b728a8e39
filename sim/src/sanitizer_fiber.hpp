#pragma once
// Tells AddressSanitizer and ThreadSanitizer about the world's stack switches (no-ops in
// other builds).
//
// Boost.Context switches stacks behind the sanitizers' backs. Without these annotations an
// exception thrown on a worker fiber makes ASan skip unpoisoning that stack ("ASan is
// ignoring requested __asan_handle_no_return") and report false errors later, and TSan mixes
// the call stacks of different fibers. Every switch between two of the world's fibers is
// bracketed: `leave_fiber` on the fiber being left, right before the switch, and
// `arrive_on_fiber` on the fiber that runs next, right after it.

#include <cstddef>

#include <ractor/backend_common/fiber_stack.hpp>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace ractor::sim::internal {

/// What the sanitizers need to know about one fiber (or the thread's own stack).
struct sanitizer_fiber {
    backend_common::stack_bounds stack;  ///< where the stack lies (ASan)
    void* fake_stack = nullptr;          ///< ASan's state while switched away
    void* tsan_fiber = nullptr;          ///< TSan's fiber context
};

/// Registers a new worker fiber whose stack bounds are already set.
inline void create_sanitizer_fiber(sanitizer_fiber& f) noexcept {
#if defined(__SANITIZE_THREAD__)
    f.tsan_fiber = __tsan_create_fiber(0);
#else
    (void)f;
#endif
}

/// Forgets a worker fiber that has ended.
inline void destroy_sanitizer_fiber(sanitizer_fiber& f) noexcept {
#if defined(__SANITIZE_THREAD__)
    if (f.tsan_fiber != nullptr) {
        __tsan_destroy_fiber(f.tsan_fiber);
        f.tsan_fiber = nullptr;
    }
#else
    (void)f;
#endif
}

/// Describes the fiber that is running now as a switch source (the driver of a step).
inline void identify_current_fiber(sanitizer_fiber& f) noexcept {
#if defined(__SANITIZE_THREAD__)
    f.tsan_fiber = __tsan_get_current_fiber();
#else
    (void)f;
#endif
}

/// Announces a switch from the running fiber `from` to `to`.
inline void leave_fiber(sanitizer_fiber& from, const sanitizer_fiber& to) noexcept {
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_start_switch_fiber(&from.fake_stack, to.stack.bottom, to.stack.size);
#endif
#if defined(__SANITIZE_THREAD__)
    __tsan_switch_to_fiber(to.tsan_fiber, 0);
#endif
    (void)from;
    (void)to;
}

/// Announces the last switch of the running fiber `from`, which is about to end: Boost
/// switches away only after its frames have returned, so only ASan is told now; the fiber
/// that runs next calls `resume_after_fiber_end`.
inline void leave_ending_fiber(sanitizer_fiber& from, const sanitizer_fiber& to) noexcept {
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_start_switch_fiber(&from.fake_stack, to.stack.bottom, to.stack.size);
#endif
    (void)from;
    (void)to;
}

/// Tells TSan, on the fiber `self` that runs after a fiber ended, which fiber runs now.
inline void resume_after_fiber_end(sanitizer_fiber& self) noexcept {
#if defined(__SANITIZE_THREAD__)
    __tsan_switch_to_fiber(self.tsan_fiber, 0);
#endif
    (void)self;
}

/// Completes a switch on the arriving fiber `self`; records the stack of the fiber that was
/// left in `from` (the stack of a step's driver is only learnt this way).
inline void arrive_on_fiber(sanitizer_fiber& self, sanitizer_fiber& from) noexcept {
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_finish_switch_fiber(self.fake_stack, &from.stack.bottom, &from.stack.size);
#endif
    (void)self;
    (void)from;
}

}  // namespace ractor::sim::internal
