// Actor lifecycle on every backend: spawning, names, stop, kill, drain, wait.
#include <catch2/catch.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;

namespace {

/// Arguments of `worker`: where to log, a gate its `block` message passes, and whether
/// pre_start should throw.
struct worker_args {
    log_ptr log;
    actor_ref<gate_message> gate{};
    bool fail_in_pre_start = false;
};

namespace worker_msg {
struct note { std::string text; };  ///< logged
struct block {};                     ///< logs "block-begin", passes the gate, logs "block-end"
struct ping { reply_port<int> port; };
}  // namespace worker_msg
using worker_message = std::variant<worker_msg::note, worker_msg::block, worker_msg::ping>;

struct worker : actor<worker_message, worker_args, worker_args> {
    worker_args pre_start(actor_ref<worker_message>, worker_args args) {
        if (args.fail_in_pre_start) throw std::runtime_error("refusing to start");
        args.log->add("pre_start");
        return args;
    }
    void post_start(actor_ref<worker_message>, worker_args& s) { s.log->add("post_start"); }
    void handle(actor_ref<worker_message>, worker_message msg, worker_args& s) {
        std::visit(overloaded{
                       [&](worker_msg::note& n) { s.log->add(n.text); },
                       [&](worker_msg::block&) {
                           s.log->add("block-begin");
                           pass_gate(s.gate);
                           s.log->add("block-end");
                       },
                       [&](worker_msg::ping& p) { p.port.send(42); },
                   },
                   msg);
    }
    void post_stop(actor_ref<worker_message>, worker_args& s) { s.log->add("post_stop"); }
};

int ping(const actor_ref<worker_message>& w) {
    return w.call([](reply_port<int> p) { return worker_message{worker_msg::ping{std::move(p)}}; }).value();
}

std::vector<std::string> strip_start(std::vector<std::string> lines) {
    std::erase_if(lines, [](const std::string& l) { return l == "pre_start" || l == "post_start"; });
    return lines;
}

}  // namespace

CONFORMANCE_TEST("spawn runs pre_start then post_start before any message", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto w = sys.spawn(worker{}, {log});
    w.cast(worker_msg::note{"m1"});
    REQUIRE(ping(w) == 42);
    CHECK(log->lines() == std::vector<std::string>{"pre_start", "post_start", "m1"});
    CHECK(w.status() == actor_status::running);
    w.stop_and_wait();
}

CONFORMANCE_TEST("pre_start failure fails spawn, frees the name and tells no supervisor", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto sup = sys.spawn(probe{});
    auto log = make_log();
    try {
        sys.spawn(worker{}, {log, {}, true}, {.name = "svc", .supervisor = sup});
        FAIL("spawn should have thrown");
    } catch (const spawn_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("refusing to start"));
        CHECK_THAT(e.what(), Catch::Contains("svc"));
    }
    CHECK_FALSE(sys.where_is("svc"));
    auto again = sys.spawn(worker{}, {log}, {.name = "svc"});
    REQUIRE(sys.where_is("svc"));
    CHECK(sys.where_is("svc")->id() == again.id());
    CHECK(events_of(sup).empty());
    CHECK(sys.alive_count() == 2);
}

CONFORMANCE_TEST("a duplicate name is refused and the holder is untouched", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto first = sys.spawn(worker{}, {log}, {.name = "svc"});
    REQUIRE_THROWS_AS(sys.spawn(worker{}, {log}, {.name = "svc"}), spawn_error);
    REQUIRE_THROWS_WITH(sys.spawn(worker{}, {log}, {.name = "svc"}), Catch::Contains("already registered"));
    auto found = sys.where_is<worker_message>("svc");
    REQUIRE(found);
    CHECK(found->id() == first.id());
    CHECK(ping(*found) == 42);
    CHECK(sys.registered() == std::vector<std::string>{"svc"});
    // The losers never ran pre_start.
    CHECK(log->lines() == std::vector<std::string>{"pre_start", "post_start"});
}

CONFORMANCE_TEST("where_is with the wrong message type is a clear error", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    sys.spawn(worker{}, {make_log()}, {.name = "svc"});
    REQUIRE_THROWS_AS(sys.where_is<int>("svc"), wrong_message_type);
    REQUIRE_THROWS_WITH(sys.where_is<int>("svc"), Catch::Contains("accepts") && Catch::Contains("not int"));
    CHECK_FALSE(sys.where_is<int>("nobody"));
}

CONFORMANCE_TEST("stop during a slow handler lets it finish, then drops the rest", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto g = sys.spawn(gate{});
    auto w = sys.spawn(worker{}, {log, g});
    w.cast(worker_msg::block{});
    w.cast(worker_msg::note{"dropped-1"});
    w.cast(worker_msg::note{"dropped-2"});
    await_holding(g);
    w.stop("enough");
    open_gate(g);
    w.wait();
    CHECK(strip_start(log->lines()) == std::vector<std::string>{"block-begin", "block-end", "post_stop"});
    CHECK(w.status() == actor_status::stopped);
    CHECK(w.cast(worker_msg::note{"late"}) == send_status::stopped);
}

CONFORMANCE_TEST("kill interrupts a blocked handler and skips post_stop", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto g = sys.spawn(gate{});
    auto sup = sys.spawn(probe{});
    auto w = sys.spawn(worker{}, {log, g}, {.supervisor = sup});
    w.cast(worker_msg::block{});
    await_holding(g);
    w.kill_and_wait();
    CHECK(strip_start(log->lines()) == std::vector<std::string>{"block-begin"});
    auto seen = await_events(sup, 2);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].what == supervision_event::kind::terminated);
    CHECK(seen[1].reason == "killed");
}

CONFORMANCE_TEST("stop_and_wait returns after post_stop", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto w = sys.spawn(worker{}, {log}, {.name = "svc"});
    w.cast(worker_msg::note{"m1"});
    w.stop_and_wait();
    CHECK(log->contains("post_stop"));
    CHECK(w.status() == actor_status::stopped);
    CHECK_FALSE(sys.where_is("svc"));
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("drain processes every queued message and refuses new ones", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto g = sys.spawn(gate{});
    auto w = sys.spawn(worker{}, {log, g});
    w.cast(worker_msg::block{});
    for (int i = 0; i < 100; ++i) w.cast(worker_msg::note{"m" + std::to_string(i)});
    await_holding(g);
    w.drain();
    CHECK(w.status() == actor_status::draining);
    CHECK(w.cast(worker_msg::note{"refused"}) == send_status::draining);
    open_gate(g);
    w.wait();
    std::vector<std::string> expected{"block-begin", "block-end"};
    for (int i = 0; i < 100; ++i) expected.push_back("m" + std::to_string(i));
    expected.push_back("post_stop");
    CHECK(strip_start(log->lines()) == expected);
}

CONFORMANCE_TEST("a bounded mailbox refuses casts when full and loses nothing it accepted", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto g = sys.spawn(gate{});
    auto w = sys.spawn(worker{}, {log, g}, {.mailbox_capacity = 3});
    w.cast(worker_msg::block{});
    await_holding(g);  // the block message has left the mailbox
    CHECK(w.cast(worker_msg::note{"a"}) == send_status::ok);
    CHECK(w.cast(worker_msg::note{"b"}) == send_status::ok);
    CHECK(w.cast(worker_msg::note{"c"}) == send_status::ok);
    CHECK(w.cast(worker_msg::note{"d"}) == send_status::mailbox_full);
    open_gate(g);
    w.drain_and_wait();
    CHECK(strip_start(log->lines()) ==
          std::vector<std::string>{"block-begin", "block-end", "a", "b", "c", "post_stop"});
}

CONFORMANCE_TEST("a handler exception ends the actor with a failure, not the process", "[lifecycle]") {
    struct thrower : actor<int> {
        void handle(actor_ref<int>, int, std::monostate&) { throw std::logic_error("bad input 7"); }
    };
    actor_system sys(backend.add_node("n1"));
    auto sup = sys.spawn(probe{});
    auto t = sys.spawn(thrower{}, {}, {.supervisor = sup});
    t.cast(7);
    t.wait();
    auto seen = await_events(sup, 2);
    CHECK(seen[1].what == supervision_event::kind::failed);
    CHECK(seen[1].reason == "bad input 7");
}

CONFORMANCE_TEST("post_stop runs after a failed handler, as OTP runs terminate", "[lifecycle]") {
    struct thrower : actor<int, log_ptr, log_ptr> {
        log_ptr pre_start(actor_ref<int>, log_ptr l) { return l; }
        void handle(actor_ref<int>, int, log_ptr&) { throw std::runtime_error("broken"); }
        void post_stop(actor_ref<int>, log_ptr& l) { l->add("post_stop"); }
    };
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = sys.spawn(probe{});
    auto t = sys.spawn(thrower{}, log, {.supervisor = sup});
    t.cast(1);
    t.wait();
    CHECK(log->lines() == std::vector<std::string>{"post_stop"});
    auto seen = await_events(sup, 2);
    CHECK(seen[1].what == supervision_event::kind::failed);  // still reported as the failure
    CHECK(seen[1].reason == "broken");
}

CONFORMANCE_TEST("a call to a stopped actor is a sender error", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto gone = sys.spawn(worker{}, {make_log()});
    gone.stop_and_wait();
    auto r = gone.call([](reply_port<int> p) { return worker_message{worker_msg::ping{std::move(p)}}; });
    CHECK(r.is_sender_error());
    CHECK(r.error() == "actor stopped");
    CHECK_THROWS_AS(r.value(), call_error);
}

CONFORMANCE_TEST("a call queued behind a stop gets a sender error at once, not a timeout", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto g = sys.spawn(gate{});
    auto w = sys.spawn(worker{}, {make_log(), g});
    w.cast(worker_msg::block{});
    await_holding(g);
    // The request is queued while the stop is pending and the handler is still blocked.
    auto r = w.call(
        [&](reply_port<int> p) {
            w.stop("stopping with a queued call");
            open_gate(g);
            return worker_message{worker_msg::ping{std::move(p)}};
        },
        std::chrono::seconds(30));
    CHECK(r.is_sender_error());
    w.wait();
}

CONFORMANCE_TEST("wait_for gives up at its timeout and sees a stop in time", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto g = sys.spawn(gate{});
    auto w = sys.spawn(worker{}, {make_log(), g});
    w.cast(worker_msg::block{});
    await_holding(g);
    w.stop();
    CHECK_FALSE(w.wait_for(std::chrono::milliseconds(20)));  // the handler is still blocked
    CHECK(w.status() == actor_status::running);
    open_gate(g);
    CHECK(w.wait_for(std::chrono::seconds(30)));
    CHECK(w.status() == actor_status::stopped);
}

CONFORMANCE_TEST("kill cuts a blocked post_stop short", "[lifecycle]") {
    /// Its post_stop blocks at a gate that never opens.
    struct stubborn : actor<int, actor_ref<gate_message>, actor_ref<gate_message>> {
        actor_ref<gate_message> pre_start(actor_ref<int>, actor_ref<gate_message> g) { return g; }
        void handle(actor_ref<int>, int, actor_ref<gate_message>&) {}
        void post_stop(actor_ref<int>, actor_ref<gate_message>& g) { pass_gate(g); }
    };
    actor_system sys(backend.add_node("n1"));
    auto g = sys.spawn(gate{});
    auto sup = sys.spawn(probe{});
    auto s = sys.spawn(stubborn{}, g, {.supervisor = sup});
    s.stop("please");
    await_holding(g);
    CHECK(s.status() == actor_status::stopping);
    s.kill_and_wait();
    auto seen = await_events(sup, 2);
    CHECK(seen[1].what == supervision_event::kind::terminated);
    CHECK(seen[1].reason == "killed");
}

CONFORMANCE_TEST("attached services are released after the last actor, newest first", "[lifecycle]") {
    /// Logs its own release and how many actors were still alive then.
    struct service {
        service(log_ptr l, std::string n, const actor_system& s) : log(std::move(l)), name(std::move(n)), sys(s) {}
        ~service() { log->add(name + " released with " + std::to_string(sys.alive_count()) + " alive"); }
        log_ptr log;
        std::string name;
        const actor_system& sys;
    };
    auto log = make_log();
    {
        actor_system sys(backend.add_node("n1"));
        auto w = sys.spawn(worker{}, {log});
        sys.attach(std::make_shared<service>(log, "first", sys));
        sys.attach(std::make_shared<service>(log, "second", sys));
        CHECK(ping(w) == 42);
        CHECK(strip_start(log->lines()).empty());
    }
    // The system's destruction kills the worker (no post_stop), then releases the services.
    CHECK(strip_start(log->lines()) ==
          std::vector<std::string>{"second released with 0 alive", "first released with 0 alive"});
}

CONFORMANCE_TEST("an actor on a runtime view carries the view's node id and dies with its system", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto view = std::make_shared<ractor::runtime>(sys.runtime());
    view->node_id = 77;
    view->trace = nullptr;
    sys.attach(view);  // a runtime must outlive the system, a view included
    auto log = make_log();
    auto w = sys.spawn(worker{}, {log}, {.runtime_view = view.get()});
    CHECK(w.id().node == 77);
    CHECK(&w.system() == &sys);
    CHECK(ping(w) == 42);
    CHECK(sys.alive_count() == 1);
    sys.groups().join("g", {w});
    CHECK(sys.groups().get_members("g").size() == 1);
    CHECK(sys.groups().get_local_members("g").empty());  // local means this node's id
    CHECK(sys.kill_all() == 1);
    w.wait();
    CHECK(w.status() == actor_status::stopped);
}

namespace {

namespace sleeper_msg {
struct nap {
    duration length;
};  ///< sleeps `length` in the handler, then logs "woke"
}  // namespace sleeper_msg
using sleeper_message = std::variant<sleeper_msg::nap>;

/// Sleeps in its handlers, and for `post_stop_nap` in post_stop: a slow actor to wait for.
struct sleeper : actor<sleeper_message, log_ptr, std::pair<log_ptr, duration>> {
    log_ptr pre_start(actor_ref<sleeper_message>, std::pair<log_ptr, duration> a) {
        post_stop_nap = a.second;
        return a.first;
    }
    void handle(actor_ref<sleeper_message> self, sleeper_message m, log_ptr& log) {
        self.system().sleep_for(std::get<sleeper_msg::nap>(m).length);
        log->add("woke");
    }
    void post_stop(actor_ref<sleeper_message> self, log_ptr& log) {
        self.system().sleep_for(post_stop_nap);
        log->add("post_stop done");
    }
    duration post_stop_nap{};
};

}  // namespace

CONFORMANCE_TEST("stop_and_wait_for times out on a slow post_stop and the stop still finishes",
                 "[lifecycle]") {
    using namespace std::chrono_literals;
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto a = sys.spawn(sleeper{}, {log, 300ms});
    CHECK_FALSE(a.stop_and_wait_for(20ms));
    CHECK(log->lines().empty());
    a.wait();
    CHECK(log->lines() == std::vector<std::string>{"post_stop done"});
    CHECK(a.stop_and_wait_for(1ms));  // already stopped: true at once
}

CONFORMANCE_TEST("kill_and_wait_for ends a sleeping handler at once", "[lifecycle]") {
    using namespace std::chrono_literals;
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto a = sys.spawn(sleeper{}, {log, 0ms});
    a.cast(sleeper_msg::nap{1h});
    sys.sleep_for(5ms);  // let the handler start its nap
    CHECK(a.kill_and_wait_for(10s));
    CHECK(log->lines().empty());  // neither the nap nor post_stop finished
}

CONFORMANCE_TEST(
    "drain_and_wait_for times out while the queue is worked off, then the drain completes",
    "[lifecycle]") {
    using namespace std::chrono_literals;
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto a = sys.spawn(sleeper{}, {log, 0ms});
    for (int i = 0; i < 4; ++i) a.cast(sleeper_msg::nap{50ms});
    CHECK_FALSE(a.drain_and_wait_for(30ms));
    a.wait();
    CHECK(log->lines() ==
          std::vector<std::string>{"woke", "woke", "woke", "woke", "post_stop done"});
}

CONFORMANCE_TEST(
    "a lifecycle monitor hears of every actor started after it, until it stops watching",
    "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto p = sys.spawn(probe{});
    sys.monitor_lifecycle(p);
    sys.monitor_lifecycle(p);  // twice is once
    auto log = make_log();
    auto a = sys.spawn(sleeper{}, {log, duration{}});
    auto b = sys.spawn(sleeper{}, {log, duration{}});
    a.stop_and_wait();
    b.kill_and_wait();
    const auto seen = await_events(p, 4);
    REQUIRE(seen.size() == 4);
    CHECK(seen[0].what == supervision_event::kind::started);
    CHECK(seen[0].who == a.id());
    CHECK(seen[1].what == supervision_event::kind::started);
    CHECK(seen[1].who == b.id());
    CHECK(seen[2].what == supervision_event::kind::terminated);
    CHECK(seen[2].who == a.id());
    CHECK(seen[2].reason == exit_reason::normal);
    CHECK(seen[3].what == supervision_event::kind::terminated);
    CHECK(seen[3].who == b.id());
    CHECK(seen[3].reason == exit_reason::killed);
    for (const auto& e : seen) CHECK(e.from_monitor);

    sys.demonitor_lifecycle(p);
    auto c = sys.spawn(sleeper{}, {log, duration{}});
    c.stop_and_wait();
    CHECK(events_of(p).size() == 4);  // events are delivered ahead of the query: none for c
}

CONFORMANCE_TEST("actors() lists the living actors by id", "[lifecycle]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto a = sys.spawn(sleeper{}, {log, duration{}});
    auto b = sys.spawn(sleeper{}, {log, duration{}});
    auto c = sys.spawn(sleeper{}, {log, duration{}});
    auto ids = [&] {
        std::vector<actor_id> out;
        for (const auto& r : sys.actors()) out.push_back(r.id());
        return out;
    };
    CHECK(ids() == std::vector<actor_id>{a.id(), b.id(), c.id()});
    b.stop_and_wait();
    CHECK(ids() == std::vector<actor_id>{a.id(), c.id()});
    CHECK(sys.alive_count() == 2);
}
