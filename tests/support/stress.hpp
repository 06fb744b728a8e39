#pragma once
// The stress mode of the asio conformance suites: repetitions and a CPU hog, from the
// environment, to flush out races a single quiet run rarely hits.

#include <atomic>
#include <cstddef>
#include <string_view>
#include <thread>
#include <vector>

namespace ractor::testing {

/// How the asio conformance tests run: each body `repeat` times, each repetition on a fresh
/// backend while `hog_threads` threads spin on the CPU.
struct stress_mode {
    unsigned repeat = 1;
    unsigned hog_threads = 0;
};

/// The largest accepted `RACTOR_STRESS_REPEAT` and `RACTOR_STRESS_HOG`.
inline constexpr unsigned max_stress_repeat = 100'000;
inline constexpr unsigned max_stress_hog = 64;

/// Parses the value `text` of environment variable `name` as a whole number in
/// [`min`, `max`]; throws std::invalid_argument naming the variable and the problem.
unsigned parse_stress_count(std::string_view name, std::string_view text, unsigned min, unsigned max);

/// The stress mode from `RACTOR_STRESS_REPEAT` (default 1) and `RACTOR_STRESS_HOG` (default 0).
stress_mode stress_from_env();

/// Threads that keep the CPU busy for as long as the object lives.
class cpu_hog {
public:
    explicit cpu_hog(unsigned threads);
    ~cpu_hog();
    cpu_hog(const cpu_hog&) = delete;
    cpu_hog& operator=(const cpu_hog&) = delete;

private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

}  // namespace ractor::testing
