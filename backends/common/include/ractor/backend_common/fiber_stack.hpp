#pragma once
/// \file
/// The guard-paged stacks of the backends' pooled fibers, shared by the asio backend and the
/// simulator. Header-only over Boost.Context; it includes nothing of ractor.

#include <cstddef>

#include <boost/context/protected_fixedsize_stack.hpp>
#include <boost/context/stack_context.hpp>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace ractor::backend_common {

/// Where a stack lies: [bottom, bottom + size).
struct stack_bounds {
    const void* bottom = nullptr;
    std::size_t size = 0;
};

/// Clears ASan's poisoning of a fiber stack's memory. A stack mapped where an earlier fiber's
/// stack was can inherit that fiber's redzones (it may have ended by an exception or been
/// abandoned mid-call), which would make ASan report the new fiber's own frames.
inline void unpoison_stack(const void* bottom, std::size_t size) noexcept {
#if defined(__SANITIZE_ADDRESS__)
    __asan_unpoison_memory_region(bottom, size);
#else
    (void)bottom;
    (void)size;
#endif
}

/// A guard-paged stack allocator that records where each stack lies, for the sanitizers'
/// annotations of every switch, and hands out (and takes back) stacks without poisoning.
class recording_stack_allocator {
public:
    recording_stack_allocator(std::size_t size, stack_bounds& out) noexcept
        : inner_(size), out_(&out) {}

    boost::context::stack_context allocate() {
        boost::context::stack_context sc = inner_.allocate();
        out_->bottom = static_cast<const char*>(sc.sp) - sc.size;  // stacks grow down from sp
        out_->size = sc.size;
        unpoison_stack(out_->bottom, sc.size);
        return sc;
    }

    void deallocate(boost::context::stack_context& sc) noexcept {
        unpoison_stack(static_cast<const char*>(sc.sp) - sc.size, sc.size);
        inner_.deallocate(sc);
    }

private:
    boost::context::protected_fixedsize_stack inner_;
    stack_bounds* out_;
};

}  // namespace ractor::backend_common
