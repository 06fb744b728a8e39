// Same seed, same trace: within one process and across processes.

#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <ractor/sim/world.hpp>

#include "sim/sim_test_support.hpp"

using namespace std::chrono_literals;
using ractor::park_token;
using ractor::time_point;
using ractor::wake_reason;
using ractor::sim::world;
namespace t = ractor::sim::test;

namespace {

struct racy_result {
    std::uint64_t hash = 0;
    std::vector<ractor::sim::recorded_event> events;
    std::uint64_t steps = 0;
};

// Many runnables on three nodes record events, yield, park on random deadlines and unpark
// each other: the trace depends on every scheduling decision.
racy_result run_racy_program(std::uint64_t seed) {
    racy_result result;
    t::runnables rs;
    world w(seed);
    std::vector<ractor::runtime*> nodes;
    for (const char* name : {"a", "b", "c"}) {
        nodes.push_back(&w.add_node(name));
    }
    std::vector<park_token> tokens(60);
    for (std::uint64_t i = 0; i < tokens.size(); ++i) {
        ractor::runtime& rt = *nodes[i % nodes.size()];
        rt.executor.schedule(rs.add([&rt, &tokens, i](std::size_t) {
            for (int round = 0; round < 3; ++round) {
                t::trace_user(rt, i * 10 + static_cast<std::uint64_t>(round), "tick");
                rt.executor.yield();
                const std::uint64_t victim = rt.entropy.next_u64() % tokens.size();
                if (rt.executor.unpark(tokens[victim])) {
                    t::trace_user(rt, 1000 + victim, "woke");
                }
                tokens[i] = rt.executor.prepare_park();
                const auto wait = std::chrono::microseconds(1 + rt.entropy.next_u64() % 1000);
                const wake_reason reason = rt.executor.park(tokens[i], rt.clock.now() + wait);
                t::trace_user(rt, static_cast<std::uint64_t>(reason), "reason");
            }
        }));
    }
    w.run();
    result.hash = w.trace_hash();
    result.events = w.events();
    result.steps = w.steps();
    return result;
}

// A child process started by the cross-process test prints the hash of its seed and exits
// before any test runs.
struct sim_child_listener : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;

    void testRunStarting(Catch::TestRunInfo const& info) override {
        if (const char* seed = std::getenv("RACTOR_SIM_CHILD_HASH_SEED"); seed != nullptr) {
            const racy_result r = run_racy_program(std::strtoull(seed, nullptr, 10));
            std::printf("RACTOR_SIM_HASH %llu %llu\n", static_cast<unsigned long long>(r.hash),
                        static_cast<unsigned long long>(r.steps));
            std::fflush(stdout);
            std::_Exit(0);
        }
        TestEventListenerBase::testRunStarting(info);
    }
};

std::string hash_from_child(std::uint64_t seed) {
    const std::string command = "RACTOR_SIM_CHILD_HASH_SEED=" + std::to_string(seed) + " '" +
                                t::self_exe() + "' 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return "popen failed";
    }
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) {
        out += buf;
    }
    const int status = ::pclose(pipe);
    if (status != 0) {
        return "child failed with status " + std::to_string(status) + ": " + out;
    }
    const auto at = out.find("RACTOR_SIM_HASH ");
    if (at == std::string::npos) {
        return "no hash in: " + out;
    }
    return out.substr(at, out.find('\n', at) - at);
}

}  // namespace

CATCH_REGISTER_LISTENER(sim_child_listener)

TEST_CASE("sim: the same seed gives a bit-identical trace", "[sim][determinism]") {
    const racy_result first = run_racy_program(1234);
    const racy_result second = run_racy_program(1234);
    CHECK(first.hash == second.hash);
    CHECK(first.steps == second.steps);
    REQUIRE(first.events.size() == second.events.size());
    for (std::size_t i = 0; i < first.events.size(); ++i) {
        INFO("first difference at event " << i << ": " << to_string(first.events[i]) << " vs "
                                          << to_string(second.events[i]));
        REQUIRE(first.events[i] == second.events[i]);
    }
    CHECK(first.events.size() > 60 * 3 * 2);
}

TEST_CASE("sim: different seeds give different traces of a racy program", "[sim][determinism]") {
    std::set<std::uint64_t> hashes;
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        hashes.insert(run_racy_program(seed).hash);
    }
    CHECK(hashes.size() == 8);
}

TEST_CASE("sim: the trace hash is the same in another process", "[sim][determinism]") {
    const racy_result here = run_racy_program(99);
    const std::string expected = "RACTOR_SIM_HASH " + std::to_string(here.hash) + " " +
                                 std::to_string(here.steps);
    CHECK(hash_from_child(99) == expected);
    CHECK(hash_from_child(99) == expected);
    CHECK(hash_from_child(100) != expected);
}
