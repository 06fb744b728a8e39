#include "remote_bench.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/cluster/node.hpp>
#include <ractor/ractor.hpp>

#include "common/exit_status.hpp"
#include "common/proc_status.hpp"
#include "service.hpp"

namespace ractor_node {

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
namespace sm = service_msg;

/// Never exits: waiting for it is how the driver pauses while the remote side catches up.
struct idle_pacer : ractor::actor<int> {
    void handle(ractor::actor_ref<int>, int, std::monostate&) {}
};

/// Counts the peers that went down: a flood must never make a live receiver look dead.
struct down_counter : ractor::actor<ractor::cluster::node_event, std::monostate, std::shared_ptr<std::atomic<int>>> {
    std::monostate pre_start(ractor::actor_ref<ractor::cluster::node_event>, std::shared_ptr<std::atomic<int>> downs) {
        downs_ = std::move(downs);
        return {};
    }
    void handle(ractor::actor_ref<ractor::cluster::node_event>, ractor::cluster::node_event e, std::monostate&) {
        if (e.what == ractor::cluster::node_event::kind::down) downs_->fetch_add(1);
    }

private:
    std::shared_ptr<std::atomic<int>> downs_;
};

struct bench_request {
    bench_settings settings;
    ractor::actor_ref<service_message> target;
    std::shared_ptr<std::atomic<int>> downs;
    ractor::reply_port<std::string> port;
};

/// What a flood's sender was told, and what the receiver counted.
struct flood_outcome {
    std::int64_t told_ok = 0;       ///< casts the sender was told were sent
    std::int64_t pushed_back = 0;   ///< casts refused with mailbox_full (then sent again)
    std::int64_t refused = 0;       ///< casts refused otherwise (never resent)
    std::int64_t delivered = -1;    ///< ticks the receiver handled; -1 if it never answered
};

/// The receiver's tick count (which it resets), waiting up to `timeout` for it; -1 if the
/// count was refused (a full mailbox) or timed out.
std::int64_t remote_count(const ractor::actor_ref<service_message>& target, ractor::duration timeout,
                          bool* refused = nullptr) {
    auto seen = target.call([](ractor::reply_port<std::int64_t> p) { return service_message{sm::count{std::move(p)}}; },
                            timeout);
    if (refused) *refused = !seen.ok() && !seen.is_timeout();
    return seen.ok() ? seen.value() : -1;
}

/// Casts ticks as fast as the cluster takes them for `seconds`; a full proxy pushes back
/// (mailbox_full) and the same tick is sent again after a pause.
flood_outcome flood(ractor::actor_ref<int> pacer, const ractor::actor_ref<service_message>& target, std::int64_t seconds) {
    flood_outcome out;
    const auto until = steady::now() + std::chrono::seconds(seconds);
    for (std::int64_t i = 0; steady::now() < until;) {
        for (int batch = 0; batch < 256; ++batch, ++i) {
            ractor::send_status st;
            while ((st = target.cast(sm::tick{i})) == ractor::send_status::mailbox_full) {
                ++out.pushed_back;
                pacer.wait_for(50us);
            }
            if (st == ractor::send_status::ok) ++out.told_ok;
            else ++out.refused;
        }
    }
    // The receiver works off its backlog (bounded by the queues on the way) before it
    // answers; while its mailbox is full the count itself is refused, so ask again.
    // A count that timed out is still queued and would reset the tally: only a refused
    // one is asked again.
    bool refused = true;
    for (int attempt = 0; attempt < 6000 && refused; ++attempt) {
        out.delivered = remote_count(target, 600s, &refused);
        if (refused) pacer.wait_for(100ms);
    }
    return out;
}

std::string flood_line(const flood_outcome& o, std::int64_t seconds, double ns, int downs) {
    char line[512];
    std::snprintf(line, sizeof line,
                  "RESULT system=ractor-cpp workload=remote_flood seconds=%lld told_ok=%lld delivered=%lld lost=%lld "
                  "pushed_back=%lld refused=%lld downs=%d msgs_per_s=%.0f total_ms=%.1f peak_rss_kb=%lld",
                  static_cast<long long>(seconds), static_cast<long long>(o.told_ok), static_cast<long long>(o.delivered),
                  static_cast<long long>(o.told_ok - o.delivered), static_cast<long long>(o.pushed_back),
                  static_cast<long long>(o.refused), downs, static_cast<double>(o.delivered) / (ns / 1e9), ns / 1e6,
                  static_cast<long long>(ractor::tool::status_kb("VmHWM")));
    return line;
}

/// Runs one remote workload from inside an actor (as the Erlang peer runs it in a process).
struct bench_driver : ractor::actor<bench_request> {
    void handle(ractor::actor_ref<bench_request> self, bench_request r, std::monostate&) { r.port.send(run(self, r)); }

private:
    /// The RESULT line, or an ERROR line.
    static std::string run(const ractor::actor_ref<bench_request>& self, const bench_request& r) {
        const bench_settings& s = r.settings;
        const auto t0 = steady::now();
        auto elapsed_ns = [&] { return std::chrono::duration<double, std::nano>(steady::now() - t0).count(); };
        char line[256];
        if (s.workload == "remote_flood") {
            auto pacer = self.system().spawn(idle_pacer{});
            const flood_outcome o = flood(pacer, r.target, s.seconds);
            pacer.stop();
            return flood_line(o, s.seconds, elapsed_ns(), r.downs->load());
        }
        if (s.workload == "remote_cast") {
            auto pacer = self.system().spawn(idle_pacer{});
            for (std::int64_t i = 0; i < s.count; ++i) {
                while (r.target.cast(sm::tick{i}) == ractor::send_status::mailbox_full) pacer.wait_for(50us);
            }
            pacer.stop();
            if (remote_count(r.target, 600s) != s.count) return "ERROR the server counted a different number of ticks";
            std::snprintf(line, sizeof line, "RESULT system=ractor-cpp workload=remote_cast msgs=%lld total_ms=%.1f msgs_per_s=%.0f",
                          static_cast<long long>(s.count), elapsed_ns() / 1e6, static_cast<double>(s.count) / (elapsed_ns() / 1e9));
            return line;
        }
        for (std::int64_t i = 0; i < s.count; ++i) {
            auto v = r.target.call([&](ractor::reply_port<std::int64_t> p) { return service_message{sm::echo{i, std::move(p)}}; });
            if (!v.ok() || v.value() != i) return "ERROR call " + std::to_string(i) + " failed";
        }
        const double ns = elapsed_ns();
        std::snprintf(line, sizeof line,
                      "RESULT system=ractor-cpp workload=remote_call calls=%lld total_ms=%.1f calls_per_s=%.0f ns_per_call=%.0f",
                      static_cast<long long>(s.count), ns / 1e6, static_cast<double>(s.count) / (ns / 1e9), ns / static_cast<double>(s.count));
        return line;
    }
};

}  // namespace

int run_bench(const common_flags& f, const bench_settings& s) {
    ractor::asio_backend::runtime_host host({.threads = f.threads});
    ractor::actor_system sys(host.add_node(f.name));
    ractor::cluster::node node(sys, node_options_for(f, ""));
    node.register_message<service_message>(service_type);
    auto downs = std::make_shared<std::atomic<int>>(0);
    node.monitor_nodes(sys.spawn(down_counter{}, downs));
    node.connect(s.address);
    for (int i = 0; i < 500 && node.nodes().empty(); ++i) std::this_thread::sleep_for(10ms);
    if (node.nodes().empty()) {
        std::fprintf(stderr, "ractor-node: no session with %s after 5 s\n", s.address.c_str());
        return ractor::tool::exit_status::run_failed;
    }
    auto target = node.where_is<service_message>(node.nodes().front(), "service");
    if (!target) {
        std::fprintf(stderr, "ractor-node: %s\n", target.error().c_str());
        return ractor::tool::exit_status::run_failed;
    }
    auto driver = sys.spawn(bench_driver{});
    auto line = driver.call([&](ractor::reply_port<std::string> p) {
        return bench_request{s, target.value(), downs, std::move(p)};
    });
    node.shutdown();
    sys.shutdown();
    if (!line.ok() || line.value().rfind("RESULT", 0) != 0) {
        std::fprintf(stderr, "ractor-node: %s\n", line.ok() ? line.value().c_str() : "the benchmark did not finish");
        return ractor::tool::exit_status::run_failed;
    }
    say(line.value() + " threads=" + std::to_string(f.threads));
    return ractor::tool::exit_status::passed;
}

}  // namespace ractor_node
