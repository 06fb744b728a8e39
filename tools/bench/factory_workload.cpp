// Factory throughput: the same jobs handled by the workers of a factory (round-robin or
// queuer) and by plain actors the sender picks in turn, so the cost of the factory shows.
#include "factory_workload.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>

#include <ractor/factory/factory.hpp>
#include <ractor/ractor.hpp>

namespace ractor::bench {

namespace {

constexpr std::int64_t jobs_n = 200'000;
constexpr std::size_t pool_size = 4;
constexpr auto finish_limit = std::chrono::minutes(5);

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// Holds the main thread's await request until every job was handled.
using finish_msg = std::variant<reply_port<std::int64_t>, std::int64_t>;
struct finish_state {
    std::optional<reply_port<std::int64_t>> port;
    std::optional<std::int64_t> result;
};
struct finisher final : actor<finish_msg, finish_state> {
    void handle(actor_ref<finish_msg> self, finish_msg m, finish_state& s) {
        if (auto* p = std::get_if<reply_port<std::int64_t>>(&m)) s.port.emplace(std::move(*p));
        else s.result = std::get<std::int64_t>(m);
        if (s.port && s.result) {
            s.port->send(*s.result);
            self.stop();
        }
    }
};

/// Counts handled jobs across the pool; the last one tells the finisher.
struct job_counter {
    std::atomic<std::int64_t> handled{0};
    actor_ref<finish_msg> finish;
    void one_done(std::int64_t value_sum) {
        if (handled.fetch_add(1, std::memory_order_acq_rel) + 1 == jobs_n) finish.cast(value_sum);
    }
};
using counter_ptr = std::shared_ptr<job_counter>;

/// The work of one job: a little arithmetic on its value, the same for both paths.
std::int64_t work(std::int64_t v) { return (v * 2654435761) % 1000003; }

struct bench_worker : factory::worker<std::int64_t, std::int64_t, std::int64_t> {
    counter_ptr counter;
    void handle(factory::worker_id, factory::job<std::int64_t, std::int64_t>& j, std::int64_t& sum) {
        sum += work(j.msg);
        counter->one_done(sum);
    }
};

struct plain_worker final : actor<std::int64_t, std::int64_t, counter_ptr> {
    counter_ptr counter;
    std::int64_t pre_start(actor_ref<std::int64_t>, counter_ptr c) {
        counter = std::move(c);
        return 0;
    }
    void handle(actor_ref<std::int64_t>, std::int64_t v, std::int64_t& sum) {
        sum += work(v);
        counter->one_done(sum);
    }
};

std::int64_t await_finish(const actor_ref<finish_msg>& f) {
    auto r = f.call([](reply_port<std::int64_t> p) { return finish_msg{std::move(p)}; }, finish_limit);
    if (!r) throw std::runtime_error("the jobs did not finish: " + r.error());
    return r.value();
}

measurement result(std::int64_t t) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "jobs=%ld workers=%zu total_ms=%.1f jobs_per_s=%.0f ns_per_job=%.1f",
                  static_cast<long>(jobs_n), pool_size, t / 1e6, jobs_n / (t / 1e9), double(t) / jobs_n);
    return {buf, static_cast<std::uint64_t>(jobs_n), t / 1e9};
}

measurement run_factory(actor_system& sys, factory::routing_mode mode) {
    auto counter = std::make_shared<job_counter>();
    counter->finish = sys.spawn(finisher{});
    auto f = factory::spawn_factory(sys, factory::factory_spec<bench_worker>{
                                             .workers = pool_size,
                                             .make_worker = [counter](factory::worker_id) {
                                                 bench_worker w;
                                                 w.counter = counter;
                                                 return w;
                                             },
                                             .route = {.mode = mode}});
    const std::int64_t t0 = now_ns();
    for (std::int64_t i = 0; i < jobs_n; ++i) f.dispatch({i, i});
    await_finish(counter->finish);
    const std::int64_t t = now_ns() - t0;
    f.actor().stop_and_wait();
    return result(t);
}

}  // namespace

measurement run_factory_round_robin(actor_system& sys) { return run_factory(sys, factory::routing_mode::round_robin); }

measurement run_factory_queuer(actor_system& sys) { return run_factory(sys, factory::routing_mode::queuer); }

measurement run_factory_plain(actor_system& sys) {
    auto counter = std::make_shared<job_counter>();
    counter->finish = sys.spawn(finisher{});
    std::vector<actor_ref<std::int64_t>> pool;
    for (std::size_t i = 0; i < pool_size; ++i) pool.push_back(sys.spawn(plain_worker{}, counter));
    const std::int64_t t0 = now_ns();
    for (std::int64_t i = 0; i < jobs_n; ++i) pool[static_cast<std::size_t>(i) % pool_size].cast(i);
    await_finish(counter->finish);
    const std::int64_t t = now_ns() - t0;
    for (auto& w : pool) w.stop_and_wait();
    return result(t);
}

}  // namespace ractor::bench
