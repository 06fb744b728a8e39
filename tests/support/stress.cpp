#include "support/stress.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace ractor::testing {

unsigned parse_stress_count(std::string_view name, std::string_view text, unsigned min, unsigned max) {
    const std::string what = std::string(name) + "='" + std::string(text.substr(0, 32)) +
                             (text.size() > 32 ? "...'" : "'");
    if (text.empty()) throw std::invalid_argument(what + ": empty, expected a whole number");
    unsigned long long value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') throw std::invalid_argument(what + ": not a whole number");
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > max) break;  // stops before it could overflow
    }
    if (value < min || value > max) {
        throw std::invalid_argument(what + ": out of range [" + std::to_string(min) + ", " +
                                    std::to_string(max) + "]");
    }
    return static_cast<unsigned>(value);
}

stress_mode stress_from_env() {
    stress_mode m;
    if (const char* r = std::getenv("RACTOR_STRESS_REPEAT")) {
        m.repeat = parse_stress_count("RACTOR_STRESS_REPEAT", r, 1, max_stress_repeat);
    }
    if (const char* h = std::getenv("RACTOR_STRESS_HOG")) {
        m.hog_threads = parse_stress_count("RACTOR_STRESS_HOG", h, 0, max_stress_hog);
    }
    return m;
}

cpu_hog::cpu_hog(unsigned threads) {
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) {
        threads_.emplace_back([this] {
            while (!stop_.load(std::memory_order_relaxed)) {
            }
        });
    }
}

cpu_hog::~cpu_hog() {
    stop_.store(true, std::memory_order_relaxed);
    for (auto& t : threads_) t.join();
}

}  // namespace ractor::testing
