// Interposes the C library's sleeps so that a sleep inside a simulation step aborts.
//
// These definitions preempt the C library's for the whole process (libstdc++'s
// std::this_thread::sleep_for calls ::nanosleep), which is why they are an opt-in object
// (ractor::sim_sleep_guard) that a test binary links, not part of ractor::sim. They forward
// to the next definition (the C library, or a sanitizer's interceptor) unless the calling
// thread is executing a simulation.

#include <dlfcn.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "determinism_guard.hpp"

namespace ractor::sim::internal {
namespace {

// Looks up the next definition of `name` once; a sleep is never called often enough for
// the lookup to matter, but a racing first call from two threads must stay correct.
template <typename Fn>
Fn next_definition(std::atomic<Fn>& cache, const char* name) noexcept {
    Fn fn = cache.load(std::memory_order_acquire);
    if (fn == nullptr) {
        fn = reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
        if (fn == nullptr) {
            die("cannot find the C library's sleep functions");
        }
        cache.store(fn, std::memory_order_release);
    }
    return fn;
}

bool is_zero(const struct timespec* t) noexcept {
    return t != nullptr && t->tv_sec == 0 && t->tv_nsec == 0;
}

}  // namespace
}  // namespace ractor::sim::internal

using ractor::sim::internal::die;
using ractor::sim::internal::in_simulation;
using ractor::sim::internal::is_zero;
using ractor::sim::internal::next_definition;
using ractor::sim::internal::timed_wait_message;

// A zero-length sleep reads no clock and waits for nothing, so it stays allowed.

extern "C" int nanosleep(const struct timespec* req, struct timespec* rem) {
    using fn_t = int (*)(const struct timespec*, struct timespec*);
    static std::atomic<fn_t> real{nullptr};
    if (in_simulation() && !is_zero(req)) {
        die(timed_wait_message);
    }
    return next_definition(real, "nanosleep")(req, rem);
}

extern "C" int clock_nanosleep(clockid_t clock, int flags, const struct timespec* req,
                               struct timespec* rem) {
    using fn_t = int (*)(clockid_t, int, const struct timespec*, struct timespec*);
    static std::atomic<fn_t> real{nullptr};
    if (in_simulation() && (flags != 0 || !is_zero(req))) {
        die(timed_wait_message);
    }
    return next_definition(real, "clock_nanosleep")(clock, flags, req, rem);
}

extern "C" int usleep(useconds_t usec) {
    using fn_t = int (*)(useconds_t);
    static std::atomic<fn_t> real{nullptr};
    if (in_simulation() && usec != 0) {
        die(timed_wait_message);
    }
    return next_definition(real, "usleep")(usec);
}

extern "C" unsigned int sleep(unsigned int seconds) {
    using fn_t = unsigned int (*)(unsigned int);
    static std::atomic<fn_t> real{nullptr};
    if (in_simulation() && seconds != 0) {
        die(timed_wait_message);
    }
    return next_definition(real, "sleep")(seconds);
}
