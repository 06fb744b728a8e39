// Faults of the simulated network: loss, duplication, delay, partitions, clogs, resets and
// swizzles, as world calls and in fault plans; each is observable and recorded in the trace.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ractor/ractor.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/fault_plan_file.hpp>
#include <ractor/sim/world.hpp>

using namespace std::chrono_literals;
using ractor::actor_ref;
using ractor::actor_system;
using ractor::frame_bytes;
using ractor::frame_send_status;
using ractor::received_frame;
using ractor::trace_kind;
using ractor::sim::fault_plan;
using ractor::sim::world;
using ractor::sim::world_options;

namespace {

world_options fixed_latency(ractor::duration latency) {
    world_options o;
    o.network.base_latency = latency;
    o.network.jitter = ractor::duration::zero();
    return o;
}

frame_bytes frame_of(int n) { return frame_bytes{static_cast<std::uint8_t>(n)}; }

/// Both ends of one connection from node `from` to the listener `address` on node `to`.
struct link_pair {
    std::unique_ptr<ractor::listener> listener;
    std::unique_ptr<ractor::connection> client;
    std::unique_ptr<ractor::connection> server;
};

link_pair open_pair(world& w, std::uint64_t from, std::uint64_t to, const std::string& address) {
    link_pair p;
    p.listener = w.node(to).net->listen(address).listener;
    REQUIRE(p.listener);
    p.client = w.node(from).net->connect(address, std::nullopt).connection;
    REQUIRE(p.client);
    p.server = p.listener->accept();
    REQUIRE(p.server);
    return p;
}

/// Every frame `c` receives until nothing arrives for `quiet` of virtual time (or it closes),
/// as the first byte of each.
std::vector<int> drain(world& w, std::uint64_t node, ractor::connection& c, ractor::duration quiet = 50ms) {
    std::vector<int> got;
    for (;;) {
        const received_frame r = c.receive(w.node(node).clock.now() + quiet);
        if (r.what != received_frame::kind::frame) return got;
        got.push_back(r.bytes.at(0));
    }
}

std::vector<int> range(int from, int to) {
    std::vector<int> v;
    for (int i = from; i < to; ++i) v.push_back(i);
    return v;
}

std::size_t count_faults(const world& w, const std::string& prefix) {
    return static_cast<std::size_t>(std::count_if(w.events().begin(), w.events().end(), [&](const auto& e) {
        return e.kind == trace_kind::fault && e.text.starts_with(prefix);
    }));
}

bool has_fault(const world& w, const std::string& text) {
    return std::any_of(w.events().begin(), w.events().end(),
                       [&](const auto& e) { return e.kind == trace_kind::fault && e.text == text; });
}

fault_plan plan_with(ractor::sim::link_fault f, std::uint64_t seed = 0) {
    fault_plan plan;
    plan.seed = seed;
    plan.link_faults.push_back(f);
    return plan;
}

}  // namespace

TEST_CASE("network faults: loss drops frames of one direction only", "[sim][network_faults]") {
    world w(1);
    w.add_node("n1");
    w.add_node("n2");
    auto p = open_pair(w, 1, 2, "n2");
    w.apply(plan_with({.from = 1, .to = 2, .loss = 1.0}));
    for (int i = 0; i < 10; ++i) {
        CHECK(p.client->send(frame_of(i)) == frame_send_status::sent);  // a lost frame was still sent
        CHECK(p.server->send(frame_of(i)) == frame_send_status::sent);
    }
    CHECK(drain(w, 2, *p.server).empty());
    CHECK(drain(w, 1, *p.client) == range(0, 10));
    CHECK(count_faults(w, "net lose frame c1 ") == 10);

    // A partial loss keeps what arrives in order.
    w.apply(plan_with({.loss = 0.5}, 3));
    for (int i = 0; i < 100; ++i) p.client->send(frame_of(i));
    const std::vector<int> got = drain(w, 2, *p.server);
    CHECK(got.size() > 20);
    CHECK(got.size() < 80);
    CHECK(std::is_sorted(got.begin(), got.end()));
    CHECK(count_faults(w, "net lose frame c1 ") == 10 + 100 - got.size());
    // The tallies count what each rule did: every loss of the first plan, each loss of the second.
    std::vector<std::uint64_t> link_fired;
    for (const auto& t : w.fault_tallies()) {
        if (t.kind == "link_fault") link_fired.push_back(t.fired);
    }
    CHECK(link_fired == std::vector<std::uint64_t>{10, 100 - got.size()});
}

TEST_CASE("network faults: duplication delivers frames twice, connect notices once", "[sim][network_faults]") {
    world w(2);
    w.add_node("n1");
    w.add_node("n2");
    w.apply(plan_with({.duplicate = 1.0}));
    auto p = open_pair(w, 1, 2, "n2");  // the connect handshake is not duplicated
    for (int i = 0; i < 3; ++i) p.client->send(frame_of(i));
    CHECK(drain(w, 2, *p.server) == std::vector<int>{0, 0, 1, 1, 2, 2});
    CHECK(count_faults(w, "net duplicate frame c1") == 3);
    REQUIRE(w.fault_tallies().size() == 1);
    CHECK(w.fault_tallies()[0].entry == "link_faults[0]");
    CHECK(w.fault_tallies()[0].fired == 3);  // the connect handshake's packets are not data
    const auto accepts = std::count_if(w.events().begin(), w.events().end(), [](const auto& e) {
        return e.kind == trace_kind::net && e.text.starts_with("accept ");
    });
    CHECK(accepts == 1);
}

TEST_CASE("network faults: delay adds latency to every packet of a link", "[sim][network_faults]") {
    world w(3, fixed_latency(1ms));
    w.add_node("n1");
    w.add_node("n2");
    auto p = open_pair(w, 1, 2, "n2");
    w.apply(plan_with({.from = 1, .to = 2, .delay = 10ms}));
    const auto sent = w.now();
    p.client->send(frame_of(7));
    REQUIRE(p.server->receive(std::nullopt).what == received_frame::kind::frame);
    CHECK(w.now() - sent == 11ms);
    // The other direction keeps its plain latency.
    const auto back = w.now();
    p.server->send(frame_of(8));
    REQUIRE(p.client->receive(std::nullopt).what == received_frame::kind::frame);
    CHECK(w.now() - back == 1ms);
}

TEST_CASE("network faults: a one-way partition blocks one direction and connects across it",
          "[sim][network_faults]") {
    world w(4, fixed_latency(1ms));
    w.add_node("n1");
    w.add_node("n2");
    auto p = open_pair(w, 1, 2, "n2");
    w.partition(1, 2, false);
    CHECK(has_fault(w, "partition 1->2"));
    for (int i = 0; i < 5; ++i) {
        p.client->send(frame_of(i));
        p.server->send(frame_of(i));
    }
    CHECK(drain(w, 2, *p.server).empty());
    CHECK(drain(w, 1, *p.client) == range(0, 5));
    CHECK(count_faults(w, "net drop frame c1 1->2: partitioned") == 5);
    auto lone = w.node(1).net->connect("n2", w.node(1).clock.now() + 100ms);
    CHECK(lone.error == "cannot connect to n2: connection timed out");

    w.heal(1, 2);
    CHECK(has_fault(w, "heal 1<->2"));
    p.client->send(frame_of(9));
    CHECK(drain(w, 2, *p.server) == std::vector<int>{9});  // new traffic only: the dropped frames stay lost
    CHECK(w.node(1).net->connect("n2", std::nullopt).connection);
}

TEST_CASE("network faults: a two-way partition blocks both directions until healed", "[sim][network_faults]") {
    world w(5);
    w.add_node("n1");
    w.add_node("n2");
    w.add_node("n3");
    auto p = open_pair(w, 1, 2, "n2");
    auto q = open_pair(w, 1, 3, "n3");
    w.partition(2, 0);  // node 2 against everybody
    p.client->send(frame_of(1));
    p.server->send(frame_of(2));
    q.client->send(frame_of(3));
    CHECK(drain(w, 2, *p.server).empty());
    CHECK(drain(w, 1, *p.client).empty());
    CHECK(drain(w, 3, *q.server) == std::vector<int>{3});
    w.heal();
    p.client->send(frame_of(4));
    p.server->send(frame_of(5));
    CHECK(drain(w, 2, *p.server) == std::vector<int>{4});
    CHECK(drain(w, 1, *p.client) == std::vector<int>{5});
}

TEST_CASE("network faults: a clog holds frames and its release delivers them in order", "[sim][network_faults]") {
    world w(6);
    w.add_node("n1");
    w.add_node("n2");
    auto p = open_pair(w, 1, 2, "n2");
    // Some frames in flight before the clog still arrive; later ones are held.
    for (int i = 0; i < 5; ++i) p.client->send(frame_of(i));
    w.clog(1, 2, false);
    for (int i = 5; i < 50; ++i) p.client->send(frame_of(i));
    CHECK(drain(w, 2, *p.server, 1s) == range(0, 5));
    CHECK(count_faults(w, "net hold frame c1") == 45);
    w.release(1, 2);
    CHECK(has_fault(w, "release 45 held packets"));
    CHECK(drain(w, 2, *p.server) == range(5, 50));
}

namespace {

using log_ptr = std::shared_ptr<std::vector<int>>;

/// On any message, receives frames from `conn` until it closes, logging their first bytes.
struct collector : ractor::actor<int> {
    std::shared_ptr<ractor::connection> conn;
    log_ptr got;
    void handle(actor_ref<int>, int, std::monostate&) {
        for (;;) {
            const received_frame r = conn->receive(std::nullopt);
            if (r.what != received_frame::kind::frame) return;
            got->push_back(r.bytes.at(0));
        }
    }
};

}  // namespace

TEST_CASE("network faults: a parked actor wakes when a clogged link is released", "[sim][network_faults]") {
    world w(7, fixed_latency(1ms));
    auto& rt2 = w.add_node("n2");
    w.add_node("n1");
    auto p = open_pair(w, 2, 1, "n1");
    auto got = std::make_shared<std::vector<int>>();
    {
        actor_system sys(rt2);
        collector c;
        c.conn = std::move(p.client);
        c.got = got;
        auto a = sys.spawn(std::move(c));
        a.cast(0);
        w.clog(0, 0);
        for (int i = 0; i < 3; ++i) p.server->send(frame_of(i));
        w.run_for(10s);
        CHECK(got->empty());
        w.release();
        w.run_for(10ms);
        CHECK(*got == range(0, 3));
        p.server->close();
        w.run();
    }
}

TEST_CASE("network faults: a reset closes both ends at once", "[sim][network_faults]") {
    world w(8);
    w.add_node("n1");
    w.add_node("n2");
    w.add_node("n3");
    auto p = open_pair(w, 1, 2, "n2");
    auto q = open_pair(w, 1, 3, "n3");
    const auto t = w.now();
    w.reset_connections(2, 1);
    CHECK(has_fault(w, "reset 2<->1: 1 connections"));
    const received_frame a = p.client->receive(std::nullopt);
    const received_frame b = p.server->receive(std::nullopt);
    CHECK(a.what == received_frame::kind::closed);
    CHECK(a.reason == "connection reset");
    CHECK(b.what == received_frame::kind::closed);
    CHECK(w.now() == t);
    CHECK(p.client->send(frame_of(1)) == frame_send_status::closed);
    CHECK(p.server->send(frame_of(1)) == frame_send_status::closed);
    // Other connections are untouched, and new ones work.
    q.client->send(frame_of(2));
    CHECK(drain(w, 3, *q.server) == std::vector<int>{2});
    auto again = w.node(1).net->connect("n2", std::nullopt);
    CHECK(again.connection);
}

TEST_CASE("network faults: a swizzle clogs nodes one by one, then releases them all", "[sim][network_faults]") {
    world w(9, fixed_latency(1ms));
    w.add_node("n1");
    w.add_node("n2");
    w.add_node("n3");
    auto p = open_pair(w, 1, 2, "n2");
    auto q = open_pair(w, 3, 2, "n2b");
    const auto start = w.now();
    w.swizzle({1, 2, 3}, 10ms);
    w.run_for(25ms);  // all three clogged now
    for (int i = 0; i < 4; ++i) {
        p.client->send(frame_of(i));
        q.client->send(frame_of(10 + i));
    }
    CHECK(count_faults(w, "net hold frame") == 8);
    w.run();
    std::vector<std::int64_t> clogs;
    std::vector<std::int64_t> releases;
    std::vector<std::string> released;
    for (const auto& e : w.events()) {
        if (e.kind != trace_kind::fault) continue;
        const auto at = (e.time_ns - start.time_since_epoch().count()) / 1'000'000;
        if (e.text.starts_with("swizzle clog node ")) clogs.push_back(at);
        if (e.text.starts_with("swizzle release node ")) {
            releases.push_back(at);
            released.push_back(e.text.substr(21));
        }
    }
    CHECK(clogs == std::vector<std::int64_t>{0, 10, 20});
    CHECK(releases == std::vector<std::int64_t>{30, 40, 50});
    std::sort(released.begin(), released.end());
    CHECK(released == std::vector<std::string>{"1", "2", "3"});
    CHECK(drain(w, 2, *p.server) == range(0, 4));
    CHECK(drain(w, 2, *q.server) == range(10, 14));
}

TEST_CASE("network faults: timed partitions, clogs and resets of a fault plan", "[sim][network_faults]") {
    world w(10, fixed_latency(1ms));
    w.add_node("n1");
    w.add_node("n2");
    auto p = open_pair(w, 1, 2, "n2");
    fault_plan plan;
    plan.partitions.push_back({.at = 1s, .from = 1, .to = 2, .two_way = true, .heal_at = 2s});
    plan.clogs.push_back({.at = 3s, .from = 2, .to = 1, .two_way = false, .release_at = 4s});
    plan.resets.push_back({.at = 5s, .from = 1, .to = 2});
    w.apply(plan);
    const auto at = [&](ractor::duration d) { w.run_for(d - w.now().time_since_epoch()); };
    at(1500ms);
    p.client->send(frame_of(1));  // partitioned: lost
    at(2500ms);
    p.client->send(frame_of(2));  // healed: arrives
    CHECK(drain(w, 2, *p.server, 100ms) == std::vector<int>{2});
    at(3500ms);
    p.server->send(frame_of(3));  // clogged: held until 4 s
    const received_frame r = p.client->receive(std::nullopt);
    CHECK(r.bytes == frame_of(3));
    CHECK(w.now().time_since_epoch() == 4s + 1ms);
    const received_frame closed = p.client->receive(std::nullopt);
    CHECK(closed.what == received_frame::kind::closed);
    CHECK(w.now().time_since_epoch() == 5s);
    CHECK(has_fault(w, "partition 1<->2"));
    CHECK(has_fault(w, "heal 1<->2"));
    CHECK(has_fault(w, "clog 2->1"));
    CHECK(has_fault(w, "release 2<->1"));
    CHECK(has_fault(w, "reset 1<->2: 1 connections"));
}

TEST_CASE("network faults: fault plans with network faults round-trip through JSON", "[sim][network_faults]") {
    fault_plan plan;
    plan.seed = 5;
    plan.link_faults.push_back({.from = 1, .to = 2, .loss = 0.25, .duplicate = 0.5, .delay = 3ms, .since = 1s,
                                .until = 9s});
    plan.link_faults.push_back({.loss = 0.01});
    plan.partitions.push_back({.at = 1s, .from = 1, .to = 0, .two_way = false, .heal_at = 2s});
    plan.partitions.push_back({.at = 3s, .from = 2, .to = 3});
    plan.heals.push_back({.at = 4s});
    plan.clogs.push_back({.at = 5s, .from = 1, .to = 2, .two_way = true, .release_at = 6s});
    plan.resets.push_back({.at = 7s, .from = 2});
    plan.swizzles.push_back({.at = 8s, .nodes = {1, 3}, .interval = 250ms});
    const std::string text = ractor::sim::to_json(plan);
    CHECK(ractor::sim::parse_fault_plan(text) == plan);
    CHECK(ractor::sim::to_json(ractor::sim::parse_fault_plan(text)) == text);

    const fault_plan parsed = ractor::sim::parse_fault_plan(R"({
      "link_faults": [{"from": 1, "loss": 0.1}],
      "partitions": [{"at": "1s", "from": 1, "to": 2, "two_way": false}],
      "heals": [{"at": "2s"}],
      "clogs": [{"at": "3s", "to": 2, "release_at": "4s"}],
      "resets": [{"at": "5s", "from": 1, "to": 2}],
      "swizzles": [{"at": "6s", "interval": "10ms"}]
    })");
    REQUIRE(parsed.link_faults.size() == 1);
    CHECK(parsed.link_faults[0].loss == 0.1);
    CHECK(parsed.link_faults[0].to == 0);
    CHECK_FALSE(parsed.partitions.at(0).two_way);
    CHECK(parsed.clogs.at(0).two_way);
    CHECK(parsed.clogs.at(0).release_at == std::optional<ractor::duration>(4s));
    CHECK(parsed.swizzles.at(0).nodes.empty());
    CHECK(parsed.swizzles.at(0).interval == 10ms);
    // A plan without network faults writes no network keys.
    CHECK(ractor::sim::to_json(fault_plan{}).find("partitions") == std::string::npos);

    const auto error = [](const char* json) {
        try {
            (void)ractor::sim::parse_fault_plan(json);
        } catch (const ractor::sim::fault_plan_error& e) {
            return e.field();
        }
        return std::string("no error");
    };
    CHECK(error(R"({"link_faults": [{"loss": 1.5}]})") == "link_faults[0].loss");
    CHECK(error(R"({"link_faults": [{"lose": 0.5}]})") == "link_faults[0].lose");
    CHECK(error(R"({"link_faults": [{"since": "2s", "until": "1s"}]})") == "link_faults[0].until");
    CHECK(error(R"({"partitions": [{"from": 1}]})") == "partitions[0].at");
    CHECK(error(R"({"partitions": [{"at": "1s", "two_way": "yes"}]})") == "partitions[0].two_way");
    CHECK(error(R"({"clogs": [{"at": "2s", "release_at": "1s"}]})") == "clogs[0].release_at");
    CHECK(error(R"({"swizzles": [{"at": "1s", "interval": "0s"}]})") == "swizzles[0].interval");
    CHECK(error(R"({"swizzles": [{"at": "1s", "nodes": [0]}]})") == "swizzles[0].nodes[0]");
    CHECK(error(R"({"resets": [{"at": "-1s"}]})") == "resets[0].at");

    world w(1);
    w.add_node("n1");
    fault_plan bad;
    bad.partitions.push_back({.at = 1s, .from = 1, .to = 5});
    CHECK_THROWS_WITH(w.apply(bad), Catch::Contains("partitions[0].to"));
}

namespace {

/// A run with traffic in both directions under loss, duplication, a clog and a partition;
/// returns the trace hash and what arrived.
std::pair<std::uint64_t, std::vector<int>> faulty_run(std::uint64_t seed, std::uint64_t plan_seed) {
    world w(seed);
    w.add_node("n1");
    w.add_node("n2");
    auto p = open_pair(w, 1, 2, "n2");
    fault_plan plan;
    plan.seed = plan_seed;
    plan.link_faults.push_back({.loss = 0.2, .duplicate = 0.2});
    plan.clogs.push_back({.at = 20ms, .from = 1, .to = 2, .two_way = true, .release_at = 40ms});
    plan.partitions.push_back({.at = 60ms, .from = 2, .to = 1, .two_way = false, .heal_at = 70ms});
    plan.swizzles.push_back({.at = 80ms, .nodes = {}, .interval = 3ms});
    w.apply(plan);
    for (int i = 0; i < 100; ++i) {
        p.client->send(frame_of(i));
        p.server->send(frame_of(i));
        w.run_for(1ms);
    }
    std::vector<int> got = drain(w, 2, *p.server);
    const std::vector<int> back = drain(w, 1, *p.client);
    got.insert(got.end(), back.begin(), back.end());
    return {w.trace_hash(), got};
}

}  // namespace

TEST_CASE("network faults: same seed and plan give the same trace hash", "[sim][network_faults]") {
    const auto a = faulty_run(21, 1);
    const auto b = faulty_run(21, 1);
    CHECK(a.first == b.first);
    CHECK(a.second == b.second);
    CHECK(a.second.size() > 100);
    CHECK(faulty_run(21, 2).first != a.first);  // another plan seed: other losses
    CHECK(faulty_run(22, 1).first != a.first);  // another world seed: other latencies
}

TEST_CASE("network faults: swarm plans draw network loss and duplication per seed", "[sim][network_faults]") {
    int lossy = 0;
    int duplicating = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        const fault_plan plan = ractor::sim::swarm_fault_plan(seed, 0.01);
        CHECK(plan == ractor::sim::swarm_fault_plan(seed, 0.01));
        for (const auto& f : plan.link_faults) {
            lossy += f.loss > 0;
            duplicating += f.duplicate > 0;
        }
    }
    CHECK(lossy > 5);
    CHECK(lossy < 35);
    CHECK(duplicating > 5);
    CHECK(duplicating < 35);
    CHECK(ractor::sim::swarm_fault_plan(1, 0).link_faults.empty());
}

TEST_CASE("network faults: a clog fills the receive window, the sender is pushed back, nothing is lost",
          "[sim][network_faults]") {
    world_options o = fixed_latency(1ms);
    o.network.send_queue_limit = 10;
    o.network.receive_queue_limit = 10;
    world w(31, o);
    w.add_node("n1");
    w.add_node("n2");
    auto p = open_pair(w, 1, 2, "n2");
    w.clog(1, 2, false);
    // Held packets count against the window: ten one-byte frames fill it, ten more fill the
    // send queue, and then the sender hears `busy`, however long the clog lasts.
    int sent = 0;
    while (p.client->send(frame_of(sent)) == frame_send_status::sent) ++sent;
    CHECK(sent == 20);
    w.run_for(1s);
    CHECK(p.client->send(frame_of(sent)) == frame_send_status::busy);
    CHECK(count_faults(w, "net hold") == 10);  // only the window's worth is on the link
    w.release(1, 2);
    CHECK(drain(w, 2, *p.server) == range(0, 20));
    CHECK(p.client->send(frame_of(20)) == frame_send_status::sent);
    CHECK(drain(w, 2, *p.server) == range(20, 21));
}

TEST_CASE("network faults: a reset drops the frames the window held; the writer then hears closed",
          "[sim][network_faults]") {
    world_options o = fixed_latency(1ms);
    o.network.send_queue_limit = 10;
    o.network.receive_queue_limit = 10;
    world w(32, o);
    w.add_node("n1");
    w.add_node("n2");
    auto p = open_pair(w, 1, 2, "n2");
    while (p.client->send(frame_of(0)) == frame_send_status::sent) {
    }
    w.reset_connections(1, 2);
    CHECK(p.client->wait_writable(std::nullopt) == ractor::writable_status::closed);
    CHECK(p.client->send(frame_of(0)) == frame_send_status::closed);
}
