// ractor-bench: runs one workload of ../shared/peers on ractor-cpp and prints one RESULT line
// in the peers' format, so the lines can be summarised together with Erlang's and CAF's.
//
//   ractor-bench pingpong|fanin|skynet|call|idle|timers [--threads N]
//   ractor-bench pingpong|fanin|skynet|call --backend sim [--seed S]
#include <cinttypes>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <ractor/actor_system.hpp>
#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/sim/world.hpp>

#include "common/proc_status.hpp"
#include "workload.hpp"

namespace {

using ractor::bench::measurement;
using ractor::bench::workload;

/// Runs `w` on the asio runtime with `threads` workers and prints its RESULT line.
void run_asio(const workload& w, unsigned threads) {
    ractor::asio_backend::runtime_host host(ractor::asio_backend::host_options{.threads = threads});
    measurement m;
    {
        ractor::actor_system sys(host.add_node("bench"));
        m = w.run(sys);
    }  // the system (and every actor still alive) goes before the host
    const unsigned used = host.threads();
    host.shutdown();
    std::printf("RESULT system=ractor-cpp workload=%.*s threads=%u %s peak_rss_kb=%" PRId64 "\n",
                static_cast<int>(w.name.size()), w.name.data(), used, m.fields.c_str(),
                ractor::tool::status_kb("VmHWM"));
}

/// Runs `w` on a simulated world seeded with `seed` and prints its RESULT line: messages per
/// wall second of simulation, and the trace hash that the same seed must reproduce.
void run_sim(const workload& w, std::uint64_t seed) {
    // Only the hash is needed: keeping millions of events would measure the event log.
    ractor::sim::world world(seed, ractor::sim::world_options{.keep_events = false});
    measurement m;
    {
        ractor::actor_system sys(world.add_node("bench"));
        m = w.run(sys);
    }
    std::printf("RESULT system=ractor-cpp-sim workload=%.*s threads=1 seed=%" PRIu64 " msgs=%" PRIu64
                " total_ms=%.1f msgs_per_s=%.0f steps=%" PRIu64 " trace_hash=%016" PRIx64
                " peak_rss_kb=%" PRId64 "\n",
                static_cast<int>(w.name.size()), w.name.data(), seed, m.messages, m.seconds * 1e3,
                m.messages / m.seconds, world.steps(), world.trace_hash(),
                ractor::tool::status_kb("VmHWM"));
}

}  // namespace

int main(int argc, char** argv) {
    const auto& all = ractor::bench::workloads();
    std::vector<std::string> names;
    for (const workload& w : all) names.emplace_back(w.name);

    CLI::App app{"ractor-bench: the peer benchmark workloads (../shared/peers) on ractor-cpp.\n"
                 "Prints one line: RESULT system=ractor-cpp workload=W threads=N key=value ..."};
    std::string name;
    std::string backend = "asio";
    unsigned threads = 0;
    std::uint64_t seed = 1;
    app.add_option("workload", name, "Workload to run")->required()->check(CLI::IsMember(names));
    app.add_option("--threads", threads, "asio worker threads (0: one per hardware thread)")
        ->capture_default_str();
    app.add_option("--backend", backend, "asio (real threads) or sim (deterministic simulator)")
        ->check(CLI::IsMember({"asio", "sim"}))
        ->capture_default_str();
    app.add_option("--seed", seed, "Seed of the simulated world (--backend sim)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    const workload* w = nullptr;
    for (const workload& candidate : all) {
        if (candidate.name == name) w = &candidate;
    }
    if (backend == "sim" && !w->on_sim) {
        std::fprintf(stderr, "ractor-bench: %s measures wall-clock behaviour and has no sim variant\n",
                     name.c_str());
        return 2;
    }
    try {
        if (backend == "sim") {
            run_sim(*w, seed);
        } else {
            run_asio(*w, threads);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ractor-bench: %s on %s failed: %s\n", name.c_str(), backend.c_str(), e.what());
        return 1;
    }
    std::fflush(stdout);
    return 0;
}
