// The TCP transport of the asio backend: framing, limits, bad peers, deadlines, shutdown, TLS.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/ractor.hpp>

#include "asio/asio_test_support.hpp"
#include "support/test_certificates.hpp"

using namespace ractor;
using namespace ractor::asio_backend;
using namespace ractor::asio_test;
using ractor::testing::test_certificates;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

frame_bytes bytes_of(const std::string& text) {
    return frame_bytes(text.begin(), text.end());
}

std::string text_of(const frame_bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

/// A frame whose bytes all derive from `seed`, so a torn or shifted frame shows.
frame_bytes patterned(std::size_t size, std::uint32_t seed) {
    frame_bytes f(size);
    for (std::size_t i = 0; i < size; ++i) f[i] = static_cast<std::uint8_t>((seed * 131 + i * 7) & 0xff);
    return f;
}

time_point in(runtime& rt, duration d) {
    return rt.clock.now() + d;
}

/// A frame, checked to be one: the test fails with the close reason otherwise.
frame_bytes expect_frame(connection& c, runtime& rt) {
    received_frame r = c.receive(in(rt, patience));
    INFO("receive ended: " << r.reason);
    REQUIRE(r.what == received_frame::kind::frame);
    return std::move(r.bytes);
}

/// Waits for a future the test cannot go on without.
template <class T>
T await(std::future<T>& f) {
    REQUIRE(f.wait_for(patience) == std::future_status::ready);
    return f.get();
}

/// A listener on a free loopback port of `rt`'s node.
std::unique_ptr<listener> listen_local(runtime& rt) {
    listen_result l = rt.net->listen("127.0.0.1:0");
    INFO(l.error);
    REQUIRE(l.listener != nullptr);
    return std::move(l.listener);
}

/// A connection to `address`, required to succeed.
std::unique_ptr<connection> connect_to(runtime& rt, const std::string& address) {
    connect_result c = rt.net->connect(address, in(rt, patience));
    INFO(c.error);
    REQUIRE(c.connection != nullptr);
    return std::move(c.connection);
}

/// A connected pair: the connecting side and the accepted side.
struct linked_pair {
    std::unique_ptr<connection> client;
    std::unique_ptr<connection> server;
};

linked_pair link(runtime& from, listener& l) {
    linked_pair p;
    p.client = connect_to(from, l.address());
    p.server = l.accept();
    REQUIRE(p.server != nullptr);
    return p;
}

/// A plain Asio socket connected to `l`, for speaking (bad) wire format at it.
struct raw_client {
    net::io_context io;
    net::ip::tcp::socket socket{io};

    explicit raw_client(const listener& l) {
        const std::string a = l.address();
        const auto colon = a.rfind(':');
        socket.connect({net::ip::make_address(a.substr(0, colon)),
                        static_cast<unsigned short>(std::stoi(a.substr(colon + 1)))});
    }
    void write(const std::string& bytes) { net::write(socket, net::buffer(bytes)); }
    /// Reads until the peer closes; true if it did (rather than sending more than `limit`).
    bool closed_by_peer(std::size_t limit = 1 << 20) {
        std::vector<char> sink(4096);
        std::size_t total = 0;
        for (;;) {
            boost::system::error_code ec;
            total += socket.read_some(net::buffer(sink), ec);
            if (ec) return true;
            if (total > limit) return false;
        }
    }
};

std::string length_prefix(std::uint32_t n) {
    return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
            static_cast<char>(n)};
}

/// One round trip on a working pair, both ways.
void check_round_trip(linked_pair& p, runtime& rt, const std::string& text) {
    REQUIRE(p.client->send(bytes_of(text)) == frame_send_status::sent);
    CHECK(text_of(expect_frame(*p.server, rt)) == text);
    REQUIRE(p.server->send(bytes_of(text + "!")) == frame_send_status::sent);
    CHECK(text_of(expect_frame(*p.client, rt)) == text + "!");
}

// ---- actors ---------------------------------------------------------------------------

/// Accepts one connection and sends every frame back until it closes; reports how it ended.
struct echo_args {
    listener* from = nullptr;
    std::shared_ptr<std::promise<std::string>> done;
};
struct echo_server : actor<int, echo_args, echo_args> {
    echo_args pre_start(actor_ref<int>, echo_args a) { return a; }
    void handle(actor_ref<int>, int, echo_args& a) {
        auto c = a.from->accept();
        if (!c) {
            a.done->set_value("no connection");
            return;
        }
        int echoed = 0;
        for (;;) {
            received_frame r = c->receive(std::nullopt);
            if (r.what != received_frame::kind::frame) {
                a.done->set_value("echoed " + std::to_string(echoed) + ", then " + r.reason);
                return;
            }
            c->send(std::move(r.bytes));
            ++echoed;
        }
    }
};

/// Connects, sends numbered frames one at a time and checks each echo; reports a verdict.
struct echo_client_args {
    runtime* rt = nullptr;
    std::string address;
    int frames = 0;
    std::shared_ptr<std::promise<std::string>> done;
};
struct echo_client : actor<int, echo_client_args, echo_client_args> {
    echo_client_args pre_start(actor_ref<int>, echo_client_args a) { return a; }
    void handle(actor_ref<int>, int, echo_client_args& a) {
        connect_result cr = a.rt->net->connect(a.address, a.rt->clock.now() + patience);
        if (!cr.connection) {
            a.done->set_value("connect failed: " + cr.error);
            return;
        }
        for (int i = 0; i < a.frames; ++i) {
            const std::string text = "frame " + std::to_string(i);
            cr.connection->send(bytes_of(text));
            received_frame r = cr.connection->receive(a.rt->clock.now() + patience);
            if (r.what != received_frame::kind::frame || text_of(r.bytes) != text) {
                a.done->set_value("bad echo at " + std::to_string(i) + ": " + r.reason);
                return;
            }
        }
        a.done->set_value("ok");
    }
};

/// Sends `count` frames (sender id, sequence number, padding of varying length).
struct sender_args {
    connection* to = nullptr;
    std::uint8_t id = 0;
    int count = 0;
    std::shared_ptr<std::promise<void>> done;
};

frame_bytes numbered(std::uint8_t sender, int seq) {
    frame_bytes f = patterned(static_cast<std::size_t>(5 + seq % 97), static_cast<std::uint32_t>(seq));
    f[0] = sender;
    f[1] = static_cast<std::uint8_t>(seq >> 24);
    f[2] = static_cast<std::uint8_t>(seq >> 16);
    f[3] = static_cast<std::uint8_t>(seq >> 8);
    f[4] = static_cast<std::uint8_t>(seq);
    return f;
}

void send_numbered(const sender_args& a) {
    for (int seq = 0; seq < a.count; ++seq) a.to->send(numbered(a.id, seq));
}

struct sender : actor<int, sender_args, sender_args> {
    sender_args pre_start(actor_ref<int>, sender_args a) { return a; }
    void handle(actor_ref<int>, int, sender_args& a) {
        send_numbered(a);
        a.done->set_value();
    }
};

/// Receives until its connection closes; reports the reason.
struct receiver_args {
    connection* from = nullptr;
    std::shared_ptr<std::promise<std::string>> done;
};
struct receiver : actor<int, receiver_args, receiver_args> {
    receiver_args pre_start(actor_ref<int>, receiver_args a) { return a; }
    void handle(actor_ref<int>, int, receiver_args& a) {
        for (;;) {
            received_frame r = a.from->receive(std::nullopt);
            if (r.what == received_frame::kind::closed) {
                a.done->set_value(r.reason);
                return;
            }
        }
    }
};

/// Keeps its worker busy: every message queues the next.
struct spinner : actor<int> {
    void handle(actor_ref<int> self, int n, std::monostate&) {
        if (n > 0) self.cast(n - 1);
    }
};

}  // namespace

// ---- tests ------------------------------------------------------------------------------

TEST_CASE("listen on port 0 reports the real port; bad addresses are refused", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 1}};
    runtime& a = host.add_node("a");
    REQUIRE(a.net != nullptr);
    auto l = listen_local(a);
    const std::string address = l->address();
    CHECK(address.rfind("127.0.0.1:", 0) == 0);
    CHECK(address != "127.0.0.1:0");
    // The same port twice is taken.
    listen_result again = a.net->listen(address);
    CHECK(again.listener == nullptr);
    CHECK(again.error.find("cannot listen on " + address + ": ") == 0);

    for (const char* bad : {"nonsense", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:12x", "::1:80"}) {
        INFO(bad);
        connect_result c = a.net->connect(bad, in(a, 5s));
        CHECK(c.connection == nullptr);
        CHECK(c.error.find("invalid address") != std::string::npos);
        CHECK(a.net->listen(bad).listener == nullptr);
    }
    CHECK(a.net->listen("localhost:0").error.find("numeric") != std::string::npos);
}

TEST_CASE("an echo round trip between two nodes, parking actors on one thread", "[asio][tcp]") {
    // One worker thread: the server parks in accept and receive while the client runs, so
    // both must park fibers, not the thread.
    runtime_host host{host_options{.threads = 1}};
    runtime& a = host.add_node("a");
    runtime& b = host.add_node("b");
    actor_system sys_a(a);
    actor_system sys_b(b);
    auto l = listen_local(a);

    auto served = std::make_shared<std::promise<std::string>>();
    auto served_f = served->get_future();
    auto server = sys_a.spawn(echo_server{}, echo_args{l.get(), served});
    server.cast(0);

    auto verdict = std::make_shared<std::promise<std::string>>();
    auto verdict_f = verdict->get_future();
    auto client = sys_b.spawn(echo_client{}, echo_client_args{&b, l->address(), 100, verdict});
    client.cast(0);
    CHECK(await(verdict_f) == "ok");
    client.stop_and_wait();  // its connection closes with its state
    CHECK(await(served_f) == "echoed 100, then closed by peer");
}

TEST_CASE("a node name is resolved without blocking", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 1}};
    runtime& a = host.add_node("a");
    auto l = listen_local(a);
    const std::string port = l->address().substr(l->address().rfind(':') + 1);
    connect_result c = a.net->connect("localhost:" + port, in(a, patience));
    INFO(c.error);
    REQUIRE(c.connection != nullptr);
    auto server = l->accept();
    REQUIRE(server != nullptr);
    linked_pair p{std::move(c.connection), std::move(server)};
    check_round_trip(p, a, "by name");
}

TEST_CASE("10,000 frames from several actors and threads arrive whole and in order", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 2}};
    runtime& a = host.add_node("a");
    runtime& b = host.add_node("b");
    actor_system sys_b(b);
    auto l = listen_local(a);
    linked_pair p = link(b, *l);

    constexpr int senders = 4;
    constexpr int per_sender = 2500;
    std::vector<std::future<void>> finished;
    std::vector<std::thread> threads;
    for (std::uint8_t id = 0; id < senders; ++id) {
        auto done = std::make_shared<std::promise<void>>();
        finished.push_back(done->get_future());
        sender_args args{p.client.get(), id, per_sender, done};
        if (id % 2 == 0) {
            sys_b.spawn(sender{}, args).cast(0);
        } else {
            threads.emplace_back([args] {
                send_numbered(args);
                args.done->set_value();
            });
        }
    }
    std::vector<int> next(senders, 0);
    int torn = 0;
    int out_of_order = 0;
    for (int i = 0; i < senders * per_sender; ++i) {
        const frame_bytes f = expect_frame(*p.server, a);
        const int seq = (f[1] << 24) | (f[2] << 16) | (f[3] << 8) | f[4];
        if (f[0] >= senders || f != numbered(f[0], seq)) {
            ++torn;
            continue;
        }
        if (seq != next[f[0]]) ++out_of_order;
        next[f[0]] = seq + 1;
    }
    for (auto& t : threads) t.join();
    for (auto& f : finished) await(f);
    CHECK(torn == 0);
    CHECK(out_of_order == 0);
    CHECK(next == std::vector<int>(senders, per_sender));
    CHECK(p.server->receive(in(a, 50ms)).what == received_frame::kind::timed_out);
}

TEST_CASE("a 4 MiB frame and empty frames pass; a frame above the limit is refused", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 2}};
    // A send queue that takes all three frames at once, however fast the socket drains.
    runtime& a = host.add_node("a", {.send_queue_limit = 16 * 1024 * 1024});
    auto l = listen_local(a);
    linked_pair p = link(a, *l);

    const frame_bytes big = patterned(4 * 1024 * 1024, 7);
    REQUIRE(p.client->send({}) == frame_send_status::sent);
    REQUIRE(p.client->send(frame_bytes(big)) == frame_send_status::sent);
    REQUIRE(p.client->send({}) == frame_send_status::sent);
    CHECK(expect_frame(*p.server, a).empty());
    CHECK(expect_frame(*p.server, a) == big);
    CHECK(expect_frame(*p.server, a).empty());

    CHECK(p.client->send(frame_bytes(8 * 1024 * 1024)) == frame_send_status::sent);  // the default limit itself
    CHECK(expect_frame(*p.server, a).size() == 8 * 1024 * 1024);
    CHECK(p.client->send(frame_bytes(8 * 1024 * 1024 + 1)) == frame_send_status::too_large);
    check_round_trip(p, a, "still open");
}

TEST_CASE("an oversized announced length closes that connection only", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 2, .max_frame_size = 1024}};
    runtime& a = host.add_node("a");
    auto l = listen_local(a);

    raw_client raw(*l);
    auto victim = l->accept();
    REQUIRE(victim != nullptr);
    raw.write(length_prefix(1025) + "some bytes");
    received_frame r = victim->receive(in(a, patience));
    CHECK(r.what == received_frame::kind::closed);
    CHECK(r.reason == "invalid frame: 1025 bytes announced, above the maximum frame size of 1024 bytes");
    CHECK(raw.closed_by_peer());
    CHECK(victim->send(bytes_of("too late")) == frame_send_status::closed);

    // The listener keeps accepting, and the limit holds for sending too.
    linked_pair p = link(a, *l);
    check_round_trip(p, a, "after the bad one");
    CHECK(p.client->send(frame_bytes(1024)) == frame_send_status::sent);
    CHECK(expect_frame(*p.server, a).size() == 1024);
    CHECK(p.client->send(frame_bytes(1025)) == frame_send_status::too_large);
}

TEST_CASE("garbage and truncated frames close their connection, others keep working", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 2}};
    runtime& a = host.add_node("a");
    auto l = listen_local(a);
    linked_pair good = link(a, *l);

    SECTION("garbage") {
        raw_client raw(*l);
        auto victim = l->accept();
        REQUIRE(victim != nullptr);
        // Valid frames first, then bytes whose "length" is far too large.
        raw.write(length_prefix(2) + "ok" + length_prefix(0) + "\xff\xfe\xfd\xfc garbage garbage");
        CHECK(text_of(expect_frame(*victim, a)) == "ok");
        CHECK(expect_frame(*victim, a).empty());
        received_frame r = victim->receive(in(a, patience));
        CHECK(r.what == received_frame::kind::closed);
        CHECK(r.reason.find("invalid frame") == 0);
        CHECK(raw.closed_by_peer());
    }
    SECTION("a truncated body") {
        raw_client raw(*l);
        auto victim = l->accept();
        REQUIRE(victim != nullptr);
        raw.write(length_prefix(100) + "only some of it");
        raw.socket.close();
        received_frame r = victim->receive(in(a, patience));
        CHECK(r.what == received_frame::kind::closed);
        CHECK(r.reason.find("truncated frame") == 0);
    }
    SECTION("a truncated length prefix") {
        raw_client raw(*l);
        auto victim = l->accept();
        REQUIRE(victim != nullptr);
        raw.write(length_prefix(3) + "abc" + std::string("\0\0", 2));
        raw.socket.close();
        CHECK(text_of(expect_frame(*victim, a)) == "abc");
        received_frame r = victim->receive(in(a, patience));
        CHECK(r.what == received_frame::kind::closed);
        CHECK(r.reason.find("truncated frame") == 0);
    }
    SECTION("a clean close between frames") {
        raw_client raw(*l);
        auto victim = l->accept();
        REQUIRE(victim != nullptr);
        raw.write(length_prefix(3) + "abc");
        raw.socket.close();
        CHECK(text_of(expect_frame(*victim, a)) == "abc");
        CHECK(victim->receive(in(a, patience)).reason == "closed by peer");
    }
    check_round_trip(good, a, "unaffected");
}

TEST_CASE("connecting to a closed port fails with an error", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 1}};
    runtime& a = host.add_node("a");
    std::string address;
    {
        auto l = listen_local(a);
        address = l->address();
    }
    // The listener's socket closes on its worker; a refusal may take a moment to be certain.
    connect_result c;
    for (int attempt = 0; attempt < 100; ++attempt) {
        c = a.net->connect(address, in(a, patience));
        if (c.connection == nullptr) break;
    }
    CHECK(c.connection == nullptr);
    CHECK(c.error.find("cannot connect to " + address + ": ") == 0);
    CHECK(c.error.find("refused") != std::string::npos);
}

TEST_CASE("a connect that gets no answer ends at its deadline", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 1}};
    runtime& a = host.add_node("a");
    // A listener that never accepts and has a backlog of one: once one connection waits in
    // it, Linux drops further SYNs, so a connect gets no answer at all.
    net::io_context io;
    net::ip::tcp::acceptor silent(io, {net::ip::make_address("127.0.0.1"), 0});
    silent.listen(0);
    const std::string address = "127.0.0.1:" + std::to_string(silent.local_endpoint().port());
    net::ip::tcp::socket filler(io);
    filler.connect(silent.local_endpoint());

    connect_result c = a.net->connect(address, in(a, 200ms));
    CHECK(c.connection == nullptr);
    CHECK(c.error == "cannot connect to " + address + ": connection timed out");
}

TEST_CASE("close wakes a blocked receive and a blocked accept", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 2}};
    runtime& a = host.add_node("a");
    actor_system sys(a);
    auto l = listen_local(a);
    linked_pair p = link(a, *l);

    auto ended = std::make_shared<std::promise<std::string>>();
    auto ended_f = ended->get_future();
    sys.spawn(receiver{}, receiver_args{p.server.get(), ended}).cast(0);
    REQUIRE(ended_f.wait_for(50ms) == std::future_status::timeout);
    p.server->close();  // from another thread than the receiver's
    CHECK(await(ended_f) == "closed");
    p.server->close();  // idempotent
    CHECK(p.server->send(bytes_of("after close")) == frame_send_status::closed);
    CHECK(p.client->receive(in(a, patience)).reason == "closed by peer");

    auto accepted = std::async(std::launch::async, [&] { return l->accept(); });
    REQUIRE(accepted.wait_for(50ms) == std::future_status::timeout);
    l->close();
    CHECK(await(accepted) == nullptr);
    CHECK(l->accept() == nullptr);
}

TEST_CASE("frames sent just before a close are still delivered", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 2}};
    runtime& a = host.add_node("a");
    auto l = listen_local(a);
    linked_pair p = link(a, *l);
    for (int i = 0; i < 100; ++i) REQUIRE(p.client->send(patterned(10'000, static_cast<std::uint32_t>(i))) == frame_send_status::sent);
    p.client.reset();
    for (int i = 0; i < 100; ++i) CHECK(expect_frame(*p.server, a) == patterned(10'000, static_cast<std::uint32_t>(i)));
    CHECK(p.server->receive(in(a, patience)).reason == "closed by peer");
}

TEST_CASE("socket completions are serviced while the only worker is busy", "[asio][tcp]") {
    runtime_host host{host_options{.threads = 1}};
    runtime& a = host.add_node("a");
    actor_system sys(a);
    auto l = listen_local(a);
    linked_pair p = link(a, *l);
    auto busy = sys.spawn(spinner{});
    busy.cast(1'000'000'000);  // runs until the system goes
    for (int i = 0; i < 100; ++i) check_round_trip(p, a, "busy " + std::to_string(i));
}

TEST_CASE("shutdown ends blocked receive, accept and connect", "[asio][tcp]") {
    auto host = std::make_unique<runtime_host>(host_options{.threads = 2});
    runtime& a = host->add_node("a");
    auto l = listen_local(a);
    linked_pair p = link(a, *l);
    auto l2 = listen_local(a);

    net::io_context io;
    net::ip::tcp::acceptor silent(io, {net::ip::make_address("127.0.0.1"), 0});
    silent.listen(0);
    net::ip::tcp::socket filler(io);
    filler.connect(silent.local_endpoint());
    const std::string blackhole = "127.0.0.1:" + std::to_string(silent.local_endpoint().port());

    auto received = std::async(std::launch::async, [&] { return p.server->receive(std::nullopt); });
    auto accepted = std::async(std::launch::async, [&] { return l2->accept(); });
    auto connected = std::async(std::launch::async, [&] { return a.net->connect(blackhole, std::nullopt); });
    // And a worker fiber parked in receive.
    std::promise<std::string> fiber_ended;
    auto fiber_ended_f = fiber_ended.get_future();
    fn_runnable on_fiber([&](std::size_t) { fiber_ended.set_value(p.client->receive(std::nullopt).reason); });
    a.executor.schedule(on_fiber);
    REQUIRE(received.wait_for(50ms) == std::future_status::timeout);
    REQUIRE(fiber_ended_f.wait_for(1ms) == std::future_status::timeout);

    host->shutdown();
    CHECK(await(received).what == received_frame::kind::closed);
    CHECK(await(accepted) == nullptr);
    const connect_result c = await(connected);
    CHECK(c.connection == nullptr);
    CHECK(c.error.find("shutting down") != std::string::npos);
    CHECK(await(fiber_ended_f).find("shutting down") != std::string::npos);

    CHECK(p.client->send(bytes_of("after shutdown")) == frame_send_status::closed);
    CHECK(p.client->receive(std::nullopt).what == received_frame::kind::closed);
    CHECK(a.net->connect(l->address(), std::nullopt).connection == nullptr);
    CHECK(a.net->listen("127.0.0.1:0").listener == nullptr);
    // Open connections and listeners go first, then the host.
    p = {};
    l.reset();
    l2.reset();
    host.reset();
}

TEST_CASE("TLS: a round trip with certificates of one verified CA", "[asio][tcp][tls]") {
    test_certificates ca;
    runtime_host host{host_options{.threads = 2}};
    runtime& a = host.add_node("a", {.tls = ca.node_tls("a")});
    runtime& b = host.add_node("b", {.tls = ca.node_tls("b"), .send_queue_limit = 16 * 1024 * 1024});
    auto l = listen_local(a);
    linked_pair p = link(b, *l);
    check_round_trip(p, a, "over TLS");
    const frame_bytes big = patterned(4 * 1024 * 1024, 3);
    REQUIRE(p.client->send(frame_bytes(big)) == frame_send_status::sent);
    REQUIRE(p.client->send({}) == frame_send_status::sent);
    CHECK(expect_frame(*p.server, a) == big);
    CHECK(expect_frame(*p.server, a).empty());
    p.client->close();
    CHECK(p.server->receive(in(a, patience)).what == received_frame::kind::closed);
}

TEST_CASE("TLS: failed handshakes fail cleanly, drop only their connection and are counted", "[asio][tcp][tls]") {
    test_certificates ca;
    test_certificates other_ca("another CA");
    runtime_host host{host_options{.threads = 2}};
    runtime& plain = host.add_node("plain");
    runtime& tls = host.add_node("tls", {.tls = ca.node_tls("tls")});
    // Trusts the server's CA, but its own certificate comes from another one.
    runtime& untrusted = host.add_node("untrusted", {.tls = other_ca.node_tls("untrusted", &ca)});

    SECTION("a TLS client and a plain server") {
        auto l = listen_local(plain);
        connect_result c = tls.net->connect(l->address(), in(tls, patience));
        CHECK(c.connection == nullptr);
        CHECK(c.error.find("cannot connect to " + l->address() + ": TLS handshake failed: ") == 0);
        // The plain server saw a connection speaking nonsense; it closed it.
        auto victim = l->accept();
        REQUIRE(victim != nullptr);
        CHECK(victim->receive(in(plain, patience)).what == received_frame::kind::closed);
        linked_pair p = link(plain, *l);
        check_round_trip(p, plain, "plain still works");
        CHECK(l->failures().count == 0);  // the plain server handed both out
    }
    SECTION("a plain client and a TLS server") {
        auto l = listen_local(tls);
        raw_client raw(*l);
        raw.write(length_prefix(5) + "hello");
        CHECK(raw.closed_by_peer());
        linked_pair p = link(tls, *l);
        check_round_trip(p, tls, "TLS still works");
        // The failure was recorded on the listener's thread before it handled the next one.
        const accept_failures f = l->failures();
        CHECK(f.count == 1);
        CHECK(f.last_reason.find("cannot accept from 127.0.0.1:") == 0);
        CHECK(f.last_reason.find(": TLS handshake failed: ") != std::string::npos);
    }
    SECTION("a certificate the server does not trust") {
        auto l = listen_local(tls);
        connect_result c = untrusted.net->connect(l->address(), in(untrusted, patience));
        if (c.connection != nullptr) {
            // With TLS 1.3 the client may finish before the server rejects its certificate.
            CHECK(c.connection->receive(in(untrusted, patience)).what == received_frame::kind::closed);
        }
        linked_pair p = link(tls, *l);
        check_round_trip(p, tls, "trusted still works");
        CHECK(l->failures().count == 1);
        CHECK(l->failures().last_reason.find(": TLS handshake failed: ") != std::string::npos);
    }
}

TEST_CASE("TLS: unusable files are refused when the node is added", "[asio][tcp][tls]") {
    runtime_host host{host_options{.threads = 1}};
    const auto add = [&](tls_options o) { host.add_node("n", node_network_options{.tls = o}); };
    tls_options missing_cert;
    missing_cert.certificate_chain_file = "/nonexistent/cert.pem";
    CHECK_THROWS_AS(add(missing_cert), std::invalid_argument);
    tls_options missing_key;
    missing_key.private_key_file = "/nonexistent/key.pem";
    CHECK_THROWS_WITH(add(missing_key), Catch::Contains("private key file"));
    test_certificates ca;
    const tls_options one = ca.node_tls("one");
    tls_options mismatched = one;
    mismatched.private_key_file = ca.issue("two").private_key_file;
    CHECK_THROWS_WITH(add(mismatched), Catch::Contains("mismatch"));
    CHECK_NOTHROW(add(one));
}

// ---- back-pressure ----------------------------------------------------------------------

namespace {

/// Connections whose queues hold 64 KiB each way.
const node_network_options small_queues{.send_queue_limit = 64 * 1024, .receive_queue_limit = 64 * 1024};

/// Sends `frame` on `c`, waiting for room while it is busy; false if the connection closed
/// or `until` passed first (the frame is then still in `frame`).
bool send_waiting(connection& c, frame_bytes& frame, time_point until) {
    for (;;) {
        const frame_send_status st = c.send(std::move(frame));
        if (st == frame_send_status::sent) return true;
        if (st != frame_send_status::busy) return false;
        if (c.wait_writable(until) != writable_status::ready) return false;
    }
}

/// Sends `count` numbered frames, waiting for room whenever the connection is busy; reports
/// "ok" or where it stopped.
struct flood_args {
    connection* to = nullptr;
    runtime* rt = nullptr;
    int count = 0;
    std::shared_ptr<std::promise<std::string>> done;
};
struct flooder : actor<int, flood_args, flood_args> {
    flood_args pre_start(actor_ref<int>, flood_args a) { return a; }
    void handle(actor_ref<int>, int, flood_args& a) {
        for (int seq = 0; seq < a.count; ++seq) {
            frame_bytes f = numbered(0, seq);
            f.resize(f.size() + static_cast<std::size_t>(seq % 7) * 300, 0x5a);
            if (!send_waiting(*a.to, f, in(*a.rt, patience))) {
                a.done->set_value("stopped at " + std::to_string(seq));
                return;
            }
        }
        a.done->set_value("ok");
    }
};

/// Checks that `count` frames of a flooder arrive whole and in order; reports a verdict.
struct flood_sink_args {
    connection* from = nullptr;
    runtime* rt = nullptr;
    int count = 0;
    std::shared_ptr<std::promise<std::string>> done;
};
struct flood_sink : actor<int, flood_sink_args, flood_sink_args> {
    flood_sink_args pre_start(actor_ref<int>, flood_sink_args a) { return a; }
    void handle(actor_ref<int>, int, flood_sink_args& a) {
        for (int seq = 0; seq < a.count; ++seq) {
            received_frame r = a.from->receive(in(*a.rt, patience));
            frame_bytes expected = numbered(0, seq);
            expected.resize(expected.size() + static_cast<std::size_t>(seq % 7) * 300, 0x5a);
            if (r.what != received_frame::kind::frame || r.bytes != expected) {
                a.done->set_value("bad frame at " + std::to_string(seq) + ": " + r.reason);
                return;
            }
        }
        a.done->set_value("ok");
    }
};

/// Sends 16 KiB frames on `c`, which nobody reads, until the flow stops: a send is busy and
/// room does not come within a while. Returns how many frames were taken, or `cap` if the flow
/// never stopped. The bounded wait can only fail a broken build: once the flow stops it never
/// resumes by itself.
int fill_until_stalled(connection& c, runtime& rt, int cap) {
    int taken = 0;
    while (taken < cap) {
        frame_bytes f = patterned(16 * 1024, static_cast<std::uint32_t>(taken));
        const frame_send_status st = c.send(std::move(f));
        if (st == frame_send_status::sent) {
            ++taken;
            continue;
        }
        REQUIRE(st == frame_send_status::busy);
        CHECK(f == patterned(16 * 1024, static_cast<std::uint32_t>(taken)));  // not taken
        if (c.wait_writable(in(rt, 500ms)) == writable_status::timed_out) return taken;
    }
    return cap;
}

/// Sends on a stalled connection, says so, then waits for room; reports how that ended.
struct waiting_writer_args {
    connection* to = nullptr;
    std::shared_ptr<std::promise<void>> waiting;
    std::shared_ptr<std::promise<std::string>> done;
};
struct waiting_writer : actor<int, waiting_writer_args, waiting_writer_args> {
    waiting_writer_args pre_start(actor_ref<int>, waiting_writer_args a) { return a; }
    void handle(actor_ref<int>, int, waiting_writer_args& a) {
        if (a.to->send(bytes_of("one more")) != frame_send_status::busy) {
            a.done->set_value("not busy");
            a.waiting->set_value();
            return;
        }
        a.waiting->set_value();
        const writable_status st = a.to->wait_writable(std::nullopt);
        a.done->set_value(st == writable_status::closed ? "closed" : st == writable_status::ready ? "ready" : "timed out");
    }
};

}  // namespace

TEST_CASE("a peer that does not read: its reads pause, send says busy, and reading resumes both",
          "[asio][tcp][backpressure]") {
    runtime_host host{host_options{.threads = 2}};
    runtime& a = host.add_node("a", small_queues);
    auto l = listen_local(a);
    linked_pair p = link(a, *l);

    // The server does not receive. Were its reads not paused, it would take every frame and
    // the flow would never stop; the kernel's socket buffers hold a few MiB, far below the cap.
    constexpr int cap = 4096;  // 64 MiB of 16 KiB frames
    const int taken = fill_until_stalled(*p.client, a, cap);
    REQUIRE(taken < cap);

    // Reading drains the server's queue; its reads resume, the sender's queue empties, and
    // every frame arrives once, in order.
    auto rest = std::async(std::launch::async, [&] {
        for (int i = taken; i < taken + 100; ++i) {
            frame_bytes f = patterned(16 * 1024, static_cast<std::uint32_t>(i));
            if (!send_waiting(*p.client, f, in(a, patience))) return false;
        }
        return true;
    });
    for (int i = 0; i < taken + 100; ++i) {
        const frame_bytes f = expect_frame(*p.server, a);
        if (f != patterned(16 * 1024, static_cast<std::uint32_t>(i))) {
            FAIL("frame " << i << " is not the one sent");
        }
    }
    CHECK(await(rest));
    check_round_trip(p, a, "still open");
}

TEST_CASE("a flood through small queues arrives whole and in order", "[asio][tcp][backpressure]") {
    runtime_host host{host_options{.threads = 2}};
    runtime& a = host.add_node("a", small_queues);
    runtime& b = host.add_node("b", small_queues);
    actor_system sys_a(a);
    actor_system sys_b(b);
    auto l = listen_local(a);
    linked_pair p = link(b, *l);
    constexpr int frames = 20'000;  // about 20 MiB
    auto sent = std::make_shared<std::promise<std::string>>();
    auto received = std::make_shared<std::promise<std::string>>();
    auto sent_f = sent->get_future();
    auto received_f = received->get_future();
    sys_a.spawn(flood_sink{}, flood_sink_args{p.server.get(), &a, frames, received}).cast(0);
    sys_b.spawn(flooder{}, flood_args{p.client.get(), &b, frames, sent}).cast(0);
    CHECK(await(sent_f) == "ok");
    CHECK(await(received_f) == "ok");
}

TEST_CASE("close wakes a blocked wait_writable, and a kill interrupts one", "[asio][tcp][backpressure]") {
    runtime_host host{host_options{.threads = 2}};
    runtime& a = host.add_node("a", small_queues);
    actor_system sys(a);
    auto l = listen_local(a);
    linked_pair p = link(a, *l);  // the server end never reads
    REQUIRE(fill_until_stalled(*p.client, a, 4096) < 4096);

    auto waiting = std::make_shared<std::promise<void>>();
    auto done = std::make_shared<std::promise<std::string>>();
    auto waiting_f = waiting->get_future();
    auto done_f = done->get_future();
    auto victim = sys.spawn(waiting_writer{}, waiting_writer_args{p.client.get(), waiting, done});
    victim.cast(0);
    await(waiting_f);
    victim.kill_and_wait();
    CHECK(done_f.wait_for(0s) == std::future_status::timeout);  // the wait never returned
    CHECK_FALSE(victim.is_alive());

    waiting = std::make_shared<std::promise<void>>();
    done = std::make_shared<std::promise<std::string>>();
    waiting_f = waiting->get_future();
    done_f = done->get_future();
    sys.spawn(waiting_writer{}, waiting_writer_args{p.client.get(), waiting, done}).cast(0);
    await(waiting_f);
    p.client->close();
    CHECK(await(done_f) == "closed");
    CHECK(p.client->send(bytes_of("late")) == frame_send_status::closed);
}

// ---- identity and accept failures --------------------------------------------------------

TEST_CASE("TLS: a connection names the peer's verified certificate; plain TCP names nobody",
          "[asio][tcp][tls]") {
    test_certificates ca;
    runtime_host host{host_options{.threads = 2}};
    runtime& a = host.add_node("a", {.tls = ca.node_tls("node-a")});
    runtime& b = host.add_node("b", {.tls = ca.node_tls("node-b")});
    tls_options unverified = ca.node_tls("node-c");
    unverified.verify_peer = false;
    runtime& c = host.add_node("c", {.tls = unverified});
    runtime& plain = host.add_node("plain");

    auto l = listen_local(a);
    linked_pair p = link(b, *l);
    // The test CA's certificates carry the common name and the DNS name `localhost`.
    CHECK(p.server->peer_identity() == std::vector<std::string>{"node-b", "localhost"});
    CHECK(p.client->peer_identity() == std::vector<std::string>{"node-a", "localhost"});

    // Without verification a certificate proves nothing, so it names nobody.
    auto lc = listen_local(c);
    linked_pair unchecked = link(c, *lc);
    check_round_trip(unchecked, c, "unverified TLS");
    CHECK(unchecked.client->peer_identity().empty());
    CHECK(unchecked.server->peer_identity().empty());

    auto lp = listen_local(plain);
    linked_pair q = link(plain, *lp);
    CHECK(q.client->peer_identity().empty());
    CHECK(q.server->peer_identity().empty());
}
