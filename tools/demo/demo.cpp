// ractor-demo: a supervised job service and a three-node cluster, each run on the simulator
// (twice, to show replay) and then, unchanged, on the real multi-threaded runtime.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/cluster/node.hpp>
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


// ---- the cluster scenario -------------------------------------------------------------

/// A greeting that crosses the wire; the greeter answers with its node's name.
struct greet {
    std::string from;
    ractor::reply_port<std::string> port;
};

}  // namespace

template <>
struct nlohmann::adl_serializer<greet> {
    static void to_json(json& j, const greet& g) { j = json{{"from", g.from}, {"port", g.port}}; }
    static greet from_json(const json& j) {
        return {j.at("from").get<std::string>(), j.at("port").get<ractor::reply_port<std::string>>()};
    }
};

namespace {

struct greeter : ractor::actor<greet, std::string, std::string> {
    std::string pre_start(ractor::actor_ref<greet>, std::string node) { return node; }
    void handle(ractor::actor_ref<greet>, greet g, std::string& node) { g.port.send(node + " greets " + g.from); }
};

/// Keeps the node events a node's monitor saw, in order.
struct event_log {
    std::mutex mutex;
    std::vector<std::string> lines;
};
struct node_watcher : ractor::actor<ractor::cluster::node_event, std::monostate, std::shared_ptr<event_log>> {
    std::shared_ptr<event_log> log;
    std::monostate pre_start(ractor::actor_ref<ractor::cluster::node_event>, std::shared_ptr<event_log> l) {
        log = std::move(l);
        return {};
    }
    void handle(ractor::actor_ref<ractor::cluster::node_event>, ractor::cluster::node_event e, std::monostate&) {
        std::lock_guard g(log->mutex);
        log->lines.push_back((e.what == ractor::cluster::node_event::kind::up ? "up " : "down ") + e.node);
    }
};

struct idle : ractor::actor<int> {
    void handle(ractor::actor_ref<int>, int, std::monostate&) {}
};

/// Waits on the runtime's clock (virtual in the simulator) until `done`, at most 10 s.
bool eventually(ractor::actor_system& sys, const std::function<bool()>& done) {
    auto sleeper = sys.spawn(idle{});
    bool ok = done();
    for (int i = 0; i < 1000 && !ok; ++i) {
        sleeper.wait_for(std::chrono::milliseconds(10));
        ok = done();
    }
    sleeper.stop();
    return ok;
}

/// How a backend cuts node n3 off from every other node and mends it: a partition and a
/// heal of the simulated network, or of the host's TCP connections on the real runtime.
struct disruption {
    std::function<void(std::uint64_t n3)> cut;
    std::function<void(std::uint64_t n3)> mend;
};

/// One node of the demo cluster: its actor system and its cluster node, which greets.
struct member {
    std::unique_ptr<ractor::actor_system> sys;
    std::unique_ptr<ractor::cluster::node> node;
};

member start_member(const std::function<const ractor::runtime&(std::string)>& add_node,
                    const std::function<std::string(std::string)>& listen_address,
                    const std::string& name) {
    member m;
    m.sys = std::make_unique<ractor::actor_system>(add_node(name));
    ractor::cluster::node_options o;
    o.name = name;
    o.cookie = "demo-cookie";
    o.listen_address = listen_address(name);
    o.heartbeat_interval = std::chrono::milliseconds(100);
    o.node_down_timeout = std::chrono::milliseconds(500);
    o.reconnect_backoff_min = std::chrono::milliseconds(50);
    m.node = std::make_unique<ractor::cluster::node>(*m.sys, o);
    m.node->register_message<greet>("demo.greet");
    m.sys->groups().join("greeters", {m.sys->spawn(greeter{}, name, {.name = "greeter"})});
    return m;
}

/// Three nodes on one backend: a mesh, greetings by remote call to every node's registered
/// greeter, a process group spanning the nodes; then n3 is partitioned off and healed, and
/// n1 greets it again. The same code runs on both backends; only `add_node`, the listen
/// address and who cuts the network differ.
void run_cluster(const std::function<const ractor::runtime&(std::string)>& add_node,
                 const std::function<std::string(std::string)>& listen_address, const disruption& d) {
    std::vector<member> nodes;
    for (std::string name : {"n1", "n2", "n3"}) {
        nodes.push_back(start_member(add_node, listen_address, name));
    }
    auto& n1 = *nodes[0].node;
    auto& sys1 = *nodes[0].sys;
    auto events = std::make_shared<event_log>();
    n1.monitor_nodes(sys1.spawn(node_watcher{}, events));
    nodes[1].node->connect(n1.address());
    nodes[2].node->connect(n1.address());
    nodes[2].node->connect(nodes[1].node->address());

    auto members = [&] { return sys1.groups().get_members("greeters").size(); };
    auto greet_all = [&](const char* when) {
        std::string replies;
        for (const std::string peer : {"n2", "n3"}) {
            auto to = n1.where_is<greet>(peer, "greeter");
            auto r = to ? to.value().call([](ractor::reply_port<std::string> p) { return greet{"n1", std::move(p)}; },
                                          std::chrono::seconds(1))
                        : ractor::call_result<std::string>::sender_error(to.error());
            replies += "  [" + (r.ok() ? r.value() : std::string("no answer: ") + (r.is_timeout() ? "timeout" : r.error())) + "]";
        }
        std::printf("    %-22s n1 sees %zu group members;%s\n", when, members(), replies.c_str());
    };

    bool mesh = eventually(sys1, [&] { return n1.nodes().size() == 2 && nodes[1].node->nodes().size() == 2 && members() == 3; });
    std::printf("    mesh of 3 nodes %s\n", mesh ? "formed" : "did NOT form");
    greet_all("before the fault:");
    d.cut(nodes[2].sys->node_id());
    const bool down = eventually(sys1, [&] {
        std::lock_guard g(events->mutex);
        return std::find(events->lines.begin(), events->lines.end(), "down n3") != events->lines.end();
    });
    std::printf("    n3 partitioned from n1 and n2 (both ways); n1 %s\n", down ? "saw it go down" : "did NOT see it go down");
    greet_all("while n3 is cut off:");
    d.mend(nodes[2].sys->node_id());
    std::printf("    partition healed\n");
    bool back = eventually(sys1, [&] { return n1.is_connected("n3") && members() == 3; });
    greet_all(back ? "after the repair:" : "n3 did NOT come back:");
    std::string seen;
    {
        std::lock_guard g(events->mutex);
        for (const auto& e : events->lines) seen += (seen.empty() ? "" : ", ") + e;
    }
    std::printf("    node events seen by n1: %s\n", seen.c_str());
    for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) it->node->shutdown();
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

    std::printf("\n3. a cluster of 3 nodes on the simulated network (seed 7), run twice:\n");
    std::uint64_t cluster_hashes[2];
    for (int run = 0; run < 2; ++run) {
        auto t0 = std::chrono::steady_clock::now();
        ractor::sim::world world(7);
        disruption partition{[&](std::uint64_t n3) { world.partition(n3, 0); },
                             [&](std::uint64_t n3) { world.heal(n3, 0); }};
        run_cluster([&](std::string name) -> const ractor::runtime& { return world.add_node(std::move(name)); },
                    [](std::string name) { return name; }, partition);
        cluster_hashes[run] = world.trace_hash();
        std::printf("  %s: trace hash %016llx, virtual time %.1f ms, wall %.1f ms\n\n",
                    run == 0 ? "sim, first run" : "sim, replay",
                    static_cast<unsigned long long>(world.trace_hash()),
                    std::chrono::duration<double, std::milli>(world.now() - ractor::time_point{}).count(), ms_since(t0));
    }
    std::printf("  replay %s\n\n",
                cluster_hashes[0] == cluster_hashes[1] ? "identical: same seed, same trace" : "DIFFERS (bug!)");

    std::printf("4. the same cluster code on the real runtime, TCP on 127.0.0.1:\n");
    {
        auto t0 = std::chrono::steady_clock::now();
        ractor::asio_backend::runtime_host host({.threads = 2});
        disruption partition{[&](std::uint64_t n3) { host.partition(n3, 0); },
                             [&](std::uint64_t n3) { host.heal(n3, 0); }};
        run_cluster([&](std::string name) -> const ractor::runtime& { return host.add_node(std::move(name)); },
                    [](std::string) { return std::string("127.0.0.1:0"); }, partition);
        std::printf("  asio: wall %.1f ms\n", ms_since(t0));
    }
    return hashes[0] == hashes[1] && cluster_hashes[0] == cluster_hashes[1] ? 0 : 1;
}
