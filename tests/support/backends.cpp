#include "support/backends.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <stdexcept>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/sim/world.hpp>

#include "support/stress.hpp"

namespace ractor::testing {

namespace {

class sim_test_backend final : public test_backend {
public:
    sim_test_backend() : seed_(test_seed()), world_(seed_) {}
    const runtime& add_node(std::string name) override { return world_.add_node(std::move(name)); }
    std::string describe() const override {
        return "backend sim, seed " + std::to_string(seed_) +
               " (replay: RACTOR_SEED=" + std::to_string(seed_) + " ractor_tests \"<test name>\")";
    }
    std::uint64_t trace_hash() const override { return world_.trace_hash(); }
    std::string listen_address(const std::string& node_name) const override { return node_name; }
    bool partition(std::uint64_t a, std::uint64_t b) override {
        world_.partition(a, b);
        return true;
    }
    bool heal(std::uint64_t a, std::uint64_t b) override {
        world_.heal(a, b);
        return true;
    }

private:
    std::uint64_t seed_;
    sim::world world_;
};

class asio_test_backend final : public test_backend {
public:
    const runtime& add_node(std::string name) override { return host_.add_node(std::move(name)); }
    std::string describe() const override {
        return "backend asio, " + std::to_string(host_.threads()) + " worker threads";
    }
    std::string listen_address(const std::string&) const override { return "127.0.0.1:0"; }
    bool partition(std::uint64_t a, std::uint64_t b) override {
        host_.partition(a, b);
        return true;
    }
    bool heal(std::uint64_t a, std::uint64_t b) override {
        host_.heal(a, b);
        return true;
    }

private:
    asio_backend::runtime_host host_{asio_backend::host_options{.threads = 2}};
};

}  // namespace

const std::vector<backend_entry>& backends() {
    static const std::vector<backend_entry> entries{
        {"sim", [] { return std::unique_ptr<test_backend>(new sim_test_backend); }},
        {"asio", [] { return std::unique_ptr<test_backend>(new asio_test_backend); }},
    };
    return entries;
}

// On asio the stress mode (RACTOR_STRESS_REPEAT, RACTOR_STRESS_HOG) repeats the body on a
// fresh backend while a CPU hog runs; the simulator needs no repetition: a seed is exact.
void run_on(std::string_view name, void (*body)(test_backend&)) {
    for (const auto& entry : backends()) {
        if (entry.name != name) continue;
        const stress_mode stress = name == "asio" ? stress_from_env() : stress_mode{};
        const cpu_hog hog(stress.hog_threads);
        for (unsigned round = 1; round <= stress.repeat; ++round) {
            auto backend = entry.make();
            INFO(backend->describe() << (stress.repeat > 1 ? ", stress round " + std::to_string(round) : ""));
            body(*backend);
        }
        return;
    }
    throw std::logic_error("no backend named " + std::string(name));
}

std::uint64_t test_seed() {
    const char* s = std::getenv("RACTOR_SEED");
    return s ? std::strtoull(s, nullptr, 10) : 1;
}

}  // namespace ractor::testing
