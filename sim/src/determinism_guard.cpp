// The determinism guard's state: which threads are executing a simulation, and how the
// guard stops the process. The opt-in target ractor::sim_sleep_guard (sleep_guard.cpp)
// interposes the C library's sleeps with it; fiber_algorithm.cpp checks timed Boost.Fiber
// waits with it.

#include "determinism_guard.hpp"

#include <unistd.h>

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
