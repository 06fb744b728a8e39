// Cluster nodes over TLS on the asio backend: a full mesh with remote messaging and process
// groups, and peers that do not speak TLS, hold a certificate of another CA or send garbage.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/cluster/node.hpp>
#include <ractor/cluster/wire.hpp>

#include "support/cluster_messages.hpp"
#include "support/test_actors.hpp"
#include "support/test_certificates.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;
using asio_backend::host_options;
using asio_backend::runtime_host;
using asio_backend::tls_options;
using json = nlohmann::json;
namespace net = boost::asio;

namespace {

/// How long a test waits for the cluster to settle: far beyond what a loaded 2-core machine
/// needs, only there so a bug fails the test instead of hanging it.
constexpr auto patience = 30s;

/// Short timings so that refusals and redials happen many times within a test.
cluster::node_options options_for(const std::string& name) {
    cluster::node_options o;
    o.name = name;
    o.cookie = "secret";
    o.listen_address = "127.0.0.1:0";
    o.heartbeat_interval = 100ms;
    o.node_down_timeout = 5s;  // generous: TLS adds work on a loaded machine
    o.reconnect_backoff_min = 20ms;
    o.reconnect_backoff_max = 200ms;
    o.connect_timeout = 5s;
    o.lookup_timeout = 5s;
    return o;
}

/// A cluster node on its own runtime of `host`: TLS with `tls`, plain TCP without.
struct test_node {
    test_node(runtime_host& host, const std::string& name, std::optional<tls_options> tls)
        : sys(host.add_node(name, {.tls = std::move(tls)})), node(sys, options_for(name)) {
        node.register_message<echo_message>("echo_message");
    }

    actor_system sys;
    cluster::node node;  // destroyed before its system
};

std::string log_of(const test_node& n) {
    std::string out = n.node.name() + ":\n";
    for (const auto& line : n.node.log()) out += "  " + line + "\n";
    return out;
}

/// Polls `done` every 10 ms until it holds or `patience` passed; on failure prints the logs
/// of `shown`.
bool eventually(actor_system& sys, const std::function<bool()>& done, std::vector<const test_node*> shown = {}) {
    auto sleeper = sys.spawn(idle{});
    bool ok = done();
    for (auto waited = 0ms; !ok && waited < patience; waited += 10ms) {
        sleeper.wait_for(10ms);
        ok = done();
    }
    sleeper.stop();
    for (const test_node* n : shown) {
        if (!ok) WARN(log_of(*n));
    }
    return ok;
}

/// How many lines of `n`'s log start with `prefix`.
std::size_t log_lines(const test_node& n, const std::string& prefix) {
    const auto lines = n.node.log();
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
}

bool sees(const test_node& n, const std::vector<std::string>& peers) { return n.node.nodes() == peers; }

call_result<std::string> ask(const actor_ref<echo_message>& to, const std::string& text) {
    return to.call([&](reply_port<std::string> p) { return echo_message{echo_msg::shout{text, std::move(p)}}; }, 10s);
}

/// Asks the echo actor `name` on node `on` through `from`'s session; its answer or the error.
std::string ask_remote(test_node& from, const std::string& on, const std::string& name, const std::string& text) {
    auto found = from.node.where_is<echo_message>(on, name);
    if (!found.ok()) return "lookup failed: " + found.error();
    auto r = ask(found.value(), text);
    return r.ok() ? r.value() : "call failed: " + r.error();
}

/// Two TLS nodes of one CA, connected, with an echo actor "echo" on the first.
struct tls_pair {
    explicit tls_pair(runtime_host& host, test_certificates& ca)
        : n1(host, "n1", ca.node_tls("n1")), n2(host, "n2", ca.node_tls("n2")) {
        n1.sys.spawn(echo{}, make_log(), {.name = "echo"});
        n2.node.connect(n1.node.address());
        REQUIRE(eventually(n1.sys, [&] { return sees(n1, {"n2"}) && sees(n2, {"n1"}); }, {&n1, &n2}));
    }

    /// The session is still the first one and carries calls; `n1` refused `refused` sessions
    /// (connections that reached the cluster layer but failed their handshake). Open
    /// connections are not checked: a dialler counts as one while it redials.
    void check_unharmed(std::uint64_t refused = 0) {
        INFO(log_of(n1) << log_of(n2));
        CHECK(sees(n1, {"n2"}));
        CHECK(n1.node.is_connected("n2"));
        CHECK(n1.node.stats().sessions_up == 1);
        CHECK(n1.node.stats().refused == refused);
        CHECK(n2.node.stats().sessions_up == 1);
        CHECK(ask_remote(n2, "n1", "echo", "still there") == "still there!");
    }

    test_node n1;
    test_node n2;
};

/// A plain TCP socket, for bytes that are not TLS at all.
class raw_socket {
public:
    explicit raw_socket(const std::string& address) {
        const auto colon = address.rfind(':');
        socket_.connect({net::ip::make_address(address.substr(0, colon)),
                         static_cast<unsigned short>(std::stoi(address.substr(colon + 1)))});
    }

    void write(const std::string& bytes) { net::write(socket_, net::buffer(bytes)); }
    /// Ends this side's writing, as a peer that stops in the middle of a record does.
    void shutdown_send() { socket_.shutdown(net::ip::tcp::socket::shutdown_send); }

    /// Reads (and drops) whatever comes until the peer closes; true if it did within
    /// `patience`.
    bool closed_by_peer() {
        bool closed = false;
        std::function<void()> read_more = [&] {
            socket_.async_read_some(net::buffer(sink_), [&](const boost::system::error_code& ec, std::size_t) {
                if (ec) closed = true;
                else read_more();
            });
        };
        read_more();
        io_.run_for(patience);
        return closed;
    }

private:
    net::io_context io_;
    net::ip::tcp::socket socket_{io_};
    std::vector<char> sink_ = std::vector<char>(4096);
};

std::string text_of(const frame_bytes& bytes) { return {bytes.begin(), bytes.end()}; }

/// `bytes` after the 4-byte big-endian length the TCP transport puts before each frame.
std::string length_prefixed(const std::string& bytes) {
    const auto n = static_cast<std::uint32_t>(bytes.size());
    return std::string{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                       static_cast<char>(n)} +
           bytes;
}

}  // namespace

TEST_CASE("TLS: three nodes form a full mesh with remote casts, calls and groups", "[cluster][tls][asio]") {
    test_certificates ca;
    runtime_host host{host_options{.threads = 2}};
    test_node n1(host, "n1", ca.node_tls("n1"));
    test_node n2(host, "n2", ca.node_tls("n2"));
    test_node n3(host, "n3", ca.node_tls("n3"));

    auto log1 = make_log();
    n1.sys.spawn(echo{}, log1, {.name = "echo"});
    n3.sys.spawn(echo{}, make_log(), {.name = "echo"});
    n2.node.connect(n1.node.address());
    n3.node.connect(n1.node.address());
    n3.node.connect(n2.node.address());
    REQUIRE(eventually(
        n1.sys, [&] { return sees(n1, {"n2", "n3"}) && sees(n2, {"n1", "n3"}) && sees(n3, {"n1", "n2"}); },
        {&n1, &n2, &n3}));
    for (const test_node* n : {&n1, &n2, &n3}) {
        CHECK(n->node.stats().open_connections == 2);
        CHECK(n->node.stats().sessions_up == 2);
        CHECK(n->node.stats().refused == 0);
        CHECK(n->node.stats().protocol_errors == 0);
    }
    CHECK(n2.node.is_connected("n3"));

    // Casts arrive in order, calls come back, in every direction the mesh has.
    auto remote = n2.node.where_is<echo_message>("n1", "echo");
    REQUIRE(remote.ok());
    for (const char* text : {"one", "two", "three"}) CHECK(remote.value().cast(echo_msg::note{text}) == send_status::ok);
    REQUIRE(eventually(n1.sys, [&] { return log1->lines().size() == 3; }));
    CHECK(log1->lines() == std::vector<std::string>{"one", "two", "three"});
    CHECK(ask(remote.value(), "hello").value() == "hello!");
    CHECK(ask_remote(n3, "n1", "echo", "from n3") == "from n3!");
    CHECK(ask_remote(n1, "n3", "echo", "from n1") == "from n1!");
    CHECK(ask_remote(n2, "n3", "echo", "from n2") == "from n2!");

    // A 256 KiB message crosses as several TLS records.
    const std::string big(256 * 1024, 'x');
    CHECK(ask(remote.value(), big).value() == big + "!");

    // Process groups: members of n1 and n2 are seen, and usable, everywhere.
    auto a = n1.sys.spawn(echo{}, make_log());
    auto b = n1.sys.spawn(echo{}, make_log());
    auto c = n2.sys.spawn(echo{}, make_log());
    n1.sys.groups().join("workers", {a, b});
    n2.sys.groups().join("workers", {c});
    const auto sizes = [&](std::size_t s) {
        return n1.sys.groups().get_members("workers").size() == s &&
               n2.sys.groups().get_members("workers").size() == s &&
               n3.sys.groups().get_members("workers").size() == s;
    };
    REQUIRE(eventually(n3.sys, [&] { return sizes(3); }));
    CHECK(n3.sys.groups().get_local_members("workers").empty());
    std::size_t answered = 0;
    for (const auto& m : n3.sys.groups().get_members("workers")) {
        CHECK(m.id().node != n3.sys.node_id());
        if (ask(m.as<echo_message>(), "member").value() == "member!") ++answered;
    }
    CHECK(answered == 3);
    n1.sys.groups().leave("workers", {a});
    c.stop_and_wait();
    REQUIRE(eventually(n3.sys, [&] { return sizes(1); }));
    CHECK(n3.sys.groups().get_members("workers").front().id().node == n1.sys.node_id());

    for (const test_node* n : {&n1, &n2, &n3}) {
        CHECK(n->node.stats().undelivered == 0);
        CHECK(n->node.stats().sessions_up == 2);  // no session was lost on the way
    }
}

TEST_CASE("TLS: a plain TCP node and a TLS node cannot connect; TLS peers are unharmed",
          "[cluster][tls][asio]") {
    test_certificates ca;
    runtime_host host{host_options{.threads = 2}};
    tls_pair tls(host, ca);
    test_node plain(host, "plain", std::nullopt);

    SECTION("the plain node dials the TLS node") {
        plain.node.connect(tls.n1.node.address());
        // The TLS listener drops every attempt before a session starts; the dialler redials.
        REQUIRE(eventually(plain.sys, [&] { return plain.node.stats().refused >= 3; }, {&plain}));
        INFO(log_of(plain));
        CHECK(plain.node.stats().sessions_up == 0);
        CHECK(plain.node.nodes().empty());
        CHECK_FALSE(plain.node.is_connected("n1"));
        CHECK(log_lines(plain, "connection closed: connection closed") >= 3);
        // The cluster layer of the TLS node never saw those connections.
        CHECK(tls.n1.node.stats().protocol_errors == 0);
        CHECK(tls.n1.node.stats().open_connections == 1);
        tls.check_unharmed();
    }
    SECTION("the TLS node dials the plain node") {
        tls.n1.node.connect(plain.node.address());
        const std::string failed = "dialling " + plain.node.address() + " failed: cannot connect to " +
                                   plain.node.address() + ": TLS handshake failed: ";
        REQUIRE(eventually(tls.n1.sys, [&] { return log_lines(tls.n1, failed) >= 3; }, {&tls.n1}));
        // The plain node saw each attempt as a connection that spoke no cluster protocol.
        REQUIRE(eventually(plain.sys, [&] { return plain.node.stats().refused >= 3; }, {&plain}));
        CHECK(plain.node.stats().sessions_up == 0);
        CHECK(plain.node.nodes().empty());
        CHECK_FALSE(tls.n1.node.is_connected("plain"));
        tls.check_unharmed();
    }
}

TEST_CASE("TLS: a certificate of another CA is refused when peers are verified", "[cluster][tls][asio]") {
    test_certificates ca;
    test_certificates other_ca("another CA");
    runtime_host host{host_options{.threads = 2}};
    tls_pair tls(host, ca);

    SECTION("as a client: the TLS node refuses its certificate") {
        // It trusts the cluster's CA, so only the server's verification can refuse it.
        test_node stranger(host, "stranger", other_ca.node_tls("stranger", &ca));
        stranger.node.connect(tls.n1.node.address());
        // With TLS 1.3 the client may finish its handshake before the server checks the
        // client's certificate: the attempt fails in `connect` or as a closed connection.
        const auto attempts = [&] {
            return log_lines(stranger, "dialling " + tls.n1.node.address() + " failed: ") +
                   log_lines(stranger, "connection closed: ");
        };
        REQUIRE(eventually(stranger.sys, [&] { return attempts() >= 3; }, {&stranger}));
        CHECK(stranger.node.stats().sessions_up == 0);
        CHECK(stranger.node.nodes().empty());
        CHECK(tls.n1.node.stats().protocol_errors == 0);
        CHECK(tls.n1.node.stats().open_connections == 1);
        tls.check_unharmed();
    }
    SECTION("as a server: the TLS node refuses the certificate it is shown") {
        test_node stranger(host, "stranger", other_ca.node_tls("stranger", &ca));
        tls.n1.node.connect(stranger.node.address());
        const std::string failed = "dialling " + stranger.node.address() + " failed: cannot connect to " +
                                   stranger.node.address() + ": TLS handshake failed: ";
        REQUIRE(eventually(tls.n1.sys, [&] { return log_lines(tls.n1, failed) >= 3; }, {&tls.n1}));
        CHECK(stranger.node.stats().sessions_up == 0);
        CHECK(stranger.node.stats().open_connections == 0);  // its listener handed nothing out
        CHECK_FALSE(tls.n1.node.is_connected("stranger"));
        tls.check_unharmed();
    }
    SECTION("with verification off, the CA no longer matters and the cookie decides") {
        tls_options lax = ca.node_tls("lax");
        lax.verify_peer = false;
        test_node lax_node(host, "lax", lax);
        test_node stranger(host, "stranger", other_ca.node_tls("stranger", &ca));
        stranger.node.connect(lax_node.node.address());
        REQUIRE(eventually(
            stranger.sys, [&] { return sees(stranger, {"lax"}) && sees(lax_node, {"stranger"}); },
            {&lax_node, &stranger}));
        lax_node.sys.spawn(echo{}, make_log(), {.name = "echo"});
        CHECK(ask_remote(stranger, "lax", "echo", "unverified") == "unverified!");
        tls.check_unharmed();
    }
}

TEST_CASE("TLS: a certificate that names another node is refused; the session keeps serving",
          "[cluster][tls][asio]") {
    test_certificates ca;
    runtime_host host{host_options{.threads = 2}};
    tls_pair tls(host, ca);
    // A holder of the cluster's CA and the cookie, claiming a name its certificate does not give.
    test_node impostor(host, "n3", ca.node_tls("n2"));
    impostor.node.connect(tls.n1.node.address());
    REQUIRE(eventually(tls.n1.sys, [&] {
        return tls.n1.node.stats().refused_identity >= 1 && impostor.node.stats().refused >= 1;
    }, {&tls.n1, &impostor}));
    CHECK(impostor.node.stats().sessions_up == 0);
    CHECK_FALSE(tls.n1.node.is_connected("n3"));
    tls.check_unharmed(tls.n1.node.stats().refused);
    // The plain node dialling shows up as the transport's TLS failures, counted and logged.
    test_node plain(host, "plain", std::nullopt);
    plain.node.connect(tls.n1.node.address());
    REQUIRE(eventually(tls.n1.sys, [&] { return tls.n1.node.stats().refused_tls >= 1; }, {&tls.n1}));
    const auto lines = tls.n1.node.log();
    CHECK(std::any_of(lines.begin(), lines.end(),
                      [](const std::string& l) { return l.find("failed in the transport; the last: ") != std::string::npos; }));
}

TEST_CASE("TLS: garbage on a raw TCP connection closes only that connection", "[cluster][tls][asio]") {
    test_certificates ca;
    runtime_host host{host_options{.threads = 2}};
    tls_pair tls(host, ca);
    const std::string address = tls.n1.node.address();

    std::string garbage;
    for (int i = 0; i < 40; ++i) garbage += static_cast<char>(0xc1 + 7 * i);
    const frame_bytes hello = *cluster::encode_frame(
        cluster::frame{cluster::wire_version, cluster::frame_type::hello, 0, json{{"name", "raw"}}}, 1 << 20);
    const std::vector<std::pair<std::string, std::string>> inputs{
        {"bytes that are no TLS record", garbage},
        {"a cluster hello as a plain node frames it", length_prefixed(text_of(hello))},
        {"a TLS record announcing 64 KiB", std::string("\x16\x03\x01\xff\xff", 5) + garbage},
    };
    for (const auto& [what, bytes] : inputs) {
        INFO(what);
        raw_socket raw(address);
        raw.write(bytes);
        CHECK(raw.closed_by_peer());
    }
    {
        INFO("a TLS record cut short by the end of the stream");
        raw_socket raw(address);
        raw.write(std::string("\x16\x03\x01\x00\x40", 5) + "\x01\x00");
        raw.shutdown_send();
        CHECK(raw.closed_by_peer());
    }
    CHECK(tls.n1.node.stats().protocol_errors == 0);  // none of it reached the cluster layer
    CHECK(tls.n1.node.stats().open_connections == 1);
    tls.check_unharmed();

    // Inside a TLS session, cluster-level garbage is the cluster's to refuse.
    runtime& raw_tls = host.add_node("raw-tls", {.tls = ca.node_tls("raw-tls")});
    auto c = raw_tls.net->connect(address, raw_tls.clock.now() + patience);
    REQUIRE(c.connection);
    CHECK(c.connection->send(frame_bytes(garbage.begin(), garbage.end())) == frame_send_status::sent);
    const received_frame r = c.connection->receive(raw_tls.clock.now() + patience);
    CHECK(r.what == received_frame::kind::closed);
    c.connection.reset();
    REQUIRE(eventually(tls.n1.sys, [&] { return tls.n1.node.stats().protocol_errors == 1; }, {&tls.n1}));
    tls.check_unharmed(1);  // that connection counts as a refused handshake too
}
