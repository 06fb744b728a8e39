// A small cluster on the simulator: three nodes greet each other across the simulated
// network, one link is cut and healed, and the cluster sees the node leave and return.
//
// Build it with the project (target `example_sim_cluster`) and run it: it prints one line
// per seed and exits 0 when every check held, 1 otherwise.
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/cluster/node.hpp>
#include <ractor/cluster/reply_port_serializer.hpp>
#include <ractor/ractor.hpp>
#include <ractor/sim/world.hpp>

namespace greeting {

/// A call that crosses the wire: the greeter answers "hello WHO from NODE".
struct greet {
    std::string who;
    ractor::reply_port<std::string> port;
};

}  // namespace greeting

/// The JSON form of a greeting (a reply port has no default value, hence the serializer).
template <>
struct nlohmann::adl_serializer<greeting::greet> {
    static void to_json(json& j, const greeting::greet& g) { j = {{"who", g.who}, {"port", g.port}}; }
    static greeting::greet from_json(const json& j) {
        return {j.at("who").get<std::string>(), j.at("port").get<ractor::reply_port<std::string>>()};
    }
};

namespace {

using namespace std::chrono_literals;
using greeting::greet;

/// Answers greetings with its node's name.
struct greeter : ractor::actor<greet, std::string, std::string> {
    std::string pre_start(ractor::actor_ref<greet>, std::string node) { return node; }
    void handle(ractor::actor_ref<greet>, greet g, std::string& node) { g.port.send("hello " + g.who + " from " + node); }
};

struct idle : ractor::actor<int> {
    void handle(ractor::actor_ref<int>, int, std::monostate&) {}
};

void check(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error(what);
}

/// One cluster member: its actor system, its cluster node and its greeter.
struct member {
    member(ractor::sim::world& world, const std::string& name)
        : sys(world.add_node(name)), node(sys, options(name)) {
        node.register_message<greet>("example.greet");
        sys.spawn(greeter{}, name, {.name = "greeter"});
    }
    static ractor::cluster::node_options options(const std::string& name) {
        ractor::cluster::node_options o;
        o.name = name;
        o.cookie = "example cookie";
        o.listen_address = name;  // any unique string on the simulated network
        o.heartbeat_interval = 100ms;
        o.node_down_timeout = 1s;
        o.reconnect_backoff_max = 500ms;
        return o;
    }

    ractor::actor_system sys;
    ractor::cluster::node node;
};

/// Waits (in virtual time, at most 30 s) until `done` holds.
void wait_until(ractor::actor_system& sys, const std::string& what, const std::function<bool()>& done) {
    auto sleeper = sys.spawn(idle{});
    for (int i = 0; i < 300 && !done(); ++i) sleeper.wait_for(100ms);
    sleeper.stop();
    check(done(), "timed out waiting until " + what);
}

std::string greet_on(member& from, const std::string& peer) {
    auto g = from.node.where_is<greet>(peer, "greeter");
    check(g.ok(), "no greeter found on " + peer);
    auto r = g.value().call([&](ractor::reply_port<std::string> p) { return greet{from.node.name(), std::move(p)}; }, 2s);
    check(r.ok(), "the greeter on " + peer + " did not answer");
    return r.value();
}

/// One run of the scenario; returns the trace hash.
std::uint64_t run(std::uint64_t seed) {
    ractor::sim::world world(seed);
    {
        std::vector<std::unique_ptr<member>> m;
        for (const char* name : {"a", "b", "c"}) m.push_back(std::make_unique<member>(world, name));
        member& a = *m[0];
        a.node.connect("b");
        a.node.connect("c");
        const auto both = [&] { return a.node.nodes() == std::vector<std::string>{"b", "c"}; };
        wait_until(a.sys, "a is connected to b and c", both);
        check(greet_on(a, "b") == "hello a from b", "wrong answer from b");
        check(greet_on(a, "c") == "hello a from c", "wrong answer from c");

        world.partition(a.sys.node_id(), m[2]->sys.node_id());  // cut a <-> c
        wait_until(a.sys, "a sees c go", [&] { return !a.node.is_connected("c"); });
        check(greet_on(a, "b") == "hello a from b", "b stopped answering during the partition");

        world.heal();
        wait_until(a.sys, "a reconnects to c", both);
        check(greet_on(a, "c") == "hello a from c", "c does not answer after the heal");
        for (auto& each : m) each->node.shutdown();
    }
    return world.trace_hash();
}

}  // namespace

int main() {
    int failures = 0;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        try {
            const std::uint64_t first = run(seed);
            check(run(seed) == first, "seed " + std::to_string(seed) + " is not deterministic");
            std::printf("seed %llu: ok, trace hash 0x%016llx\n", static_cast<unsigned long long>(seed),
                        static_cast<unsigned long long>(first));
        } catch (const std::exception& e) {
            std::printf("seed %llu: FAILED: %s\n", static_cast<unsigned long long>(seed), e.what());
            ++failures;
        }
    }
    return failures == 0 ? 0 : 1;
}
