#pragma once
// The stacks of worker fibers, and what AddressSanitizer must be told about them.

#include <cstddef>

#include <boost/context/protected_fixedsize_stack.hpp>
#include <boost/context/stack_context.hpp>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace ractor::asio_backend {

/// Where a stack lies: [bottom, bottom + size).
struct stack_bounds {
    const void* bottom = nullptr;
    std::size_t size = 0;
};

/// A guard-paged stack allocator for worker fibers that records where each stack lies.
class recording_stack_allocator {
public:
    recording_stack_allocator(std::size_t size, stack_bounds& out) noexcept
        : inner_(size), out_(&out) {}

    boost::context::stack_context allocate() {
        boost::context::stack_context sc = inner_.allocate();
        out_->bottom = static_cast<const char*>(sc.sp) - sc.size;  // stacks grow down from sp
        out_->size = sc.size;
        return sc;
    }

    void deallocate(boost::context::stack_context& sc) noexcept { inner_.deallocate(sc); }

private:
    boost::context::protected_fixedsize_stack inner_;
    stack_bounds* out_;
};

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
