// The cluster on every backend: nodes on the simulated network and on TCP over loopback.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include <ractor/cluster/node.hpp>
#include <ractor/cluster/wire.hpp>

#include "support/backends.hpp"
#include "support/cluster_fixture.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;
using cluster::lookup_status;
using cluster::node_event;
using json = nlohmann::json;

CONFORMANCE_TEST("a session stays up while idle", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2");
    n2.node.connect(n1.node.address());
    REQUIRE(eventually(n1.sys, [&] { return sees(n1, {"n2"}) && sees(n2, {"n1"}); }));
    pause(n1.sys, 3s);
    std::string log;
    for (const auto& line : n1.node.log()) log += line + "\n";
    INFO(log);
    CHECK(sees(n1, {"n2"}));
    CHECK(n1.node.stats().sessions_up == 1);
}

CONFORMANCE_TEST("three nodes form a full mesh", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2"), n3(backend, "n3");
    n2.node.connect(n1.node.address());
    n3.node.connect(n1.node.address());
    n3.node.connect(n2.node.address());
    REQUIRE(eventually(n1.sys, [&] {
        return sees(n1, {"n2", "n3"}) && sees(n2, {"n1", "n3"}) && sees(n3, {"n1", "n2"});
    }));
    CHECK(n1.node.stats().open_connections == 2);
    CHECK(n2.node.stats().open_connections == 2);
    CHECK(n3.node.stats().open_connections == 2);
    CHECK(n1.node.stats().protocol_errors == 0);
}

CONFORMANCE_TEST("remote cast, call and name lookup", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2"), n3(backend, "n3");
    auto log = make_log();
    auto server = n1.sys.spawn(echo{}, log, {.name = "echo"});
    n2.node.connect(n1.node.address());
    n3.node.connect(n2.node.address());
    REQUIRE(eventually(n1.sys, [&] { return sees(n2, {"n1", "n3"}); }));

    auto found = n2.node.where_is<echo_message>("n1", "echo");
    REQUIRE(found.ok());
    const actor_ref<echo_message>& remote = found.value();
    CHECK(remote.id().node == n1.id());  // the proxy's id names the remote node
    CHECK(n2.sys.groups().get_local_members("none").empty());
    CHECK(remote.cast(echo_msg::note{"hello"}) == send_status::ok);
    CHECK(remote.cast(echo_msg::note{"world"}) == send_status::ok);
    REQUIRE(eventually(n1.sys, [&] { return log->lines().size() == 2; }));
    CHECK(log->lines() == std::vector<std::string>{"hello", "world"});  // in order
    auto r = shout(remote, "hi");
    REQUIRE(r.ok());
    CHECK(r.value() == "hi!");

    // Errors say what went wrong.
    CHECK(n2.node.where_is<echo_message>("n1", "nobody").status() == lookup_status::unknown_name);
    CHECK(n2.node.where_is<hold_request>("n1", "echo").status() == lookup_status::wrong_type);
    CHECK(n2.node.where_is<echo_message>("n9", "echo").status() == lookup_status::unknown_node);
    CHECK(n2.node.where_is<int>("n1", "echo").status() == lookup_status::unregistered);
    auto missing = n2.node.where_is<echo_message>("n1", "nobody");
    CHECK_THROWS_AS(missing.value(), cluster::lookup_error);
    CHECK(missing.error().find("nobody") != std::string::npos);

    // Cluster-wide lookup: n3 is not connected to n1, so only n2 may answer; n2 can.
    CHECK(n3.node.where_is<echo_message>("echo").status() == lookup_status::unknown_name);
    auto anywhere = n2.node.where_is<echo_message>("echo");
    REQUIRE(anywhere.ok());
    CHECK(shout(anywhere.value(), "again").value() == "again!");
    // On its own node the lookup gives the actor itself.
    auto local = n1.node.where_is<echo_message>("n1", "echo");
    REQUIRE(local.ok());
    CHECK(local.value() == server);
    CHECK(n1.node.stats().undelivered == 0);
}

CONFORMANCE_TEST("a remote call times out across a partition or when the reply does not come", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2");
    n1.sys.spawn(holder{}, {}, {.name = "holder"});
    n1.sys.spawn(echo{}, make_log(), {.name = "echo"});
    n2.node.connect(n1.node.address());
    REQUIRE(eventually(n1.sys, [&] { return sees(n2, {"n1"}); }));
    auto held = n2.node.where_is<hold_request>("n1", "holder").value();
    auto r = held.call([](reply_port<int> p) { return hold_request{std::move(p)}; }, 100ms);
    CHECK(r.is_timeout());

    auto server = n2.node.where_is<echo_message>("n1", "echo").value();
    REQUIRE(backend.partition(n1.id(), n2.id()));
    auto cut = shout(server, "lost", 100ms);  // shorter than the node-down timeout
    CHECK(cut.is_timeout());
    REQUIRE(eventually(n2.sys, [&] { return n2.node.nodes().empty(); }));
    auto after = shout(server, "gone", 100ms);  // the proxy is gone: an error at once
    CHECK(after.is_sender_error());
}

CONFORMANCE_TEST("process groups converge after joins, leaves and node loss", "[cluster]") {
    auto n1 = std::make_unique<test_node>(backend, "n1");
    test_node n2(backend, "n2"), n3(backend, "n3");
    auto watcher = n3.sys.spawn(probe{});
    n3.sys.groups().monitor("workers", watcher);
    auto a = n1->sys.spawn(echo{}, make_log());
    auto b = n1->sys.spawn(echo{}, make_log());
    n1->sys.groups().join("workers", {a, b});  // before the mesh: goes in the snapshots
    n2.node.connect(n1->node.address());
    n3.node.connect(n1->node.address());
    n3.node.connect(n2.node.address());
    REQUIRE(eventually(n3.sys, [&] { return sees(n3, {"n1", "n2"}) && sees(n2, {"n1", "n3"}); }));
    auto c = n2.sys.spawn(echo{}, make_log());
    n2.sys.groups().join("workers", {c});  // after the mesh: goes as a delta

    auto sizes = [&](std::size_t s1, std::size_t s2, std::size_t s3) {
        return n1->sys.groups().get_members("workers").size() == s1 &&
               n2.sys.groups().get_members("workers").size() == s2 &&
               n3.sys.groups().get_members("workers").size() == s3;
    };
    REQUIRE(eventually(n1->sys, [&] { return sizes(3, 3, 3); }));
    CHECK(n1->sys.groups().get_local_members("workers").size() == 2);
    CHECK(n2.sys.groups().get_local_members("workers").size() == 1);
    CHECK(n3.sys.groups().get_local_members("workers").empty());
    // Remote members are usable references.
    for (const auto& m : n3.sys.groups().get_members("workers")) {
        CHECK(m.id().node != n3.id());
        CHECK(shout(m.as<echo_message>(), "x").value() == "x!");
    }

    n1->sys.groups().leave("workers", {a});
    REQUIRE(eventually(n1->sys, [&] { return sizes(2, 2, 2); }));
    c.stop_and_wait();  // leaves automatically
    REQUIRE(eventually(n1->sys, [&] { return sizes(1, 1, 1); }));

    n1.reset();  // node loss: its members leave everywhere
    REQUIRE(eventually(n2.sys, [&] {
        return n2.sys.groups().get_members("workers").empty() && n3.sys.groups().get_members("workers").empty();
    }));
    // n3's group monitor saw every change: joins of a, b and c, then the leaves of a, c and b.
    const auto seen = events_of(watcher);
    std::size_t joined = 0, left = 0;
    for (const auto& e : seen) {
        if (e.what != supervision_event::kind::group_changed) continue;
        const auto members =
            static_cast<std::size_t>(std::count(e.group.begin(), e.group.end(), '<'));
        if (e.group.rfind("joined", 0) == 0) joined += members;
        if (e.group.rfind("left", 0) == 0) left += members;
    }
    CHECK(joined == 3);
    CHECK(left == 3);
}

CONFORMANCE_TEST("remote monitors see exits and noconnection", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2");
    auto first = n1.sys.spawn(echo{}, make_log(), {.name = "first"});
    n1.sys.spawn(echo{}, make_log(), {.name = "second"});
    n2.node.connect(n1.node.address());
    REQUIRE(eventually(n2.sys, [&] { return sees(n2, {"n1"}); }));
    auto r1 = n2.node.where_is<echo_message>("n1", "first").value();
    auto r2 = n2.node.where_is<echo_message>("n1", "second").value();
    auto watcher = n2.sys.spawn(probe{});
    watcher.cast(probe_msg::monitor{r1});
    watcher.cast(probe_msg::monitor{r2});
    auto supervisor = n2.sys.spawn(probe{});
    r2.link(supervisor);  // a remote actor under a local supervisor
    CHECK(events_of(watcher).empty());  // the probe monitors both proxies once this returns
    CHECK(shout(r1, "sync").ok());      // n1 watches both actors once this returns

    first.stop_and_wait("retired");
    auto seen = await_events(watcher, 1);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].what == supervision_event::kind::terminated);
    CHECK(seen[0].who == r1.id());
    CHECK(seen[0].reason == "retired");

    REQUIRE(backend.partition(n1.id(), n2.id()));
    seen = await_events(watcher, 2);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].who == r2.id());
    CHECK(seen[1].reason == "noconnection");
    CHECK_FALSE(r2.is_alive());
    const auto supervised = await_events(supervisor, 1);
    REQUIRE(supervised.size() == 1);
    CHECK(supervised[0].what == supervision_event::kind::terminated);
    CHECK_FALSE(supervised[0].from_monitor);
    CHECK(supervised[0].reason == "noconnection");
}

namespace {

/// n1 with an "echo" actor and n2 connected to it, logging n2's node events into `log`.
struct watched_pair {
    explicit watched_pair(test_backend& backend) : n1(backend, "n1"), n2(backend, "n2") {
        n1.sys.spawn(echo{}, make_log(), {.name = "echo"});
        n2.node.monitor_nodes(n2.sys.spawn(node_watcher{}, log));
        n2.node.connect(n1.node.address());
        REQUIRE(eventually(n2.sys, [&] { return sees(n2, {"n1"}); }));
        CHECK(shout(n2.node.where_is<echo_message>("n1", "echo").value(), "before").value() == "before!");
    }
    /// Waits for the session to come back once it went down, and checks a call through it.
    void check_back() {
        REQUIRE(eventually(n2.sys, [&] { return count_of(log->lines(), "up n1") == 2 && sees(n2, {"n1"}); }));
        CHECK(count_of(log->lines(), "down n1") == 1);
        auto again = n2.node.where_is<echo_message>("n1", "echo");
        REQUIRE(again.ok());
        CHECK(shout(again.value(), "after").value() == "after!");
    }

    log_ptr log = make_log();
    test_node n1, n2;
};

}  // namespace

CONFORMANCE_TEST("a session reconnects after a partition heals and traffic resumes", "[cluster]") {
    watched_pair p(backend);
    REQUIRE(backend.partition(p.n1.id(), p.n2.id()));
    REQUIRE(eventually(p.n2.sys, [&] { return p.n2.node.nodes().empty() && p.n1.node.nodes().empty(); }));
    pause(p.n2.sys, 1s);  // redials fail meanwhile
    CHECK(p.n2.node.nodes().empty());
    REQUIRE(backend.heal(p.n1.id(), p.n2.id()));
    p.check_back();
}

CONFORMANCE_TEST("a session comes back after a connection reset and traffic resumes", "[cluster]") {
    watched_pair p(backend);
    REQUIRE(p.n1.node.reset_connection("n2"));
    p.check_back();
}

CONFORMANCE_TEST("a wrong cookie is refused and the node keeps serving others", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2"), intruder(backend, "intruder", "guess");
    n1.sys.spawn(echo{}, make_log(), {.name = "echo"});
    intruder.node.connect(n1.node.address());
    REQUIRE(eventually(n1.sys, [&] { return n1.node.stats().refused >= 1 && intruder.node.stats().refused >= 1; }));
    n2.node.connect(n1.node.address());
    const bool connected = eventually(n1.sys, [&] { return sees(n2, {"n1"}); });
    if (!connected) WARN("n1:\n" << log_of(n1.node) << "n2:\n" << log_of(n2.node));
    REQUIRE(connected);
    CHECK(shout(n2.node.where_is<echo_message>("n1", "echo").value(), "ok").value() == "ok!");
    CHECK(sees(n1, {"n2"}));
    CHECK(intruder.node.nodes().empty());
    REQUIRE(eventually(n1.sys, [&] { return intruder.node.stats().open_connections == 0; }));  // gave up
    CHECK(intruder.node.stats().sessions_up == 0);
}

CONFORMANCE_TEST("simultaneous connects leave exactly one session", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2");
    n1.sys.spawn(echo{}, make_log(), {.name = "echo"});
    n1.node.connect(n2.node.address());
    n2.node.connect(n1.node.address());
    REQUIRE(eventually(n1.sys, [&] {
        return sees(n1, {"n2"}) && sees(n2, {"n1"}) && n1.node.stats().open_connections == 1 &&
               n2.node.stats().open_connections == 1;
    }));
    pause(n1.sys, 500ms);  // and it stays that way
    CHECK(n1.node.stats().open_connections == 1);
    CHECK(n2.node.stats().open_connections == 1);
    CHECK(sees(n1, {"n2"}));
    CHECK(shout(n2.node.where_is<echo_message>("n1", "echo").value(), "one").value() == "one!");
}

CONFORMANCE_TEST("bad input closes that connection and the node keeps serving", "[cluster]") {
    test_node n1(backend, "n1"), n2(backend, "n2");
    n1.sys.spawn(echo{}, make_log(), {.name = "echo"});
    n2.node.connect(n1.node.address());
    const bool up = eventually(n1.sys, [&] { return sees(n2, {"n1"}); });
    if (!up) WARN("n1:\n" << log_of(n1.node) << "n2:\n" << log_of(n2.node));
    REQUIRE(up);

    using cluster::frame;
    using cluster::frame_type;
    auto bytes_of = [](frame f) { return *cluster::encode_frame(f, 1 << 20); };
    const frame_bytes heartbeat = bytes_of(frame{cluster::wire_version, frame_type::heartbeat, 0, json::object()});
    frame_bytes garbage(40);
    for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<std::uint8_t>(0xc1 + 7 * i);
    frame_bytes wrong_version = heartbeat;
    wrong_version[0] = 99;
    frame_bytes unknown_type = heartbeat;
    unknown_type[1] = 200;
    const frame_bytes truncated(heartbeat.begin(), heartbeat.begin() + 4);
    frame_bytes cut_body = bytes_of(frame{cluster::wire_version, frame_type::hello, 0, json{{"name", "x"}, {"pad", "0123456789"}}});
    cut_body.resize(cut_body.size() - 5);
    const frame_bytes mistyped_hello =
        bytes_of(frame{cluster::wire_version, frame_type::hello, 0, json{{"name", 5}, {"versions", "no"}}});
    const std::vector<frame_bytes> bad{garbage, wrong_version, unknown_type, truncated, cut_body, heartbeat, mistyped_hello};

    const runtime& raw = backend.add_node("raw");
    for (const auto& input : bad) {
        auto c = raw.net->connect(n1.node.address(), raw.clock.now() + 2s);
        REQUIRE(c.connection);
        CHECK(c.connection->send(frame_bytes(input)) == frame_send_status::sent);
        const received_frame r = c.connection->receive(raw.clock.now() + 5s);
        CHECK(r.what == received_frame::kind::closed);  // n1 closed this connection only
    }
    CHECK(eventually(n1.sys, [&] { return n1.node.stats().protocol_errors == bad.size(); }));
    CHECK(sees(n1, {"n2"}));
    CHECK(shout(n2.node.where_is<echo_message>("n1", "echo").value(), "still").value() == "still!");
}

CONFORMANCE_TEST("an undecodable message fails its call at once and is counted", "[cluster]") {
    test_node n1(backend, "n1");
    n1.sys.spawn(echo{}, make_log(), {.name = "echo"});
    // A node whose "echo" is another C++ type: n1 cannot decode what it sends.
    actor_system odd_sys(backend.add_node("odd"));
    cluster::node odd(odd_sys, options_for(backend, "odd"));
    odd.register_message<hold_request>("echo");
    odd.connect(n1.node.address());
    // Both ends: the dialler registers its session only after n1's acknowledgement.
    REQUIRE(eventually(n1.sys, [&] { return sees(n1, {"odd"}) && odd.is_connected("n1"); }));
    auto mismatched = odd.where_is<hold_request>("n1", "echo");
    INFO(mismatched.error());
    REQUIRE(mismatched.ok());
    auto r = mismatched.value().call([](reply_port<int> p) { return hold_request{std::move(p)}; }, 10s);
    REQUIRE(r.is_sender_error());
    CHECK(r.error().find("cannot decode") != std::string::npos);
    CHECK(n1.node.stats().undelivered == 1);
    CHECK(sees(n1, {"odd"}));  // not fatal: the session stays up
}

CONFORMANCE_TEST("members that joined before the node existed are mirrored", "[cluster]") {
    actor_system early_sys(backend.add_node("n1"));
    auto early = early_sys.spawn(echo{}, make_log());
    early_sys.groups().join("workers", {early});  // no cluster node yet
    cluster::node n1(early_sys, options_for(backend, "n1"));
    n1.register_message<echo_message>("echo");
    test_node n2(backend, "n2");
    n2.node.connect(n1.address());
    REQUIRE(eventually(n2.sys, [&] { return n2.sys.groups().get_members("workers").size() == 1; }));
    CHECK(shout(n2.sys.groups().get_members("workers").front().as<echo_message>(), "early").value() == "early!");
    n1.shutdown();
}
