// Process groups and monitors across nodes, on every backend: members of message types the
// receiving node does not know (opaque proxies), withdrawing a remote watch when a proxy
// stops, and what stopping a proxy does (nothing to the remote actor). Also the receiving
// side of monitor/demonitor and malformed group frames, driven by a hand-made peer.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <ractor/cluster/handshake.hpp>
#include <ractor/cluster/node.hpp>
#include <ractor/cluster/opaque_message.hpp>
#include <ractor/cluster/wire.hpp>

#include "support/backends.hpp"
#include "support/cluster_fixture.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;
using cluster::frame_type;
using json = nlohmann::json;

namespace {

/// True if a default-built message can be cast through `Ref`.
template <class Ref>
concept castable = requires(const Ref& r) { r.cast({}); };
static_assert(castable<actor_ref<echo_message>>);
static_assert(!castable<actor_ref<cluster::opaque_message>>, "nothing can be sent to an opaque proxy");
static_assert(!std::is_default_constructible_v<cluster::opaque_message>);

std::size_t members_of(actor_system& sys, const std::string& group) { return sys.groups().get_members(group).size(); }

/// The members of `group` on `sys` that live on node `node`.
std::vector<any_actor_ref> members_on(actor_system& sys, const std::string& group, std::uint64_t node) {
    std::vector<any_actor_ref> out;
    for (const auto& m : sys.groups().get_members(group)) {
        if (m.id().node == node) out.push_back(m);
    }
    return out;
}

bool is_opaque(const any_actor_ref& a) { return a.cell()->message_type() == typeid(cluster::opaque_message); }

}  // namespace

CONFORMANCE_TEST("opaque members converge across three nodes and leave on exit and node loss", "[cluster]") {
    auto n1 = std::make_unique<test_node>(backend, "n1");
    test_node n2(backend, "n2"), n3(backend, "n3");
    // `idle` accepts int, which no node registered: its members are opaque elsewhere.
    auto a = n1->sys.spawn(idle{});
    auto b = n1->sys.spawn(idle{});
    auto typed = n1->sys.spawn(echo{}, make_log(), {.name = "echo"});
    n1->sys.groups().join("workers", {a, b, typed});  // before the mesh: in the snapshots
    n2.node.connect(n1->node.address());
    n3.node.connect(n1->node.address());
    n3.node.connect(n2.node.address());
    REQUIRE(eventually(n3.sys, [&] { return sees(n3, {"n1", "n2"}) && sees(n2, {"n1", "n3"}); }));
    auto c = n2.sys.spawn(idle{});
    n2.sys.groups().join("workers", {c});  // after the mesh: as a delta

    auto sizes = [&](std::size_t s1, std::size_t s2, std::size_t s3) {
        return members_of(n1->sys, "workers") == s1 && members_of(n2.sys, "workers") == s2 &&
               members_of(n3.sys, "workers") == s3;
    };
    const bool converged = eventually(n1->sys, [&] { return sizes(4, 4, 4); });
    if (!converged) WARN("n3:\n" << log_of(n3.node));
    REQUIRE(converged);
    CHECK(n3.sys.groups().get_local_members("workers").empty());

    // On n3: n1's members are two opaque proxies and a typed one, n2's one opaque proxy.
    const auto from_n1 = members_on(n3.sys, "workers", n1->id());
    REQUIRE(from_n1.size() == 3);
    std::size_t opaque = 0;
    for (const auto& m : from_n1) {
        if (!is_opaque(m)) {
            CHECK(shout(m.as<echo_message>(), "typed").value() == "typed!");
            // The member and a lookup of the same type give the same proxy.
            CHECK(n3.node.where_is<echo_message>("n1", "echo").value() == m);
            continue;
        }
        ++opaque;
        CHECK(m.is_alive());
        CHECK_THROWS_AS(m.as<echo_message>(), wrong_message_type);
        CHECK_THROWS_AS(m.as<int>(), wrong_message_type);  // its real type is not known here
        CHECK_NOTHROW(m.as<cluster::opaque_message>());
    }
    CHECK(opaque == 2);
    const auto from_n2 = members_on(n3.sys, "workers", n2.id());
    REQUIRE(from_n2.size() == 1);
    CHECK(is_opaque(from_n2.front()));

    a.stop_and_wait("retired");  // leaves everywhere
    REQUIRE(eventually(n1->sys, [&] { return sizes(3, 3, 3); }));
    n1->sys.groups().leave("workers", {b});
    REQUIRE(eventually(n1->sys, [&] { return sizes(2, 2, 2); }));
    n1->sys.groups().join("workers", {b});
    REQUIRE(eventually(n1->sys, [&] { return sizes(3, 3, 3); }));

    n1.reset();  // node loss: its members leave everywhere, n2's stays
    REQUIRE(eventually(n2.sys, [&] { return members_of(n2.sys, "workers") == 1 && members_of(n3.sys, "workers") == 1; }));
    CHECK(n3.sys.groups().get_members("workers").front().id().node == n2.id());
}

CONFORMANCE_TEST("an opaque member can be monitored from another node", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2");
    auto x = n1.sys.spawn(idle{});
    auto y = n1.sys.spawn(idle{});
    n1.sys.groups().join("workers", {x, y});
    n2.node.connect(n1.node.address());
    REQUIRE(eventually(n2.sys, [&] { return members_of(n2.sys, "workers") == 2; }));
    // n1 watches both once its session handled the monitor frames the proxies sent.
    REQUIRE(eventually(n1.sys, [&] { return n1.node.stats().remote_watchers == 2; }));
    auto px = members_on(n2.sys, "workers", n1.id());
    REQUIRE(px.size() == 2);
    auto watcher = n2.sys.spawn(probe{});
    watcher.cast(probe_msg::monitor{px[0]});
    watcher.cast(probe_msg::monitor{px[1]});
    CHECK(events_of(watcher).empty());  // the probe monitors both proxies once this returns

    // Which proxy stands for x: the one that stops when x does.
    x.stop_and_wait("retired");
    auto seen = await_events(watcher, 1);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].what == supervision_event::kind::terminated);
    CHECK(seen[0].from_monitor);
    CHECK(seen[0].reason == "retired");
    const actor_id x_proxy = seen[0].who;
    const any_actor_ref y_proxy = px[0].id() == x_proxy ? px[1] : px[0];
    REQUIRE(eventually(n2.sys, [&] { return members_of(n2.sys, "workers") == 1; }));
    CHECK(n1.node.stats().remote_watchers == 1);

    n1.node.shutdown();  // node loss
    seen = await_events(watcher, 2);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].who == y_proxy.id());
    CHECK(seen[1].reason == "noconnection");
    CHECK_FALSE(y_proxy.is_alive());
    CHECK(members_of(n2.sys, "workers") == 0);
}

CONFORMANCE_TEST("a stopped or killed proxy withdraws its watch and leaves the remote actor running", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2");
    auto log = make_log();
    auto server = n1.sys.spawn(echo{}, log, {.name = "echo"});
    n2.node.connect(n1.node.address());
    REQUIRE(eventually(n2.sys, [&] { return sees(n2, {"n1"}); }));

    auto proxy = n2.node.where_is<echo_message>("n1", "echo").value();
    CHECK(shout(proxy, "one").value() == "one!");  // the monitor frame went first
    CHECK(n1.node.stats().remote_watchers == 1);
    proxy.stop_and_wait("done with it");
    REQUIRE(eventually(n1.sys, [&] { return n1.node.stats().remote_watchers == 0; }));
    CHECK(server.is_alive());  // a proxy's end is not its remote actor's
    CHECK(proxy.cast(echo_msg::note{"late"}) != send_status::ok);

    // A fresh lookup gives a fresh proxy, which watches again; killing it also withdraws.
    auto again = n2.node.where_is<echo_message>("n1", "echo").value();
    CHECK_FALSE(again == proxy);
    CHECK(shout(again, "two").value() == "two!");
    CHECK(n1.node.stats().remote_watchers == 1);
    again.kill_and_wait();
    REQUIRE(eventually(n1.sys, [&] { return n1.node.stats().remote_watchers == 0; }));
    CHECK(server.is_alive());
    auto third = n2.node.where_is<echo_message>("n1", "echo").value();
    CHECK(shout(third, "three").value() == "three!");
    CHECK(sees(n2, {"n1"}));
    CHECK(n1.node.stats().undelivered == 0);
}

CONFORMANCE_TEST("a typed and an opaque proxy of one actor share one watch", "[cluster]") {
    test_node n1(backend, "n1");
    auto server = n1.sys.spawn(echo{}, make_log(), {.name = "echo"});
    n1.sys.groups().join("workers", {server});
    // n2 does not know "echo" yet: the member arrives opaque.
    actor_system sys2(backend.add_node("n2"));
    cluster::node n2(sys2, options_for(backend, "n2"));
    n2.connect(n1.node.address());
    REQUIRE(eventually(sys2, [&] { return members_of(sys2, "workers") == 1; }));
    const any_actor_ref member = sys2.groups().get_members("workers").front();
    CHECK(is_opaque(member));
    REQUIRE(eventually(n1.sys, [&] { return n1.node.stats().remote_watchers == 1; }));

    // Registered later, a lookup gives a typed proxy of the same actor, beside the opaque one.
    n2.register_message<echo_message>("echo");
    auto typed = n2.where_is<echo_message>("n1", "echo").value();
    CHECK_FALSE(typed == member);
    CHECK(typed.id().node == member.id().node);
    CHECK(shout(typed, "hi").value() == "hi!");
    CHECK(n1.node.stats().remote_watchers == 1);  // one watch per actor and peer

    typed.stop_and_wait();  // the opaque proxy still needs the watch
    pause(sys2, 300ms);
    CHECK(n1.node.stats().remote_watchers == 1);
    CHECK(member.is_alive());
    server.stop_and_wait("retired");  // reported to the opaque proxy
    REQUIRE(member.wait_for(10s));
    CHECK(members_of(sys2, "workers") == 0);
    CHECK(n1.node.stats().remote_watchers == 0);
    n2.shutdown();
}

namespace {

/// A peer driven by hand: a raw connection on which `name` completed the dialler's handshake.
class raw_peer {
public:
    raw_peer(const runtime& rt, const std::string& address, const std::string& name, const std::string& cookie)
        : rt_(rt) {
        auto c = rt.net->connect(address, rt.clock.now() + 5s);
        REQUIRE(c.connection);
        conn_ = std::move(c.connection);
        const auto mine = cluster::make_challenge(rt.entropy);
        send(frame_type::hello, json{{"name", name},
                                     {"node_id", rt.node_id},
                                     {"versions", std::vector<std::uint8_t>{cluster::wire_version}},
                                     {"challenge", json::binary(mine)}});
        auto challenge = next();
        REQUIRE(challenge);
        REQUIRE(challenge->type == frame_type::challenge);
        const std::vector<std::uint8_t> theirs = challenge->body.at("challenge").get_binary();
        const auto proof = cluster::handshake_proof(cookie, theirs, name);
        send(frame_type::challenge_reply, json{{"proof", json::binary({proof.begin(), proof.end()})}});
        auto ack = next();
        REQUIRE(ack);
        REQUIRE(ack->type == frame_type::ack);
    }

    bool send(frame_type type, json body) {
        return conn_->send(*cluster::encode_frame({cluster::wire_version, type, seq_++, std::move(body)}, 1 << 20)) ==
               frame_send_status::sent;
    }
    /// The next frame, nullopt once the connection closed (or after 5 s).
    std::optional<cluster::frame> next() {
        const received_frame r = conn_->receive(rt_.clock.now() + 5s);
        if (r.what != received_frame::kind::frame) return std::nullopt;
        return cluster::decode_frame(r.bytes, 1 << 20).frame;
    }
    /// True once the other side closed the connection (skipping what it sends meanwhile).
    bool closed_by_peer() {
        for (;;) {
            const received_frame r = conn_->receive(rt_.clock.now() + 5s);
            if (r.what == received_frame::kind::closed) return true;
            if (r.what == received_frame::kind::timed_out) return false;
        }
    }

private:
    const runtime& rt_;
    std::unique_ptr<connection> conn_;
    std::uint64_t seq_ = 0;
};

}  // namespace

CONFORMANCE_TEST("monitor and demonitor frames add and drop a watch; malformed group frames close the session",
                 "[cluster]") {
    actor_system sys1(backend.add_node("n1"));
    auto o = options_for(backend, "n1");
    o.node_down_timeout = 30s;  // the hand-made peer sends no heartbeats
    cluster::node n1(sys1, o);
    n1.register_message<echo_message>("echo");
    auto server = sys1.spawn(echo{}, make_log(), {.name = "echo"});
    test_node n2(backend, "n2");
    n2.node.connect(n1.address());
    REQUIRE(eventually(sys1, [&] { return n1.nodes() == std::vector<std::string>{"n2"}; }));
    const runtime& raw = backend.add_node("raw");

    {
        raw_peer peer(raw, n1.address(), "raw", "secret");
        REQUIRE(eventually(sys1, [&] { return n1.nodes().size() == 2; }));
        CHECK(peer.send(frame_type::monitor, json{{"id", server.id().local}}));
        REQUIRE(eventually(sys1, [&] { return n1.stats().remote_watchers == 1; }));
        CHECK(peer.send(frame_type::demonitor, json{{"id", server.id().local}}));
        REQUIRE(eventually(sys1, [&] { return n1.stats().remote_watchers == 0; }));
        // Watched again after a demonitor, then forgotten when the peer goes.
        CHECK(peer.send(frame_type::monitor, json{{"id", server.id().local}}));
        REQUIRE(eventually(sys1, [&] { return n1.stats().remote_watchers == 1; }));
        CHECK(peer.send(frame_type::demonitor, json{{"id", "not a number"}}));
        CHECK(peer.closed_by_peer());
    }
    REQUIRE(eventually(sys1, [&] { return n1.stats().protocol_errors == 1 && n1.stats().remote_watchers == 0; }));

    const std::vector<std::pair<frame_type, json>> bad{
        {frame_type::demonitor, json::object()},
        {frame_type::pg_join, json{{"scope", "default"}, {"group", "g"}, {"members", 5}}},
        {frame_type::pg_join, json{{"scope", "default"}, {"group", "g"}, {"members", json::array({json::array({7})})}}},
        {frame_type::pg_leave, json{{"scope", 1}, {"group", "g"}, {"members", json::array()}}},
        {frame_type::pg_snapshot, json{{"groups", json::array({json::array({"default"})})}}},
        {frame_type::pg_snapshot, json{{"groups", "all"}}},
    };
    for (const auto& [type, body] : bad) {
        raw_peer peer(raw, n1.address(), "raw", "secret");
        // A well-formed member of a type nobody registered joins first (as an opaque proxy).
        CHECK(peer.send(frame_type::pg_join, json{{"scope", "default"}, {"group", "g"}, {"members", json::array({json::array({42, ""})})}}));
        REQUIRE(eventually(sys1, [&] { return members_of(sys1, "g") == 1; }));
        CHECK(peer.send(type, body));
        CHECK(peer.closed_by_peer());
        REQUIRE(eventually(sys1, [&] { return members_of(sys1, "g") == 0; }));  // the peer is down
    }
    CHECK(eventually(sys1, [&] { return n1.stats().protocol_errors == 1 + bad.size(); }));
    CHECK(server.is_alive());
    CHECK(n1.nodes() == std::vector<std::string>{"n2"});
    CHECK(shout(n2.node.where_is<echo_message>("n1", "echo").value(), "still").value() == "still!");
    n1.shutdown();
}
