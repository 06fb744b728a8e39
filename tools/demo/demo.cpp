// ractor-demo: one supervised job service, run on the simulator (twice, to show replay) and
// then, unchanged, on the real multi-threaded runtime.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/ractor.hpp>
#include <ractor/sim/world.hpp>

namespace {

using namespace std::chrono_literals;

/// A job: compute the sum of squares below `n`. Some jobs are poisoned and crash a worker.
struct job {
    int n;
    bool poisoned;
    ractor::reply_port<long> port;
};

/// Computes jobs; throws on a poisoned one (its caller then sees a sender error).
struct worker : ractor::actor<job> {
    void handle(ractor::actor_ref<job>, job j, std::monostate&) {
        if (j.poisoned) throw std::runtime_error("poisoned job " + std::to_string(j.n));
        long sum = 0;
        for (long i = 0; i < j.n; ++i) sum += i * i;
        j.port.send(sum);
    }
};

struct pool_state {
    std::vector<ractor::actor_ref<job>> workers;
    std::size_t next = 0;
    long restarts = 0;
};
namespace pool_msg {
struct submit { job j; };
struct stats { ractor::reply_port<long> port; };
}  // namespace pool_msg
using pool_message = std::variant<pool_msg::submit, pool_msg::stats>;

/// A hand-written one-for-one supervisor: routes jobs round-robin to its workers and
/// replaces any worker that fails.
struct pool : ractor::actor<pool_message, pool_state, int> {
    pool_state pre_start(ractor::actor_ref<pool_message> self, int size) {
        pool_state s;
        for (int i = 0; i < size; ++i) s.workers.push_back(self.system().spawn(worker{}, {}, {.supervisor = self}));
        return s;
    }
    void handle(ractor::actor_ref<pool_message>, pool_message msg, pool_state& s) {
        if (auto* sub = std::get_if<pool_msg::submit>(&msg)) {
            s.workers[s.next++ % s.workers.size()].cast(std::move(sub->j));
        } else {
            std::get<pool_msg::stats>(msg).port.send(s.restarts);
        }
    }
    void handle_supervisor_evt(ractor::actor_ref<pool_message> self, const ractor::supervision_event& e,
                               pool_state& s) {
        if (e.what != ractor::supervision_event::kind::failed) return;
        for (auto& w : s.workers) {
            if (w.id() != e.actor.id()) continue;
            w = self.system().spawn(worker{}, {}, {.supervisor = self});
            ++s.restarts;
        }
    }
};

/// What one run of the service did.
struct outcome {
    long answered = 0;
    long retried = 0;
    long restarts = 0;
};

/// The client: submits `jobs` jobs through the pool, retrying each until it is answered.
/// Every tenth job is poisoned on its first try. The same code runs on both backends.
outcome run_service(const ractor::runtime& rt, int jobs) {
    ractor::actor_system sys(rt);
    auto p = sys.spawn(pool{}, 4, {.name = "pool"});
    outcome out;
    for (int i = 0; i < jobs; ++i) {
        for (int attempt = 0;; ++attempt) {
            auto r = p.call(
                [&](ractor::reply_port<long> port) {
                    return pool_message{pool_msg::submit{job{1000 + i, i % 10 == 0 && attempt == 0, std::move(port)}}};
                },
                5s);
            if (r.ok()) break;
            ++out.retried;
        }
        ++out.answered;
    }
    out.restarts = p.call([](ractor::reply_port<long> port) { return pool_message{pool_msg::stats{std::move(port)}}; })
                       .value();
    return out;
}

void print(const char* where, const outcome& o, double wall_ms) {
    std::printf("  %-28s answered=%ld retried=%ld restarts=%ld wall=%.1f ms\n", where, o.answered, o.retried,
                o.restarts, wall_ms);
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main() {
    constexpr int jobs = 2000;
    std::printf("ractor-demo: a supervised pool of 4 workers; every 10th job crashes its worker once\n\n");

    std::printf("1. deterministic simulator (seed 42), run twice:\n");
    std::uint64_t hashes[2];
    for (int run = 0; run < 2; ++run) {
        auto t0 = std::chrono::steady_clock::now();
        ractor::sim::world world(42);
        outcome o = run_service(world.add_node("demo"), jobs);
        hashes[run] = world.trace_hash();
        print(run == 0 ? "sim, first run" : "sim, replay", o, ms_since(t0));
        std::printf("  %-28s trace hash %016llx, %llu steps, virtual time %.3f ms\n", "",
                    static_cast<unsigned long long>(world.trace_hash()),
                    static_cast<unsigned long long>(world.steps()),
                    std::chrono::duration<double, std::milli>(world.now() - ractor::time_point{}).count());
    }
    std::printf("  replay %s\n\n", hashes[0] == hashes[1] ? "identical: same seed, same trace" : "DIFFERS (bug!)");

    std::printf("2. the same code on the real runtime (Boost.Asio + Boost.Fiber, 2 threads):\n");
    {
        auto t0 = std::chrono::steady_clock::now();
        ractor::asio_backend::runtime_host host({.threads = 2});
        outcome o = run_service(host.add_node("demo"), jobs);
        print("asio", o, ms_since(t0));
    }
    return hashes[0] == hashes[1] ? 0 : 1;
}
