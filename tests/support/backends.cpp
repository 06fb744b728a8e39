#include "support/backends.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iterator>
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

/// Every backend this file can make; the build chooses which of them run, and in what order.
constexpr backend_entry factories[] = {
    {"sim", [] { return std::unique_ptr<test_backend>(new sim_test_backend); }},
    {"asio", [] { return std::unique_ptr<test_backend>(new asio_test_backend); }},
};

/// The entries named by the comma-separated `list`, in its order; throws on a name no
/// factory has.
std::vector<backend_entry> entries_named(std::string_view list) {
    std::vector<backend_entry> entries;
    while (!list.empty()) {
        const std::size_t comma = std::min(list.find(','), list.size());
        const std::string_view name = list.substr(0, comma);
        list.remove_prefix(std::min(comma + 1, list.size()));
        const auto* found = std::find_if(std::begin(factories), std::end(factories),
                                         [&](const backend_entry& e) { return e.name == name; });
        if (found == std::end(factories)) {
            throw std::logic_error("RACTOR_TEST_BACKENDS names backend '" + std::string(name) +
                                   "', which tests/support/backends.cpp cannot make");
        }
        entries.push_back(*found);
    }
    return entries;
}

/// Runs one conformance test on one backend: what Catch2 calls for "<test> - <backend>".
class conformance_invoker final : public Catch::ITestInvoker {
public:
    conformance_invoker(std::string_view backend, void (*body)(test_backend&))
        : backend_(backend), body_(body) {}
    void invoke() const override { run_on(backend_, body_); }

private:
    std::string_view backend_;
    void (*body_)(test_backend&);
};

/// Names and tags of the registered test cases: Catch2 keeps only views of them.
std::deque<std::string>& registered_strings() {
    static std::deque<std::string> strings;
    return strings;
}

}  // namespace

const std::vector<backend_entry>& backends() {
    static const std::vector<backend_entry> entries = entries_named(RACTOR_TEST_BACKENDS);
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

bool register_conformance(void (*body)(test_backend&), const char* name, const char* tags,
                          const char* file, std::size_t line) {
    auto& strings = registered_strings();
    for (const auto& entry : backends()) {
        const std::string& test_name =
            strings.emplace_back(std::string(name) + " - " + std::string(entry.name));
        const std::string& test_tags =
            strings.emplace_back(std::string(tags) + "[" + std::string(entry.name) + "]");
        const Catch::AutoReg registration(new conformance_invoker(entry.name, body),
                                          Catch::SourceLineInfo(file, line), Catch::StringRef(),
                                          Catch::NameAndTags(test_name, test_tags));
    }
    return true;
}

std::uint64_t test_seed() {
    const char* s = std::getenv("RACTOR_SEED");
    return s ? std::strtoull(s, nullptr, 10) : 1;
}

}  // namespace ractor::testing
