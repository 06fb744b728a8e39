// Supervision links, events, escalation and monitors on every backend.
#include <catch2/catch.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;

namespace {

namespace child_msg {
struct add { int n; };
struct fail { std::string why; };
struct spawn_child { reply_port<any_actor_ref> port; };  ///< spawn a linked `child` of this one
struct total { reply_port<int> port; };
}  // namespace child_msg
using child_message = std::variant<child_msg::add, child_msg::fail, child_msg::spawn_child, child_msg::total>;

/// An actor whose state is an int; logs its post_stop under its id.
struct child : actor<child_message, int, log_ptr> {
    log_ptr log;
    int pre_start(actor_ref<child_message>, log_ptr l) {
        log = std::move(l);
        return 0;
    }
    void handle(actor_ref<child_message> self, child_message msg, int& total) {
        std::visit(overloaded{
                       [&](child_msg::add& a) { total += a.n; },
                       [&](child_msg::fail& f) { throw std::runtime_error(f.why); },
                       [&](child_msg::spawn_child& s) {
                           s.port.send(self.system().spawn(child{}, log, {.supervisor = self}));
                       },
                       [&](child_msg::total& t) { t.port.send(total); },
                   },
                   msg);
    }
    void post_stop(actor_ref<child_message> self, int&) { if (log) log->add("post_stop " + self.id().to_string()); }
};

/// A supervisor whose handle_supervisor_evt throws: its failure must escalate.
struct fragile_supervisor : actor<int> {
    void handle(actor_ref<int>, int, std::monostate&) {}
    void handle_supervisor_evt(actor_ref<int>, const supervision_event& e, std::monostate&) {
        if (e.is_exit()) throw std::runtime_error("supervisor could not cope");
    }
};

/// Blocks in its handler at a gate, or (if told so) in its post_stop: keeps itself
/// draining or stopping for as long as a test needs.
struct holder : actor<int, actor_ref<gate_message>, actor_ref<gate_message>> {
    actor_ref<gate_message> pre_start(actor_ref<int>, actor_ref<gate_message> g) { return g; }
    void handle(actor_ref<int>, int, actor_ref<gate_message>& g) { pass_gate(g); }
    void post_stop(actor_ref<int>, actor_ref<gate_message>& g) { pass_gate(g); }
};

}  // namespace

CONFORMANCE_TEST("a linked child's start reaches its supervisor", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto sup = sys.spawn(probe{});
    auto c = sys.spawn(child{}, nullptr, {.supervisor = sup});
    auto seen = await_events(sup, 1);
    CHECK(seen[0].what == supervision_event::kind::started);
    CHECK(seen[0].who == c.id());
}

CONFORMANCE_TEST("a child's exception reaches its supervisor as a failure with the text", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto sup = sys.spawn(probe{});
    auto c = sys.spawn(child{}, nullptr, {.supervisor = sup});
    c.cast(child_msg::fail{"disk on fire"});
    c.wait();
    auto seen = await_events(sup, 2);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].what == supervision_event::kind::failed);
    CHECK(seen[1].who == c.id());
    CHECK(seen[1].reason == "disk on fire");
    CHECK_FALSE(seen[1].from_monitor);
    CHECK(sup.is_alive());
}

CONFORMANCE_TEST("a failure inside handle_supervisor_evt escalates one level up", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto top = sys.spawn(probe{});
    auto mid = sys.spawn(fragile_supervisor{}, {}, {.supervisor = top});
    auto leaf = sys.spawn(child{}, nullptr, {.supervisor = mid});
    leaf.cast(child_msg::fail{"leaf broke"});
    mid.wait();
    auto seen = await_events(top, 2);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].what == supervision_event::kind::failed);
    CHECK(seen[1].who == mid.id());
    CHECK(seen[1].reason == "supervisor could not cope");
}

CONFORMANCE_TEST("the default handle_supervisor_evt stops the supervisor when a child terminates", "[supervision]") {
    struct plain : actor<int> {
        void handle(actor_ref<int>, int, std::monostate&) {}
    };
    actor_system sys(backend.add_node("n1"));
    auto top = sys.spawn(probe{});
    auto mid = sys.spawn(plain{}, {}, {.supervisor = top});
    auto leaf = sys.spawn(child{}, nullptr, {.supervisor = mid});
    leaf.stop_and_wait();
    mid.wait();
    auto seen = await_events(top, 2);
    CHECK(seen[1].what == supervision_event::kind::terminated);
    CHECK(seen[1].reason == "child terminated");
}

CONFORMANCE_TEST("terminated events carry the child's final state and reason", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto sup = sys.spawn(probe{});
    auto c = sys.spawn(child{}, nullptr, {.supervisor = sup});
    for (int i = 1; i <= 10; ++i) c.cast(child_msg::add{i});
    // A stop overtakes queued messages, so let them be handled first.
    CHECK(c.call([](reply_port<int> p) { return child_message{child_msg::total{std::move(p)}}; }).value() == 55);
    c.stop_and_wait("done counting");
    auto seen = await_events(sup, 2);
    CHECK(seen[1].what == supervision_event::kind::terminated);
    CHECK(seen[1].reason == "done counting");
    REQUIRE(seen[1].int_state);
    CHECK(*seen[1].int_state == 55);
}

CONFORMANCE_TEST("a supervisor's exit kills its children without their post_stop", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = sys.spawn(child{}, log);
    std::vector<actor_ref<child_message>> kids;
    for (int i = 0; i < 3; ++i) kids.push_back(sys.spawn(child{}, log, {.supervisor = sup}));
    sup.stop_and_wait();
    for (auto& k : kids) k.wait();
    for (auto& k : kids) CHECK(k.status() == actor_status::stopped);
    CHECK(log->lines() == std::vector<std::string>{"post_stop " + sup.id().to_string()});
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("relinking moves a child between supervisors", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto first = sys.spawn(probe{});
    auto second = sys.spawn(probe{});
    auto c = sys.spawn(child{}, nullptr, {.supervisor = first});
    c.link(second);
    c.cast(child_msg::fail{"after the move"});
    c.wait();
    auto at_second = await_events(second, 1);
    CHECK(at_second[0].what == supervision_event::kind::failed);
    CHECK(at_second[0].who == c.id());
    auto at_first = events_of(first);
    REQUIRE(at_first.size() == 1);  // only the started event from before the move
    CHECK(at_first[0].what == supervision_event::kind::started);

    // The old supervisor's exit no longer takes the moved child with it.
    auto d = sys.spawn(child{}, nullptr, {.supervisor = first});
    d.link(second);
    first.stop_and_wait();
    auto grandchild = d.call([](reply_port<any_actor_ref> p) { return child_message{child_msg::spawn_child{std::move(p)}}; });
    CHECK(grandchild.ok());
    CHECK(d.is_alive());
}

CONFORMANCE_TEST("a 2048-deep supervision chain terminates cleanly", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto root = sys.spawn(child{}, nullptr);
    any_actor_ref parent = root;
    std::vector<any_actor_ref> chain{root};
    for (int depth = 1; depth < 2048; ++depth) {
        parent = sys.spawn(child{}, nullptr, {.supervisor = parent});
        chain.push_back(parent);
    }
    CHECK(sys.alive_count() == 2048);
    root.stop_and_wait();
    chain.back().wait();
    for (auto& a : chain) a.wait();
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("children spawned by an actor die with it", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto parent = sys.spawn(child{}, nullptr);
    auto kid = parent.call([](reply_port<any_actor_ref> p) { return child_message{child_msg::spawn_child{std::move(p)}}; })
                   .value();
    CHECK(kid.is_alive());
    parent.kill_and_wait();
    kid.wait();
    CHECK(kid.status() == actor_status::stopped);
}

CONFORMANCE_TEST("monitors see termination; unmonitor stops that", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto watcher = sys.spawn(probe{});
    auto a = sys.spawn(child{}, nullptr);
    auto b = sys.spawn(child{}, nullptr);
    watcher.cast(probe_msg::monitor{a});
    watcher.cast(probe_msg::monitor{b});
    watcher.cast(probe_msg::unmonitor{b});
    events_of(watcher);  // the three casts above have been handled
    b.stop_and_wait("b leaves");
    a.cast(child_msg::fail{"a breaks"});
    a.wait();
    auto seen = await_events(watcher, 1);
    // Anything about b would have been queued before a's failure; give it the same chance.
    seen = events_of(watcher);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].who == a.id());
    CHECK(seen[0].what == supervision_event::kind::failed);
    CHECK(seen[0].reason == "a breaks");
    CHECK(seen[0].from_monitor);
    CHECK(watcher.is_alive());  // a monitor event does not escalate
}

CONFORMANCE_TEST("monitoring an actor that is already gone reports it at once", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto watcher = sys.spawn(probe{});
    auto a = sys.spawn(child{}, nullptr);
    a.stop_and_wait();
    watcher.cast(probe_msg::monitor{a});
    auto seen = await_events(watcher, 1);
    CHECK(seen[0].what == supervision_event::kind::terminated);
    CHECK(seen[0].reason == "noproc");
}

CONFORMANCE_TEST("linking to a supervisor that is exiting is refused; the child stays with its supervisor", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto g = sys.spawn(gate{});
    auto exiting = sys.spawn(holder{}, g);
    auto second = sys.spawn(probe{});
    auto c = sys.spawn(child{}, nullptr, {.supervisor = second});
    exiting.stop();
    await_holding(g);  // `exiting` is in its post_stop now
    CHECK_FALSE(c.link(exiting));
    CHECK(c.is_alive());
    c.cast(child_msg::fail{"still second's"});
    c.wait();
    auto seen = await_events(second, 2);
    CHECK(seen[1].what == supervision_event::kind::failed);
    CHECK(seen[1].who == c.id());
    open_gate(g);
    exiting.wait();
}

CONFORMANCE_TEST("an exiting child cannot be linked away: its supervisor hears of its exit", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto g = sys.spawn(gate{});
    auto first = sys.spawn(probe{});
    auto second = sys.spawn(probe{});
    auto c = sys.spawn(holder{}, g, {.supervisor = first});
    c.stop("leaving");
    await_holding(g);  // c is in its post_stop
    CHECK_FALSE(c.link(second));
    open_gate(g);
    c.wait();
    auto seen = await_events(first, 2);
    CHECK(seen[1].what == supervision_event::kind::terminated);
    CHECK(seen[1].reason == "leaving");
    CHECK(events_of(second).empty());
}

CONFORMANCE_TEST("spawning under a draining or stopped supervisor fails", "[supervision]") {
    actor_system sys(backend.add_node("n1"));
    auto g = sys.spawn(gate{});
    auto sup = sys.spawn(holder{}, g);
    sup.cast(1);
    await_holding(g);  // its handler blocks, so the drain below cannot finish yet
    sup.drain();
    REQUIRE(sup.status() == actor_status::draining);
    CHECK_THROWS_AS(sys.spawn(child{}, nullptr, {.supervisor = sup}), spawn_error);
    open_gate(g);
    sup.wait();
    CHECK_THROWS_AS(sys.spawn(child{}, nullptr, {.supervisor = sup}), spawn_error);
    g.stop_and_wait();
    CHECK(sys.alive_count() == 0);  // no child was started and left behind
}
