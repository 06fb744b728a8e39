// Interposes the C library's sleeps so that a sleep inside a simulation step aborts.
//
// These definitions preempt the C library's for the whole process (libstdc++'s
// std::this_thread::sleep_for calls ::nanosleep). They forward to the next definition
// (the C library, or a sanitizer's interceptor) unless the calling thread is executing a
// simulation. This object is always linked because world_core uses simulation_scope.

#include "determinism_guard.hpp"

#include <dlfcn.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace ractor::sim::internal {
namespace {

thread_local int simulation_depth = 0;

void write_all(const char* text) noexcept {
    std::size_t left = std::strlen(text);
    while (left > 0) {
        const ssize_t n = ::write(STDERR_FILENO, text, left);
        if (n <= 0) {
            return;
        }
        text += n;
        left -= static_cast<std::size_t>(n);
    }
}

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

simulation_scope::simulation_scope() noexcept { ++simulation_depth; }

simulation_scope::~simulation_scope() { --simulation_depth; }

bool in_simulation() noexcept { return simulation_depth > 0; }

void die(const char* message) noexcept {
    write_all("ractor::sim: ");
    write_all(message);
    write_all("\n");
    std::abort();
}

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
