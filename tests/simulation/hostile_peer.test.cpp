// Many seeds of a two-node cluster beside a hostile node that does not know the cookie: it
// replays and mutates real handshake frames (its own and the ones n1 sends it), reflects
// n1's challenges back at n1, claims the names of n1 and n2, and sends garbage. On every seed
// no hostile connection may get a session, displace n2's, crash a node, or change an answer.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ractor/cluster/handshake_machine.hpp>
#include <ractor/cluster/node.hpp>
#include <ractor/cluster/wire.hpp>
#include <ractor/prng.hpp>
#include <ractor/ractor.hpp>
#include <ractor/sim/world.hpp>

#include "support/backends.hpp"
#include "support/cluster_fixture.hpp"
#include "support/cluster_messages.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;
using cluster::frame;
using cluster::frame_type;
using json = nlohmann::json;

namespace {

constexpr duration workload_end = 2s;

/// What a run shares with the test, outside every actor system.
struct hostile_log {
    int calls_ok = 0;
    int calls_wrong = 0;
    int calls_failed = 0;
    int attacks = 0;
    int answered_with_a_proof = 0;  ///< frames n1 sent the hostile node that carried a proof
};
using hostile_log_ptr = std::shared_ptr<hostile_log>;

struct tick {};
struct caller_state {
    cluster::node* node = nullptr;
    hostile_log_ptr log;
    std::uint64_t next = 0;
};

/// n2's client: calls n1's echo every 50 ms and checks the answer.
struct caller : actor<tick, caller_state, caller_state> {
    caller_state pre_start(actor_ref<tick> self, caller_state s) {
        send_after(self, 100ms, tick{});
        return s;
    }
    void handle(actor_ref<tick> self, tick, caller_state& s) {
        if (self.system().runtime().clock.now() >= time_point(workload_end)) return;
        auto found = s.node->where_is<echo_message>("n1", "echo", 200ms);
        if (found) {
            const std::string word = "w" + std::to_string(s.next++);
            auto r = found.value().call([&](reply_port<std::string> p) { return echo_message{echo_msg::shout{word, std::move(p)}}; },
                                        300ms);
            if (!r.ok()) ++s.log->calls_failed;
            else if (r.value() == word + "!") ++s.log->calls_ok;
            else ++s.log->calls_wrong;
        } else {
            ++s.log->calls_failed;
        }
        send_after(self, 50ms, tick{});
    }
};

/// A real frame with seeded damage: bytes flipped, cut, grown, or its type or sequence changed.
frame_bytes mutate(frame_bytes f, prng& rng) {
    switch (rng.below(5)) {
        case 0:
            for (std::uint64_t i = 0, n = 1 + rng.below(4); i < n && !f.empty(); ++i) f[rng.below(f.size())] ^= static_cast<std::uint8_t>(1 + rng.below(255));
            break;
        case 1: f.resize(rng.below(f.size() + 1)); break;
        case 2:
            for (std::uint64_t i = 0, n = rng.below(64); i < n; ++i) f.push_back(static_cast<std::uint8_t>(rng.below(256)));
            break;
        case 3:
            if (f.size() > 1) f[1] = static_cast<std::uint8_t>(rng.below(25));
            break;
        default:
            if (f.size() > 9) f[9] = static_cast<std::uint8_t>(rng.below(4));
            break;
    }
    return f;
}

struct hostile_state {
    hostile_log_ptr log;
    std::vector<frame_bytes> seen;  ///< every frame n1 sent us, and every frame we sent
};

/// Attacks n1 until the workload ends, one connection per attack.
struct hostile : actor<tick, hostile_state, hostile_log_ptr> {
    hostile_state pre_start(actor_ref<tick>, hostile_log_ptr log) { return {std::move(log), {}}; }

    void post_start(actor_ref<tick> self, hostile_state& s) {
        const runtime& rt = self.system().runtime();
        prng rng(rt.entropy.next_u64(), 0x4057u);
        while (rt.clock.now() < time_point(workload_end)) {
            attack(rt, rng, s);
            ++s.log->attacks;
        }
    }

    void handle(actor_ref<tick>, tick, hostile_state&) {}

    static void attack(const runtime& rt, prng& rng, hostile_state& s) {
        auto c = rt.net->connect("n1", rt.clock.now() + 200ms);
        if (!c.connection) return;
        auto& conn = *c.connection;
        const char* names[] = {"n2", "n1", "h", "xn1"};
        auto m = cluster::handshake_machine::dialler({names[rng.below(4)], "guessed", rt.node_id, rng.next_u64()},
                                                     cluster::make_challenge(rt.entropy));
        std::uint64_t seq = 0;
        auto send = [&](frame f) {
            f.seq = seq++;
            auto bytes = *cluster::encode_frame(f, 1 << 20);
            s.seen.push_back(bytes);
            conn.send(frame_bytes(bytes));
        };
        const std::uint64_t plan = rng.below(4);
        if (plan == 0 && !s.seen.empty()) {
            conn.send(mutate(s.seen[rng.below(s.seen.size())], rng));  // a replayed, damaged frame
        } else if (plan == 1 && !s.seen.empty()) {
            for (std::uint64_t i = 0, n = 1 + rng.below(3); i < n; ++i) conn.send(frame_bytes(s.seen[rng.below(s.seen.size())]));
        } else {
            send(m.hello());
        }
        for (int step = 0; step < 4; ++step) {
            received_frame r = conn.receive(rt.clock.now() + 100ms);
            if (r.what != received_frame::kind::frame) break;
            s.seen.push_back(r.bytes);
            auto d = cluster::decode_frame(r.bytes, 1 << 20);
            if (d.frame && d.frame->body.contains("proof")) ++s.log->answered_with_a_proof;
            if (!d.frame) break;
            auto next = m.on_frame(*d.frame);
            if (next.out) {
                if (rng.below(2) == 0) send(*next.out);
                else conn.send(mutate(*cluster::encode_frame(*next.out, 1 << 20), rng));
            }
        }
        if (s.seen.size() > 64) s.seen.erase(s.seen.begin(), s.seen.begin() + 32);
        conn.close();
    }
};

struct hostile_report {
    std::vector<std::string> violations;
    int attacks = 0;
    int calls_ok = 0;
};

cluster::node_options options(const std::string& name) {
    cluster::node_options o;
    o.name = name;
    o.cookie = "the real cookie";
    o.listen_address = name;
    o.heartbeat_interval = 50ms;
    o.node_down_timeout = 400ms;
    o.reconnect_backoff_min = 20ms;
    o.connect_timeout = 300ms;
    o.lookup_timeout = 300ms;
    return o;
}

hostile_report run_seed(std::uint64_t seed) {
    hostile_report report;
    auto log = std::make_shared<hostile_log>();
    auto events = make_log();
    sim::world world(seed);
    actor_system s1(world.add_node("n1")), s2(world.add_node("n2")), sh(world.add_node("h"));
    cluster::node n1(s1, options("n1")), n2(s2, options("n2"));
    n1.register_message<echo_message>("echo");
    n2.register_message<echo_message>("echo");
    s1.spawn(echo{}, make_log(), {.name = "echo"});
    n1.monitor_nodes(s1.spawn(node_watcher{}, events));
    n2.connect("n1");
    s2.spawn(caller{}, caller_state{&n2, log, 0});
    sh.spawn(hostile{}, log);
    world.run_for(workload_end + 300ms);

    const auto stats = n1.stats();
    if (n1.nodes() != std::vector<std::string>{"n2"}) report.violations.push_back("n1 is connected to other nodes than n2");
    if (stats.sessions_up != 1) report.violations.push_back("n1 made " + std::to_string(stats.sessions_up) + " sessions");
    for (const auto& e : events->lines()) {
        if (e != "up n2") report.violations.push_back("n1 saw '" + e + "'");
    }
    if (log->calls_wrong > 0) report.violations.push_back(std::to_string(log->calls_wrong) + " wrong answers");
    if (log->calls_failed > 0) report.violations.push_back(std::to_string(log->calls_failed) + " failed calls");
    if (log->answered_with_a_proof > 0) report.violations.push_back("n1 sent the hostile node a proof");
    report.attacks = log->attacks;
    report.calls_ok = log->calls_ok;
    n2.shutdown();
    n1.shutdown();
    return report;
}

std::uint64_t seed_count() {
    const char* v = std::getenv("RACTOR_EXPLORE_SEEDS");
    return v ? std::strtoull(v, nullptr, 10) : 100;
}

}  // namespace

TEST_CASE("a hostile node that replays and mutates real frames never gets in, over many seeds",
          "[simulation][cluster][security]") {
    const std::uint64_t first = testing::test_seed();
    std::vector<std::string> failures;
    int attacks = 0, calls = 0;
    for (std::uint64_t seed = first; seed < first + seed_count(); ++seed) {
        const hostile_report r = run_seed(seed);
        attacks += r.attacks;
        calls += r.calls_ok;
        for (const auto& v : r.violations) {
            failures.push_back("seed " + std::to_string(seed) + ": " + v + "  (replay: RACTOR_SEED=" + std::to_string(seed) +
                               " RACTOR_EXPLORE_SEEDS=1 ractor_tests \"[#hostile_peer.test]\")");
        }
    }
    std::string all;
    for (const auto& f : failures) all += f + "\n";
    INFO(all);
    CHECK(failures.empty());
    // The attacks ran and the honest traffic flowed beside them, or nothing was explored.
    CHECK(attacks > 100 * static_cast<int>(seed_count()));
    CHECK(calls > 20 * static_cast<int>(seed_count()));
}
