// Partitions between the nodes of one asio host: frames dropped both ways, connects unanswered,
// other nodes unaffected, and traffic back on the same connections after a heal.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/runtime/runtime.hpp>

#include "asio/asio_test_support.hpp"

using namespace ractor;
using namespace ractor::asio_backend;
using namespace ractor::asio_test;
using namespace std::chrono_literals;

namespace {

frame_bytes bytes_of(const std::string& text) {
    return frame_bytes(text.begin(), text.end());
}

/// How long a receive listens for a frame that must not come. A late frame still fails the
/// test: the next frame received must then be the one sent after the heal.
constexpr std::chrono::milliseconds quiet{200};

/// The next frame's text, or how the receive ended.
std::string next_text(connection& c, runtime& rt, duration wait = patience) {
    received_frame r = c.receive(rt.clock.now() + wait);
    switch (r.what) {
        case received_frame::kind::frame: return std::string(r.bytes.begin(), r.bytes.end());
        case received_frame::kind::timed_out: return "<timed out>";
        case received_frame::kind::closed: break;
    }
    return "<closed: " + r.reason + ">";
}

/// A listener of `rt`'s node on a free loopback port.
std::unique_ptr<listener> listen_local(runtime& rt) {
    listen_result l = rt.net->listen("127.0.0.1:0");
    INFO(l.error);
    REQUIRE(l.listener != nullptr);
    return std::move(l.listener);
}

/// Both ends of a connection from `from` to `l`.
struct linked_pair {
    std::unique_ptr<connection> opened;
    std::unique_ptr<connection> accepted;
};

linked_pair link(runtime& from, listener& l) {
    connect_result c = from.net->connect(l.address(), from.clock.now() + patience);
    INFO(c.error);
    REQUIRE(c.connection != nullptr);
    linked_pair p{std::move(c.connection), l.accept()};
    REQUIRE(p.accepted != nullptr);
    return p;
}

/// A frame each way arrives.
void check_round_trip(linked_pair& p, runtime& rt, const std::string& text) {
    REQUIRE(p.opened->send(bytes_of(text)) == frame_send_status::sent);
    CHECK(next_text(*p.accepted, rt) == text);
    REQUIRE(p.accepted->send(bytes_of(text + "!")) == frame_send_status::sent);
    CHECK(next_text(*p.opened, rt) == text + "!");
}

/// Frames each way are accepted by `send` and never arrive; the connection stays open.
void check_dropped(linked_pair& p, runtime& rt, const std::string& text) {
    CHECK(p.opened->send(bytes_of(text)) == frame_send_status::sent);
    CHECK(p.accepted->send(bytes_of(text + "!")) == frame_send_status::sent);
    CHECK(next_text(*p.accepted, rt, quiet) == "<timed out>");
    CHECK(next_text(*p.opened, rt, quiet) == "<timed out>");
}

}  // namespace

TEST_CASE("a partition drops frames both ways without closing; heal restores them", "[asio][link_faults]") {
    runtime_host host(host_options{.threads = 2});
    runtime& n1 = host.add_node("n1");
    runtime& n2 = host.add_node("n2");
    runtime& n3 = host.add_node("n3");
    auto l2 = listen_local(n2);
    auto l3 = listen_local(n3);
    linked_pair a = link(n1, *l2);  // n1 -> n2
    linked_pair b = link(n2, *l3);  // n2 -> n3
    linked_pair c = link(n3, *l2);  // n3 -> n2
    check_round_trip(a, n1, "before");

    host.partition(n1.node_id, n2.node_id);
    check_dropped(a, n1, "lost");
    // Other nodes talk to both sides as before, on old connections and new ones.
    check_round_trip(b, n2, "n2-n3");
    check_round_trip(c, n3, "n3-n2");
    auto l1 = listen_local(n1);
    linked_pair d = link(n3, *l1);
    check_round_trip(d, n3, "n3-n1");

    host.heal(n1.node_id, n2.node_id);
    // The same connection carries frames again; the dropped ones stay lost.
    check_round_trip(a, n1, "after");
    check_round_trip(a, n1, "again");
}

TEST_CASE("a connect across a partition gets no answer and is never accepted", "[asio][link_faults]") {
    runtime_host host(host_options{.threads = 2});
    runtime& n1 = host.add_node("n1");
    runtime& n2 = host.add_node("n2");
    auto l2 = listen_local(n2);

    host.partition(n2.node_id, n1.node_id);
    connect_result cut = n1.net->connect(l2->address(), n1.clock.now() + 300ms);
    CHECK(cut.connection == nullptr);
    CHECK(cut.error == "cannot connect to " + l2->address() + ": connection timed out");

    host.heal();
    linked_pair p = link(n1, *l2);
    // The first connection the listener hands out is the one made after the heal.
    check_round_trip(p, n1, "healed");
}

TEST_CASE("partition with 0 cuts a node from every other one", "[asio][link_faults]") {
    runtime_host host(host_options{.threads = 2});
    runtime& n1 = host.add_node("n1");
    runtime& n2 = host.add_node("n2");
    runtime& n3 = host.add_node("n3");
    auto l1 = listen_local(n1);
    auto l3 = listen_local(n3);
    linked_pair a = link(n2, *l1);  // n2 -> n1
    linked_pair b = link(n3, *l1);  // n3 -> n1
    linked_pair c = link(n2, *l3);  // n2 -> n3

    host.partition(n1.node_id, 0);
    check_dropped(a, n2, "lost");
    check_dropped(b, n3, "lost");
    check_round_trip(c, n2, "n2-n3");

    host.heal(0, n1.node_id);
    check_round_trip(a, n2, "after");
    check_round_trip(b, n3, "after");
}

TEST_CASE("a close across a partition reaches the peer only after the heal", "[asio][link_faults]") {
    runtime_host host(host_options{.threads = 2});
    runtime& n1 = host.add_node("n1");
    runtime& n2 = host.add_node("n2");
    auto l2 = listen_local(n2);
    linked_pair a = link(n1, *l2);
    linked_pair b = link(n1, *l2);
    check_round_trip(a, n1, "before");

    host.partition(n1.node_id, n2.node_id);
    a.opened->close();
    b.accepted->close();
    CHECK(next_text(*a.accepted, n2, quiet) == "<timed out>");
    CHECK(next_text(*b.opened, n1, quiet) == "<timed out>");
    host.heal();
    CHECK(next_text(*a.accepted, n2) == "<closed: closed by peer>");
    CHECK(next_text(*b.opened, n1) == "<closed: closed by peer>");
}

TEST_CASE("partition and heal refuse unknown nodes", "[asio][link_faults]") {
    runtime_host host(host_options{.threads = 1});
    host.add_node("n1");
    CHECK_THROWS_AS(host.partition(1, 2), std::invalid_argument);
    CHECK_THROWS_AS(host.heal(3, 0), std::invalid_argument);
    host.add_node("n2");
    CHECK_NOTHROW(host.partition(1, 2));
    CHECK_NOTHROW(host.heal(2, 1));
}
