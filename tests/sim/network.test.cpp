// The simulated network: listen, connect, send, receive, close and accept between the nodes
// of one world, in virtual time, deterministic for a seed.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/ractor.hpp>
#include <ractor/sim/trace_export.hpp>
#include <ractor/sim/world.hpp>

using namespace std::chrono_literals;
using ractor::actor_ref;
using ractor::actor_system;
using ractor::frame_bytes;
using ractor::frame_send_status;
using ractor::received_frame;
using ractor::sim::world;
using ractor::sim::world_options;

namespace {

using log_ptr = std::shared_ptr<std::vector<std::string>>;

log_ptr make_log() { return std::make_shared<std::vector<std::string>>(); }

frame_bytes bytes_of(const std::string& s) { return frame_bytes(s.begin(), s.end()); }

std::string text_of(const frame_bytes& b) { return std::string(b.begin(), b.end()); }

std::int64_t ms_of(ractor::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// A world whose every packet takes exactly `latency`.
world_options fixed_latency(ractor::duration latency) {
    world_options o;
    o.network.base_latency = latency;
    o.network.jitter = ractor::duration::zero();
    return o;
}

struct echo_args {
    std::shared_ptr<ractor::listener> listener;
    log_ptr log;
};

/// On any message, accepts one connection and echoes its frames until it closes.
struct echo_server : ractor::actor<int, echo_args, echo_args> {
    echo_args pre_start(actor_ref<int>, echo_args a) { return a; }
    void handle(actor_ref<int>, int, echo_args& s) {
        const std::unique_ptr<ractor::connection> conn = s.listener->accept();
        if (!conn) {
            s.log->push_back("no connection");
            return;
        }
        for (;;) {
            received_frame r = conn->receive(std::nullopt);
            if (r.what != received_frame::kind::frame) {
                s.log->push_back("server closed: " + r.reason);
                return;
            }
            conn->send(std::move(r.bytes));
        }
    }
};

struct client_args {
    ractor::transport* net = nullptr;
    ractor::clock* clock = nullptr;
    std::string address;
    std::vector<std::string> frames;
    log_ptr log;
};

/// On any message, connects, sends its frames one at a time and logs each echo with the
/// virtual time (ms) it arrived at, then closes.
struct echo_client : ractor::actor<int, client_args, client_args> {
    client_args pre_start(actor_ref<int>, client_args a) { return a; }
    void handle(actor_ref<int>, int, client_args& s) {
        ractor::connect_result c = s.net->connect(s.address, std::nullopt);
        if (!c.connection) {
            s.log->push_back("connect failed at " + std::to_string(ms_of(s.clock->now())) + ": " + c.error);
            return;
        }
        s.log->push_back("connected at " + std::to_string(ms_of(s.clock->now())));
        for (const std::string& f : s.frames) {
            if (c.connection->send(bytes_of(f)) != frame_send_status::sent) s.log->push_back("send refused");
            const received_frame r = c.connection->receive(std::nullopt);
            s.log->push_back(r.what == received_frame::kind::frame
                                 ? "echo " + text_of(r.bytes) + " at " + std::to_string(ms_of(s.clock->now()))
                                 : "client closed: " + r.reason);
        }
        c.connection->close();
    }
};

/// On any message, accepts one connection and checks that `count` numbered frames arrive in
/// order, then logs how many did.
struct counting_sink : ractor::actor<int, echo_args, echo_args> {
    static constexpr std::uint32_t count = 10'000;
    echo_args pre_start(actor_ref<int>, echo_args a) { return a; }
    void handle(actor_ref<int>, int, echo_args& s) {
        const std::unique_ptr<ractor::connection> conn = s.listener->accept();
        std::uint32_t expected = 0;
        for (;;) {
            const received_frame r = conn->receive(std::nullopt);
            if (r.what != received_frame::kind::frame) break;
            std::uint32_t seq = 0;
            for (std::size_t i = 0; i < 4; ++i)
                seq |= static_cast<std::uint32_t>(r.bytes.at(i)) << (8 * i);
            if (seq != expected) {
                s.log->push_back("out of order: got " + std::to_string(seq) + " expected " + std::to_string(expected));
                return;
            }
            ++expected;
        }
        s.log->push_back("received " + std::to_string(expected));
    }
};

/// On any message, waits for one frame on `conn` and logs what it got.
struct blocked_receiver : ractor::actor<int> {
    std::shared_ptr<ractor::connection> conn;
    log_ptr log;
    void handle(actor_ref<int>, int, std::monostate&) {
        const received_frame r = conn->receive(std::nullopt);
        log->push_back(r.what == received_frame::kind::closed ? "closed: " + r.reason : "other");
    }
};

frame_bytes numbered(std::uint32_t seq) {
    frame_bytes b(16, 0xab);
    for (std::size_t i = 0; i < 4; ++i) b[i] = static_cast<std::uint8_t>(seq >> (8 * i));
    return b;
}

bool has(const log_ptr& l, const std::string& line) {
    return std::find(l->begin(), l->end(), line) != l->end();
}

}  // namespace

TEST_CASE("network: every node's runtime has a transport", "[sim][network]") {
    world w(1);
    auto& a = w.add_node("n1");
    auto& b = w.add_node("n2");
    REQUIRE(a.net != nullptr);
    REQUIRE(b.net != nullptr);
    CHECK(a.net != b.net);
    world_options bad;
    bad.network.jitter = -1ms;
    CHECK_THROWS_AS(world(1, bad), std::invalid_argument);
}

TEST_CASE("network: echo between actors on two nodes, in virtual time", "[sim][network]") {
    world w(2, fixed_latency(1ms));
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    auto log = make_log();
    {
        actor_system s1(rt1);
        actor_system s2(rt2);
        ractor::listen_result l = rt2.net->listen("n2");
        REQUIRE(l.listener);
        CHECK(l.error.empty());
        CHECK(l.listener->address() == "n2");
        auto server = s2.spawn(echo_server{}, {std::shared_ptr<ractor::listener>(std::move(l.listener)), log});
        auto client = s1.spawn(echo_client{}, {rt1.net, &rt1.clock, "n2", {"one", "two", "three"}, log});
        server.cast(0);
        client.cast(0);
        w.run();
    }
    // A connect is one round trip (2 ms); each echo another round trip.
    const std::vector<std::string> expected{"connected at 2", "echo one at 4", "echo two at 6", "echo three at 8",
                                            "server closed: closed by peer"};
    CHECK(*log == expected);
    // Only virtual time passed: the world is at the instant the last close arrived.
    CHECK(ms_of(w.now()) == 9);

    // Each frame's send and deliver share a packet id, and the Perfetto export draws an
    // arrow from the sending node's track to the receiving node's.
    std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> frame_nodes;  // id -> (sender, receiver)
    for (const auto& e : w.events()) {
        if (e.kind != ractor::trace_kind::net || e.peer == 0) continue;
        if (e.text.starts_with("send ")) frame_nodes[e.peer].first = e.node;
        if (e.text.starts_with("deliver ")) frame_nodes[e.peer].second = e.node;
    }
    CHECK(frame_nodes.size() == 6);  // three echoes, each a frame there and back
    for (const auto& [id, ends] : frame_nodes) {
        CHECK(ends.first + ends.second == 3);  // nodes 1 and 2, one each
    }
    std::ostringstream out;
    ractor::sim::write_perfetto(out, w.events(), {});
    const auto trace = nlohmann::json::parse(out.str());
    std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> arrows;  // flow id -> (start pid, end pid)
    for (const auto& ev : trace.at("traceEvents")) {
        if (ev.value("cat", "") != "net") continue;
        if (ev.at("ph") == "s") arrows[ev.at("id").get<std::uint64_t>()].first = ev.at("pid").get<std::uint64_t>();
        if (ev.at("ph") == "f") arrows[ev.at("id").get<std::uint64_t>()].second = ev.at("pid").get<std::uint64_t>();
    }
    CHECK(arrows.size() == 6);
    std::multiset<std::pair<std::uint64_t, std::uint64_t>> drawn, sent;
    for (const auto& [id, ends] : arrows) drawn.insert(ends);
    for (const auto& [id, ends] : frame_nodes) sent.insert(ends);
    CHECK(drawn == sent);
}

TEST_CASE("network: 10,000 frames arrive in the order sent despite random latencies", "[sim][network]") {
    world w(3);
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    auto log = make_log();
    {
        actor_system s2(rt2);
        ractor::listen_result l = rt2.net->listen("sink");
        REQUIRE(l.listener);
        auto sink = s2.spawn(counting_sink{}, {std::shared_ptr<ractor::listener>(std::move(l.listener)), log});
        sink.cast(0);
        // The sending side runs outside actors: connect parks the caller and drives the world.
        ractor::connect_result c = rt1.net->connect("sink", std::nullopt);
        REQUIRE(c.connection);
        for (std::uint32_t i = 0; i < counting_sink::count; ++i) {
            REQUIRE(c.connection->send(numbered(i)) == frame_send_status::sent);
            // Interleave sending with the world, so that frames leave at many instants.
            if (i % 100 == 0) w.run_for(37us);
        }
        c.connection->close();
        w.run();
    }
    REQUIRE(log->size() == 1);
    CHECK(log->front() == "received 10000");
    std::size_t delivered = 0;
    for (const auto& e : w.events()) {
        if (e.kind == ractor::trace_kind::net && e.text.starts_with("deliver c1 ")) ++delivered;
    }
    CHECK(delivered == counting_sink::count);
}

TEST_CASE("network: a connect to an address nobody listens on is refused after a round trip",
          "[sim][network]") {
    world w(4, fixed_latency(3ms));
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    // Never bound at all.
    ractor::connect_result c = rt1.net->connect("nobody", std::nullopt);
    CHECK_FALSE(c.connection);
    CHECK(c.error == "cannot connect to nobody: connection refused");
    CHECK(ms_of(w.now()) == 6);
    // Bound once, then closed: the connect reaches the node and is refused there.
    auto l = rt2.net->listen("n2");
    REQUIRE(l.listener);
    l.listener->close();
    l.listener->close();  // idempotent
    c = rt1.net->connect("n2", std::nullopt);
    CHECK_FALSE(c.connection);
    CHECK(c.error.find("connection refused") != std::string::npos);
    CHECK(ms_of(w.now()) == 12);
    CHECK(l.listener->accept() == nullptr);
}

TEST_CASE("network: listen errors and listener close", "[sim][network]") {
    world w(5);
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    auto a = rt1.net->listen("svc");
    REQUIRE(a.listener);
    auto b = rt2.net->listen("svc");
    CHECK_FALSE(b.listener);
    CHECK(b.error == "cannot listen on svc: address already in use");
    CHECK(rt1.net->listen("").error == "cannot listen: the address is empty");
    a.listener.reset();  // destroying the handle unbinds
    CHECK(rt2.net->listen("svc").listener);
}

TEST_CASE("network: a frame above the maximum size is refused by send", "[sim][network]") {
    world_options o;
    o.network.max_frame_size = 16;
    world w(6, o);
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    auto l = rt2.net->listen("n2");
    auto c = rt1.net->connect("n2", std::nullopt);
    REQUIRE(c.connection);
    auto server = l.listener->accept();
    REQUIRE(server);
    CHECK(c.connection->send(frame_bytes(16, 1)) == frame_send_status::sent);
    CHECK(c.connection->send(frame_bytes(17, 1)) == frame_send_status::too_large);
    const received_frame r = server->receive(std::nullopt);
    REQUIRE(r.what == received_frame::kind::frame);
    CHECK(r.bytes.size() == 16);
    // Nothing else was sent, and the connection is still open.
    CHECK(server->receive(w.node(2).clock.now() + 10ms).what == received_frame::kind::timed_out);
    CHECK(c.connection->send(frame_bytes(3, 1)) == frame_send_status::sent);
}

TEST_CASE("network: receive times out in virtual time, and close wakes a blocked receive",
          "[sim][network]") {
    world w(7, fixed_latency(1ms));
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    auto l = rt2.net->listen("n2");
    auto c = rt1.net->connect("n2", std::nullopt);
    REQUIRE(c.connection);
    std::shared_ptr<ractor::connection> server = l.listener->accept();
    REQUIRE(server);
    const auto before = w.now();
    CHECK(server->receive(rt2.clock.now() + 250ms).what == received_frame::kind::timed_out);
    CHECK(w.now() - before == 250ms);

    // An actor blocked in receive wakes when its own connection is closed under it.
    auto log = make_log();
    {
        actor_system s2(rt2);
        blocked_receiver b;
        b.conn = server;
        b.log = log;
        auto receiver = s2.spawn(std::move(b));
        receiver.cast(0);
        w.run_for(5ms);
        CHECK(log->empty());
        server->close();
        w.run_for(1ms);
        CHECK(*log == std::vector<std::string>{"closed: closed"});
    }
    // The other end learns it one latency later; its sends are refused from then on.
    const auto t = w.now();
    const received_frame r = c.connection->receive(std::nullopt);
    CHECK(r.what == received_frame::kind::closed);
    CHECK(r.reason == "closed by peer");
    CHECK(w.now() - t <= 1ms);
    CHECK(c.connection->send(bytes_of("late")) == frame_send_status::closed);
    CHECK(server->send(bytes_of("late")) == frame_send_status::closed);
}

TEST_CASE("network: frames sent before a close are still received", "[sim][network]") {
    world w(8);
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    auto l = rt2.net->listen("n2");
    auto c = rt1.net->connect("n2", std::nullopt);
    REQUIRE(c.connection);
    auto server = l.listener->accept();
    REQUIRE(server);
    CHECK(c.connection->send(bytes_of("a")) == frame_send_status::sent);
    CHECK(c.connection->send(bytes_of("b")) == frame_send_status::sent);
    c.connection->close();
    CHECK(c.connection->send(bytes_of("c")) == frame_send_status::closed);
    CHECK(text_of(server->receive(std::nullopt).bytes) == "a");
    CHECK(text_of(server->receive(std::nullopt).bytes) == "b");
    CHECK(server->receive(std::nullopt).what == received_frame::kind::closed);
}

TEST_CASE("network: a node crash resets its connections and a restarted node listens again",
          "[sim][network]") {
    world w(9, fixed_latency(1ms));
    auto log = make_log();
    auto& rt1 = w.add_node("n1");
    w.add_node("n2", [log](actor_system& sys) {
        ractor::listen_result l = sys.runtime().net->listen("n2");
        if (!l.listener) throw std::runtime_error(l.error);
        auto server = sys.spawn(echo_server{}, {std::shared_ptr<ractor::listener>(std::move(l.listener)), log});
        server.cast(0);
    });
    auto c = rt1.net->connect("n2", std::nullopt);
    REQUIRE(c.connection);
    REQUIRE(c.connection->send(bytes_of("ping")) == frame_send_status::sent);
    CHECK(text_of(c.connection->receive(std::nullopt).bytes) == "ping");

    w.crash_node(2);
    const auto crashed_at = w.now();
    const received_frame r = c.connection->receive(std::nullopt);
    CHECK(r.what == received_frame::kind::closed);
    CHECK(r.reason == "connection reset: node n2 crashed");
    CHECK(w.now() - crashed_at == 1ms);
    CHECK(c.connection->send(bytes_of("ping")) == frame_send_status::closed);
    // Down: nobody listens on n2 any more.
    auto refused = rt1.net->connect("n2", std::nullopt);
    CHECK(refused.error == "cannot connect to n2: connection refused");

    w.restart_node(2);
    auto again = rt1.net->connect("n2", std::nullopt);
    REQUIRE(again.connection);
    REQUIRE(again.connection->send(bytes_of("pong")) == frame_send_status::sent);
    CHECK(text_of(again.connection->receive(std::nullopt).bytes) == "pong");
    again.connection->close();
    w.run();
    CHECK(has(log, "server closed: closed by peer"));
}

TEST_CASE("network: connect to a node across a partition times out at the deadline", "[sim][network]") {
    world w(10, fixed_latency(1ms));
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    auto l = rt2.net->listen("n2");
    w.partition(1, 2);
    auto c = rt1.net->connect("n2", rt1.clock.now() + 300ms);
    CHECK_FALSE(c.connection);
    CHECK(c.error == "cannot connect to n2: connection timed out");
    CHECK(ms_of(w.now()) == 300);
    // Without a deadline the default connect time-out applies (5 s of virtual time).
    const auto t = w.now();
    c = rt1.net->connect("n2", std::nullopt);
    CHECK(c.error == "cannot connect to n2: connection timed out");
    CHECK(w.now() - t == 5s);
    w.heal();
    c = rt1.net->connect("n2", std::nullopt);
    CHECK(c.connection);
}

namespace {

/// Runs an echo exchange on a fresh world of `seed` and returns the trace hash and the
/// arrival times of the echoes.
std::pair<std::uint64_t, std::vector<std::string>> echo_run(std::uint64_t seed) {
    world w(seed);
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    auto log = make_log();
    {
        actor_system s1(rt1);
        actor_system s2(rt2);
        auto l = rt2.net->listen("n2");
        auto server = s2.spawn(echo_server{}, {std::shared_ptr<ractor::listener>(std::move(l.listener)), log});
        std::vector<std::string> frames;
        for (int i = 0; i < 20; ++i) frames.push_back(std::to_string(i));
        auto client = s1.spawn(echo_client{}, {rt1.net, &rt1.clock, "n2", frames, log});
        server.cast(0);
        client.cast(0);
        w.run();
    }
    std::vector<std::string> times;
    for (const auto& e : w.events()) {
        if (e.kind == ractor::trace_kind::net && e.text.starts_with("deliver")) {
            times.push_back(std::to_string(e.time_ns));
        }
    }
    return {w.trace_hash(), times};
}

}  // namespace

TEST_CASE("network: same seed same trace, another seed other latencies", "[sim][network]") {
    const auto a = echo_run(42);
    const auto b = echo_run(42);
    const auto c = echo_run(43);
    CHECK(a.first == b.first);
    CHECK(a.second == b.second);
    CHECK(a.second.size() == 40);
    CHECK(a.first != c.first);
    CHECK(a.second != c.second);
}

TEST_CASE("network: uniform and exponential latencies stay within their distributions", "[sim][network]") {
    for (const auto dist : {ractor::sim::latency_jitter::uniform, ractor::sim::latency_jitter::exponential}) {
        world_options o;
        o.network.base_latency = 20us;
        o.network.jitter = 100us;
        o.network.distribution = dist;
        world w(11, o);
        auto& rt1 = w.add_node("n1");
        auto& rt2 = w.add_node("n2");
        auto l = rt2.net->listen("n2");
        auto c = rt1.net->connect("n2", std::nullopt);
        REQUIRE(c.connection);
        auto server = l.listener->accept();
        ractor::duration total{0};
        ractor::duration shortest = 1h;
        ractor::duration longest{0};
        constexpr int frames = 1000;
        for (int i = 0; i < frames; ++i) {
            const auto sent = w.now();
            c.connection->send(bytes_of("x"));
            REQUIRE(server->receive(std::nullopt).what == received_frame::kind::frame);
            const auto took = w.now() - sent;
            total += took;
            shortest = std::min(shortest, took);
            longest = std::max(longest, took);
        }
        const auto mean = total / frames;
        CHECK(shortest >= 20us);
        CHECK(mean > 60us);   // 20 + 50 (uniform) or 20 + 100 (exponential)
        CHECK(mean < 140us);
        if (dist == ractor::sim::latency_jitter::uniform) {
            CHECK(longest <= 120us);
        } else {
            CHECK(longest > 120us);  // an exponential tail goes past the uniform bound
            CHECK(longest <= 20us + 20 * 100us);
        }
    }
}

namespace {

/// On any message, connects to `address` and logs how that ended.
struct connecting_actor : ractor::actor<int> {
    ractor::transport* net = nullptr;
    std::string address;
    log_ptr log;
    void handle(actor_ref<int>, int, std::monostate&) {
        const ractor::connect_result r = net->connect(address, std::nullopt);
        log->push_back(r.connection ? "connected" : r.error);
    }
};

}  // namespace

TEST_CASE("network: killing an actor inside connect gives the attempt up", "[sim][network]") {
    world w(12, fixed_latency(1ms));
    auto& rt1 = w.add_node("n1");
    auto& rt2 = w.add_node("n2");
    auto l = rt2.net->listen("n2");
    auto log = make_log();
    {
        actor_system s1(rt1);
        connecting_actor a;
        a.net = rt1.net;
        a.address = "n2";
        a.log = log;
        auto ref = s1.spawn(std::move(a));
        ref.cast(0);
        w.run_for(1500us);  // the connect arrived, its answer is on the way back
        ref.kill();
        w.run_for(10ms);
        CHECK(log->empty());  // the handler never returned
        CHECK_FALSE(ref.is_alive());
    }
    // The accepting side got the connection, and then its reset.
    auto server = l.listener->accept();
    REQUIRE(server);
    const received_frame r = server->receive(std::nullopt);
    CHECK(r.what == received_frame::kind::closed);
    CHECK(r.reason == "connection reset by peer");
}

// ---- back-pressure ----------------------------------------------------------------------

namespace {

/// A world whose connections hold at most 1000 bytes in a receive window and 1000 in a send
/// queue, with a fixed 1 ms latency.
world_options small_queues() {
    world_options o = fixed_latency(1ms);
    o.network.send_queue_limit = 1000;
    o.network.receive_queue_limit = 1000;
    return o;
}

/// A numbered frame of `size` bytes (the sequence number in its first four).
frame_bytes sized(std::uint32_t seq, std::size_t size) {
    frame_bytes b(size, 0xcd);
    for (std::size_t i = 0; i < 4 && i < size; ++i) b[i] = static_cast<std::uint8_t>(seq >> (8 * i));
    return b;
}

std::uint32_t seq_of(const frame_bytes& b) {
    std::uint32_t seq = 0;
    for (std::size_t i = 0; i < 4; ++i) seq |= static_cast<std::uint32_t>(b.at(i)) << (8 * i);
    return seq;
}

/// On any message, sends `count` numbered frames of `size` bytes, waiting for room whenever
/// the connection is busy; logs how many sends were pushed back, then how it ended.
struct flooding_sender : ractor::actor<int> {
    std::shared_ptr<ractor::connection> conn;
    std::uint32_t count = 0;
    std::size_t size = 0;
    log_ptr log;
    void handle(actor_ref<int>, int, std::monostate&) {
        std::uint32_t pushed_back = 0;
        for (std::uint32_t seq = 0; seq < count; ++seq) {
            // A busy send leaves the frame here: the same object is sent again.
            frame_bytes f = sized(seq, size);
            for (;;) {
                const ractor::frame_send_status st = conn->send(std::move(f));
                if (st == frame_send_status::sent) break;
                if (st != frame_send_status::busy) {
                    log->push_back("send failed at " + std::to_string(seq));
                    return;
                }
                ++pushed_back;
                if (conn->wait_writable(std::nullopt) != ractor::writable_status::ready) {
                    log->push_back("wait failed at " + std::to_string(seq));
                    return;
                }
            }
        }
        log->push_back(pushed_back > 0 ? "sent all, pushed back" : "sent all, never pushed back");
    }
};

/// On any message, receives until the connection closes, checking that the numbered frames
/// arrive whole and in order; logs how many did.
struct ordered_sink : ractor::actor<int> {
    std::shared_ptr<ractor::connection> conn;
    std::size_t size = 0;
    log_ptr log;
    void handle(actor_ref<int>, int, std::monostate&) {
        std::uint32_t expected = 0;
        for (;;) {
            const received_frame r = conn->receive(std::nullopt);
            if (r.what != received_frame::kind::frame) break;
            if (r.bytes.size() != size || seq_of(r.bytes) != expected) {
                log->push_back("bad frame: got " + std::to_string(seq_of(r.bytes)) + " expected " +
                               std::to_string(expected));
                return;
            }
            ++expected;
        }
        log->push_back("received " + std::to_string(expected));
    }
};

/// On any message, waits for room on `conn` and logs what the wait returned.
struct blocked_writer : ractor::actor<int> {
    std::shared_ptr<ractor::connection> conn;
    log_ptr log;
    void handle(actor_ref<int>, int, std::monostate&) {
        const ractor::writable_status st = conn->wait_writable(std::nullopt);
        log->push_back(st == ractor::writable_status::closed ? "closed"
                       : st == ractor::writable_status::ready ? "ready"
                                                              : "timed out");
    }
};

/// Both ends of one connection from n1 to a listener on n2.
struct sim_pair {
    std::unique_ptr<ractor::listener> listener;
    std::shared_ptr<ractor::connection> client;
    std::shared_ptr<ractor::connection> server;
};

sim_pair open_sim_pair(world& w) {
    sim_pair p;
    p.listener = w.node(2).net->listen("n2").listener;
    REQUIRE(p.listener);
    p.client = w.node(1).net->connect("n2", std::nullopt).connection;
    REQUIRE(p.client);
    p.server = p.listener->accept();
    REQUIRE(p.server);
    return p;
}

/// Sends 100-byte frames until the connection says busy; returns how many it took.
std::uint32_t fill(ractor::connection& c) {
    std::uint32_t taken = 0;
    for (;;) {
        frame_bytes f = sized(taken, 100);
        const auto st = c.send(std::move(f));
        if (st != frame_send_status::sent) {
            REQUIRE(st == frame_send_status::busy);
            CHECK(f.size() == 100);  // a busy send leaves the frame with the caller
            return taken;
        }
        ++taken;
    }
}

}  // namespace

TEST_CASE("network: a peer that does not read makes send busy, and reading makes room", "[sim][network]") {
    world w(21, small_queues());
    w.add_node("n1");
    w.add_node("n2");
    sim_pair p = open_sim_pair(w);
    // Ten frames fill n2's receive window; ten more wait at n1 until the send queue is full.
    CHECK(fill(*p.client) == 20);
    w.run_for(50ms);  // the window stays shut however long n2 does not read
    CHECK(p.client->send(sized(20, 100)) == frame_send_status::busy);
    CHECK(p.client->wait_writable(w.node(1).clock.now() + 5ms) == ractor::writable_status::timed_out);
    // Each frame n2 takes lets one held frame leave, and the queue has room again.
    REQUIRE(seq_of(p.server->receive(std::nullopt).bytes) == 0);
    CHECK(p.client->wait_writable(w.node(1).clock.now() + 5ms) == ractor::writable_status::ready);
    CHECK(p.client->send(sized(20, 100)) == frame_send_status::sent);
    // Every frame arrives once, in order.
    for (std::uint32_t seq = 1; seq <= 20; ++seq) {
        const received_frame r = p.server->receive(std::nullopt);
        REQUIRE(r.what == received_frame::kind::frame);
        CHECK(seq_of(r.bytes) == seq);
    }
    CHECK(p.server->receive(w.node(2).clock.now() + 10ms).what == received_frame::kind::timed_out);
}

TEST_CASE("network: a flood through small queues arrives whole and in order, and replays", "[sim][network]") {
    const auto run = [](std::uint64_t seed) {
        world_options o = small_queues();
        o.network.jitter = 300us;
        world w(seed, o);
        w.add_node("n1");
        w.add_node("n2");
        sim_pair p = open_sim_pair(w);
        auto log = make_log();
        {
            actor_system s1(w.node(1));
            actor_system s2(w.node(2));
            flooding_sender tx;
            tx.conn = p.client;
            tx.count = 5000;
            tx.size = 64;
            tx.log = log;
            ordered_sink rx;
            rx.conn = p.server;
            rx.size = 64;
            rx.log = log;
            auto sender = s1.spawn(std::move(tx));
            auto sink = s2.spawn(std::move(rx));
            sender.cast(0);
            sink.cast(0);
            w.run_for(10s);
            p.client->close();
            w.run_for(1s);
        }
        CHECK(*log == std::vector<std::string>{"sent all, pushed back", "received 5000"});
        return w.trace_hash();
    };
    CHECK(run(22) == run(22));
}

TEST_CASE("network: close wakes a blocked wait_writable, and a kill interrupts one", "[sim][network]") {
    world w(23, small_queues());
    w.add_node("n1");
    w.add_node("n2");
    sim_pair p = open_sim_pair(w);
    fill(*p.client);
    auto log = make_log();
    {
        actor_system s1(w.node(1));
        blocked_writer killed;
        killed.conn = p.client;
        killed.log = log;
        auto victim = s1.spawn(std::move(killed));
        victim.cast(0);
        w.run_for(5ms);
        victim.kill();
        w.run_for(5ms);
        CHECK_FALSE(victim.is_alive());
        CHECK(log->empty());  // the handler never returned

        blocked_writer closed;
        closed.conn = p.client;
        closed.log = log;
        auto writer = s1.spawn(std::move(closed));
        writer.cast(0);
        w.run_for(5ms);
        CHECK(log->empty());
        p.server->close();  // n1 hears of it one latency later
        w.run_for(5ms);
        CHECK(*log == std::vector<std::string>{"closed"});
    }
    CHECK(p.client->send(sized(99, 100)) == frame_send_status::closed);
}

TEST_CASE("network: frames held by a full window still arrive when the sender closes", "[sim][network]") {
    world w(24, small_queues());
    w.add_node("n1");
    w.add_node("n2");
    sim_pair p = open_sim_pair(w);
    REQUIRE(fill(*p.client) == 20);
    p.client->close();
    for (std::uint32_t seq = 0; seq < 20; ++seq) {
        const received_frame r = p.server->receive(std::nullopt);
        REQUIRE(r.what == received_frame::kind::frame);
        CHECK(seq_of(r.bytes) == seq);
    }
    const received_frame end = p.server->receive(std::nullopt);
    CHECK(end.what == received_frame::kind::closed);
    CHECK(end.reason == "closed by peer");
}
