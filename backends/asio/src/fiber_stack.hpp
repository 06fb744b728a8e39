#pragma once
// What AddressSanitizer must be told about the stacks of worker fibers.

#include <cstddef>

#include <ractor/backend_common/fiber_stack.hpp>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace ractor::asio_backend {

using backend_common::recording_stack_allocator;
using backend_common::stack_bounds;

/// Tells AddressSanitizer that the calling code now runs on `stack` and returns the bounds
/// it believed before; does nothing without ASan.
///
/// Boost.Fiber switches stacks inside a library built without ASan's fiber annotations, so
/// ASan keeps the OS thread's stack bounds; when an exception is thrown on a fiber it then
/// refuses to clean up the stack and reports false stack overflows later. Worker fibers call
/// this each time they resume (no switch happens: it only updates ASan's idea of the stack).
inline stack_bounds enter_stack(stack_bounds stack) noexcept {
#if defined(__SANITIZE_ADDRESS__)
    void* fake_stack = nullptr;
    stack_bounds previous;
    __sanitizer_start_switch_fiber(&fake_stack, stack.bottom, stack.size);
    __sanitizer_finish_switch_fiber(fake_stack, &previous.bottom, &previous.size);
    return previous;
#else
    return stack;
#endif
}

}  // namespace ractor::asio_backend
