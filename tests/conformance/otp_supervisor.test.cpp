// OTP supervisors on every backend: strategies, restart types, intensity, ordered
// start and stop, shutdown timeouts, dynamic children, the child management calls.
#include <catch2/catch.hpp>

#include <chrono>

#include <ractor/supervisor.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;

namespace {

namespace worker_msg {
struct fail {};
struct quit { std::string reason; };
struct block { actor_ref<gate_message> at; };  ///< wait in the handler until the gate opens
}  // namespace worker_msg
using worker_message = std::variant<worker_msg::fail, worker_msg::quit, worker_msg::block>;

struct worker_args {
    log_ptr log;
    std::string name;
};

/// Logs "start <name>" in pre_start and "stopping/stopped <name>" around its post_stop.
struct worker : actor<worker_message, worker_args, worker_args> {
    worker_args pre_start(actor_ref<worker_message>, worker_args a) {
        a.log->add("start " + a.name);
        return a;
    }
    void handle(actor_ref<worker_message> self, worker_message msg, worker_args&) {
        std::visit(overloaded{
                       [&](worker_msg::fail&) { throw std::runtime_error("boom"); },
                       [&](worker_msg::quit& q) { self.stop(q.reason); },
                       [&](worker_msg::block& b) { pass_gate(b.at); },
                   },
                   msg);
    }
    void post_stop(actor_ref<worker_message>, worker_args& a) {
        a.log->add("stopping " + a.name);
        a.log->add("stopped " + a.name);
    }
};

child_spec worker_spec(std::string id, log_ptr log, restart_type restart = restart_type::permanent) {
    return {id,
            [log, id](const any_actor_ref& sup) -> any_actor_ref {
                return sup.system().spawn(worker{}, {log, id}, {.supervisor = sup});
            },
            restart};
}

/// The running child `id` of `sup`, typed.
actor_ref<worker_message> child(const supervisor_ref& sup, const std::string& id) {
    for (const auto& c : which_children(sup)) {
        if (c.id == id) return c.actor ? c.actor.as<worker_message>() : actor_ref<worker_message>{};
    }
    return {};
}

/// Returns once `sup` has handled the exits of children that already stopped: their
/// events were queued before they stopped, and events go ahead of requests.
void settle(const supervisor_ref& sup) { which_children(sup); }

/// Makes child `id` fail, and returns once its supervisor has reacted.
void crash(const supervisor_ref& sup, const std::string& id) {
    auto c = child(sup, id);
    c.cast(worker_msg::fail{});
    c.wait();
    settle(sup);
}

/// The log lines from index `from` on.
std::vector<std::string> since(const log_ptr& log, std::size_t from) {
    auto lines = log->lines();
    return {lines.begin() + static_cast<std::ptrdiff_t>(std::min(from, lines.size())), lines.end()};
}

using lines = std::vector<std::string>;

namespace sleeper_msg {
struct sleep { duration d; reply_port<int> port; };
struct wake { std::shared_ptr<reply_port<int>> port; };
}  // namespace sleeper_msg
using sleeper_message = std::variant<sleeper_msg::sleep, sleeper_msg::wake>;

/// Answers a sleep request after its delay, on the runtime clock (virtual in the simulator).
struct sleeper : actor<sleeper_message> {
    void handle(actor_ref<sleeper_message> self, sleeper_message msg, std::monostate&) {
        std::visit(overloaded{
                       [&](sleeper_msg::sleep& s) {
                           send_after(self, s.d, sleeper_message{sleeper_msg::wake{
                                                     std::make_shared<reply_port<int>>(std::move(s.port))}});
                       },
                       [&](sleeper_msg::wake& w) { w.port->send(1); },
                   },
                   msg);
    }
};

void sleep_for(actor_system& sys, duration d) {
    auto s = sys.spawn(sleeper{});
    s.call([d](reply_port<int> p) { return sleeper_message{sleeper_msg::sleep{d, std::move(p)}}; }).value();
    s.stop_and_wait();
}

supervisor_spec three_workers(supervisor_strategy strategy, const log_ptr& log) {
    return {.strategy = strategy,
            .intensity = 10,
            .period = 1h,
            .children = {worker_spec("a", log), worker_spec("b", log), worker_spec("c", log)}};
}

}  // namespace

CONFORMANCE_TEST("children start in order and stop in reverse order", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = spawn_supervisor(sys, three_workers(supervisor_strategy::one_for_one, log));
    CHECK(log->lines() == lines{"start a", "start b", "start c"});
    auto kids = which_children(sup);
    REQUIRE(kids.size() == 3);
    CHECK(kids[0].id == "a");
    CHECK(kids[2].id == "c");
    for (const auto& k : kids) CHECK(k.actor.is_alive());
    sup.stop_and_wait();
    CHECK(since(log, 3) == lines{"stopping c", "stopped c", "stopping b", "stopped b", "stopping a", "stopped a"});
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("one_for_one restarts only the failed child", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = spawn_supervisor(sys, three_workers(supervisor_strategy::one_for_one, log));
    auto a = child(sup, "a");
    auto c = child(sup, "c");
    crash(sup, "b");
    CHECK(since(log, 3) == lines{"stopping b", "stopped b", "start b"});
    CHECK(child(sup, "a") == a);
    CHECK(child(sup, "c") == c);
    CHECK(child(sup, "b").is_alive());
}

CONFORMANCE_TEST("one_for_all stops the others in reverse order, then restarts all in order", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = spawn_supervisor(sys, three_workers(supervisor_strategy::one_for_all, log));
    auto a = child(sup, "a");
    auto c = child(sup, "c");
    crash(sup, "b");
    auto after = since(log, 5);  // the failed child's own post_stop came first
    CHECK(since(log, 3).front() == "stopping b");
    CHECK(after == lines{"stopping c", "stopped c", "stopping a", "stopped a", "start a", "start b", "start c"});
    CHECK(a.status() == actor_status::stopped);
    CHECK(c.status() == actor_status::stopped);
    for (const auto& k : which_children(sup)) CHECK(k.actor.is_alive());
}

CONFORMANCE_TEST("rest_for_one restarts the failed child and the younger ones", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = spawn_supervisor(sys, three_workers(supervisor_strategy::rest_for_one, log));
    auto a = child(sup, "a");
    crash(sup, "b");
    CHECK(since(log, 5) == lines{"stopping c", "stopped c", "start b", "start c"});
    CHECK(child(sup, "a") == a);
}

CONFORMANCE_TEST("permanent, transient and temporary children follow OTP's restart rules", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = spawn_supervisor(sys, {.intensity = 10,
                                      .period = 1h,
                                      .children = {worker_spec("p", log, restart_type::permanent),
                                                   worker_spec("t", log, restart_type::transient),
                                                   worker_spec("x", log, restart_type::temporary)}});
    auto quit = [&](const std::string& id, const std::string& reason) {
        auto c = child(sup, id);
        c.cast(worker_msg::quit{reason});
        c.wait();
        settle(sup);
    };
    quit("p", "normal");  // permanent: even a normal exit is restarted
    CHECK(child(sup, "p").is_alive());
    quit("t", "shutdown");  // transient: normal and shutdown are not abnormal
    CHECK_FALSE(child(sup, "t"));
    CHECK(restart_child(sup, "t"));
    quit("t", "normal");
    CHECK_FALSE(child(sup, "t"));
    restart_child(sup, "t");
    crash(sup, "t");  // a failure is abnormal
    CHECK(child(sup, "t").is_alive());
    auto t = child(sup, "t");
    t.kill_and_wait();  // so is a kill
    settle(sup);
    CHECK(child(sup, "t").is_alive());
    crash(sup, "x");  // temporary: never restarted, and forgotten
    auto kids = which_children(sup);
    REQUIRE(kids.size() == 2);
    CHECK(kids[0].id == "p");
    CHECK(kids[1].id == "t");
    CHECK(count_children(sup).active == 2);
}

CONFORMANCE_TEST("a group restart drops temporary siblings", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = spawn_supervisor(sys, {.strategy = supervisor_strategy::one_for_all,
                                      .intensity = 10,
                                      .period = 1h,
                                      .children = {worker_spec("a", log), worker_spec("x", log, restart_type::temporary)}});
    crash(sup, "a");
    auto kids = which_children(sup);
    REQUIRE(kids.size() == 1);
    CHECK(kids[0].id == "a");
    CHECK(log->lines().back() == "start a");
}

CONFORMANCE_TEST("exceeding the restart intensity shuts the children down and exits with shutdown", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto parent = sys.spawn(probe{});
    auto spec = three_workers(supervisor_strategy::one_for_one, log);
    spec.intensity = 2;
    auto sup = spawn_supervisor(sys, spec, {.supervisor = parent});
    crash(sup, "a");
    crash(sup, "a");
    CHECK(sup.is_alive());
    auto a = child(sup, "a");
    a.cast(worker_msg::fail{});
    sup.wait();
    CHECK(since(log, log->lines().size() - 4) == lines{"stopping c", "stopped c", "stopping b", "stopped b"});
    auto seen = await_events(parent, 2);
    CHECK(seen[1].what == supervision_event::kind::terminated);
    CHECK(seen[1].who == sup.id());
    CHECK(seen[1].reason == "shutdown");
    parent.stop_and_wait();
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("restarts older than the period no longer count", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto spec = three_workers(supervisor_strategy::one_for_one, log);
    spec.intensity = 1;
    spec.period = 50ms;
    auto sup = spawn_supervisor(sys, spec);
    crash(sup, "a");
    sleep_for(sys, 60ms);
    crash(sup, "a");
    CHECK(sup.is_alive());
    CHECK(child(sup, "a").is_alive());
    sup.stop_and_wait();
}

CONFORMANCE_TEST("a nested supervisor that gives up is restarted by its own supervisor", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    supervisor_spec inner{.intensity = 0, .children = {worker_spec("w", log)}};
    auto top = spawn_supervisor(sys, {.intensity = 5, .period = 1h,
                                      .children = {worker_spec("first", log), supervisor_child("inner", inner)}});
    auto kids = which_children(top);
    REQUIRE(kids.size() == 2);
    CHECK(kids[1].type == child_type::supervisor);
    auto old_inner = kids[1].actor.as<supervisor_message>();
    child(old_inner, "w").cast(worker_msg::fail{});
    old_inner.wait();
    settle(top);
    auto new_inner = which_children(top)[1].actor.as<supervisor_message>();
    CHECK_FALSE(new_inner == old_inner);
    CHECK(child(new_inner, "w").is_alive());
    CHECK(log->lines() == lines{"start first", "start w", "stopping w", "stopped w", "start w"});
    auto counts = count_children(top);
    CHECK(counts.supervisors == 1);
    CHECK(counts.workers == 1);
    top.stop_and_wait();
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("a child that ignores its shutdown timeout is killed", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto stuck = sys.spawn(gate{});
    auto watcher = sys.spawn(probe{});
    child_spec slow = worker_spec("slow", log);
    slow.shutdown = child_shutdown::timeout(20ms);
    child_spec brutal = worker_spec("brutal", log);
    brutal.shutdown = child_shutdown::brutal_kill();
    auto sup = spawn_supervisor(sys, {.children = {worker_spec("a", log), slow, brutal}});
    auto s = child(sup, "slow");
    watcher.cast(probe_msg::monitor{s});
    events_of(watcher);
    s.cast(worker_msg::block{stuck});
    await_holding(stuck);  // slow's handler now never finishes by itself
    sup.stop_and_wait();
    // brutal is killed (no post_stop), slow ignores its stop until killed, then a stops.
    CHECK(since(log, 3) == lines{"stopping a", "stopped a"});
    auto seen = await_events(watcher, 1);
    CHECK(seen[0].who == s.id());
    CHECK(seen[0].reason == "killed");
    stuck.stop_and_wait();
    watcher.stop_and_wait();
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("dynamic children are started from a template with arguments", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    child_template tpl{.start = [log](const any_actor_ref& sup, const std::any& args) -> any_actor_ref {
                           return sup.system().spawn(worker{}, {log, "dyn" + std::to_string(std::any_cast<int>(args))},
                                                     {.supervisor = sup});
                       },
                       .restart = restart_type::transient};
    auto sup = spawn_supervisor(sys, {.strategy = supervisor_strategy::simple_one_for_one, .intensity = 5, .dynamic = tpl});
    auto d1 = start_dynamic_child(sup, 1).as<worker_message>();
    auto d2 = start_dynamic_child(sup, 2).as<worker_message>();
    start_dynamic_child(sup, 3);
    CHECK(count_children(sup).active == 3);
    d2.cast(worker_msg::fail{});
    d2.wait();
    settle(sup);
    CHECK(log->lines().back() == "start dyn2");  // restarted with the same arguments
    d1.cast(worker_msg::quit{"normal"});
    d1.wait();
    settle(sup);
    auto kids = which_children(sup);
    REQUIRE(kids.size() == 2);  // a transient dynamic child that ended normally is forgotten
    terminate_child(sup, kids[0].id);
    CHECK(which_children(sup).size() == 1);
    CHECK_THROWS_AS(start_child(sup, worker_spec("static", log)), supervisor_error);
    CHECK_THROWS_AS(restart_child(sup, kids[1].id), supervisor_error);
    sup.stop_and_wait();
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("start, terminate, restart and delete static children", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto sup = spawn_supervisor(sys, {.children = {worker_spec("a", log)}});
    auto b = start_child(sup, worker_spec("b", log));
    CHECK(b.is_alive());
    CHECK_THROWS_WITH(start_child(sup, worker_spec("b", log)), "already_started");
    CHECK_THROWS_WITH(delete_child(sup, "b"), "running");
    CHECK_THROWS_WITH(restart_child(sup, "b"), "running");
    terminate_child(sup, "b");
    CHECK(b.status() == actor_status::stopped);
    CHECK(log->contains("stopped b"));
    CHECK_FALSE(child(sup, "b"));  // kept, not running, not restarted
    CHECK_THROWS_WITH(start_child(sup, worker_spec("b", log)), "already_present");
    auto b2 = restart_child(sup, "b");
    CHECK(b2.is_alive());
    terminate_child(sup, "b");
    delete_child(sup, "b");
    CHECK(which_children(sup).size() == 1);
    CHECK_THROWS_WITH(terminate_child(sup, "b"), "not_found");
    child_spec broken{"broken", [](const any_actor_ref&) -> any_actor_ref { throw std::runtime_error("no"); }};
    CHECK_THROWS_WITH(start_child(sup, broken), "failed_to_start_child broken: no");
    CHECK(which_children(sup).size() == 1);
    sup.stop_and_wait();
}

CONFORMANCE_TEST("a child that fails to start makes the supervisor's spawn fail", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    child_spec broken{"broken", [](const any_actor_ref&) -> any_actor_ref { throw std::runtime_error("no"); }};
    CHECK_THROWS_AS(spawn_supervisor(sys, {.children = {worker_spec("a", log), broken}}), spawn_error);
    CHECK(log->lines() == lines{"start a", "stopping a", "stopped a"});
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("a restart backoff delays the restart on a timer", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto spec = three_workers(supervisor_strategy::rest_for_one, log);
    spec.children[1].restart_delay = 300ms;
    auto sup = spawn_supervisor(sys, spec);
    crash(sup, "b");
    auto kids = which_children(sup);
    CHECK(kids[0].actor.is_alive());
    CHECK(kids[1].restarting);
    CHECK(kids[2].restarting);  // stopped with b, restarted with it
    CHECK_FALSE(kids[2].actor);
    for (int i = 0; i < 200 && !child(sup, "c"); ++i) sleep_for(sys, 20ms);
    CHECK(child(sup, "b").is_alive());
    CHECK(child(sup, "c").is_alive());
    CHECK(since(log, log->lines().size() - 2) == lines{"start b", "start c"});
    sup.stop_and_wait();
}

namespace {

/// A worker spec spawned with the given trap_exit flag and shutdown.
child_spec trapping_spec(std::string id, log_ptr log, bool trap_exit, child_shutdown shutdown) {
    child_spec s{id, [log, id, trap_exit](const any_actor_ref& sup) -> any_actor_ref {
                     return sup.system().spawn(worker{}, {log, id}, {.supervisor = sup, .trap_exit = trap_exit});
                 }};
    s.shutdown = shutdown;
    return s;
}

/// Its post_stop blocks at a gate; logs "post_stop <name>" when it begins.
struct slow_stopper : actor<int, std::pair<log_ptr, actor_ref<gate_message>>, std::pair<log_ptr, actor_ref<gate_message>>> {
    using args = std::pair<log_ptr, actor_ref<gate_message>>;
    args pre_start(actor_ref<int>, args a) { return a; }
    void handle(actor_ref<int>, int, args&) {}
    void post_stop(actor_ref<int>, args& a) {
        a.first->add("post_stop");
        pass_gate(a.second);
    }
};

child_spec slow_stopper_spec(std::string id, log_ptr log, actor_ref<gate_message> g, bool trap_exit, duration limit) {
    child_spec s{id, [log, g, trap_exit](const any_actor_ref& sup) -> any_actor_ref {
                     return sup.system().spawn(slow_stopper{}, {log, g}, {.supervisor = sup, .trap_exit = trap_exit});
                 }};
    s.shutdown = child_shutdown::timeout(limit);
    return s;
}

/// A child whose start throws on the attempts listed in `failing` (1 = the first start).
child_spec flaky_spec(std::string id, log_ptr log, std::shared_ptr<int> attempts, std::vector<int> failing) {
    return {id, [=](const any_actor_ref& sup) -> any_actor_ref {
                if (std::find(failing.begin(), failing.end(), ++*attempts) != failing.end()) {
                    log->add("refuse " + id);
                    throw std::runtime_error("not now");
                }
                return sup.system().spawn(worker{}, {log, id}, {.supervisor = sup});
            }};
}

/// Collects a supervisor's reports as "kind id: reason".
supervisor_report_handler collect(const log_ptr& reports) {
    return [reports](const supervisor_report& r) { reports->add(std::string(to_string(r.what)) + " " + r.child_id + ": " + r.reason); };
}

}  // namespace

CONFORMANCE_TEST("a worker that does not trap exits dies at once from its supervisor's shutdown, without post_stop", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto stuck = sys.spawn(gate{});
    auto watcher = sys.spawn(probe{});
    auto sup = spawn_supervisor(sys, {.children = {trapping_spec("plain", log, false, child_shutdown::timeout(1h))}});
    auto w = child(sup, "plain");
    watcher.cast(probe_msg::monitor{w});
    events_of(watcher);
    w.cast(worker_msg::block{stuck});
    await_holding(stuck);  // its handler never finishes by itself
    sup.stop_and_wait();   // would wait an hour for a trapping worker
    auto seen = await_events(watcher, 1);
    CHECK(seen[0].who == w.id());
    CHECK(seen[0].reason == "shutdown");  // OTP: exit reason shutdown, no terminate
    CHECK_FALSE(log->contains("stopping plain"));
    stuck.stop_and_wait();
    watcher.stop_and_wait();
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("a slow post_stop: a trapping worker runs it within its shutdown time, a non-trapping one never", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto reports = make_log();
    auto g = sys.spawn(gate{});
    auto watcher = sys.spawn(probe{});
    auto sup = spawn_supervisor(sys, {.children = {slow_stopper_spec("trapping", log, g, true, 20ms),
                                                   slow_stopper_spec("plain", log, g, false, 1h)},
                                      .on_report = collect(reports)});
    auto trapping = which_children(sup)[0].actor;
    auto plain = which_children(sup)[1].actor;
    watcher.cast(probe_msg::monitor{trapping});
    watcher.cast(probe_msg::monitor{plain});
    events_of(watcher);
    sup.stop_and_wait();  // plain first (youngest), then trapping, cut short after 20ms
    CHECK(log->lines() == lines{"post_stop"});  // only the trapping one began its post_stop
    auto seen = await_events(watcher, 2);
    CHECK(seen[0].who == plain.id());
    CHECK(seen[0].reason == "shutdown");
    CHECK(seen[1].who == trapping.id());
    CHECK(seen[1].reason == "killed");  // a kill cuts a blocking post_stop short
    CHECK(reports->lines() == lines{"shutdown_error trapping: killed"});
    g.stop_and_wait();
    watcher.stop_and_wait();
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("a trapping worker finishes a post_stop that fits in its shutdown time", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto g = sys.spawn(gate{});
    open_gate(g);  // post_stop passes at once
    auto sup = spawn_supervisor(sys, {.children = {slow_stopper_spec("trapping", log, g, true, 1h)}});
    auto w = which_children(sup)[0].actor;
    sup.stop_and_wait();
    CHECK(log->lines() == lines{"post_stop"});
    CHECK(w.status() == actor_status::stopped);
    g.stop_and_wait();
}

CONFORMANCE_TEST("a start that fails during a one_for_all restart restarts the whole group again", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto attempts = std::make_shared<int>(0);
    auto sup = spawn_supervisor(sys, {.strategy = supervisor_strategy::one_for_all,
                                      .intensity = 10,
                                      .period = 1h,
                                      .children = {worker_spec("a", log), flaky_spec("b", log, attempts, {2}),
                                                   worker_spec("c", log)}});
    crash(sup, "a");
    settle(sup);  // the retry is a message of its own
    // OTP's restart_multiple_children: a started again, b refused, so a is stopped and
    // the group starts over.
    CHECK(since(log, 3) == lines{"stopping a", "stopped a", "stopping c", "stopped c", "stopping b", "stopped b",
                                 "start a", "refuse b", "stopping a", "stopped a", "start a", "start b", "start c"});
    for (const auto& k : which_children(sup)) CHECK(k.actor.is_alive());
    sup.stop_and_wait();
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("a start that fails during a rest_for_one restart restarts the rest from that child", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto attempts = std::make_shared<int>(0);
    auto sup = spawn_supervisor(sys, {.strategy = supervisor_strategy::rest_for_one,
                                      .intensity = 10,
                                      .period = 1h,
                                      .children = {worker_spec("a", log), worker_spec("b", log),
                                                   flaky_spec("c", log, attempts, {2}), worker_spec("d", log)}});
    auto a = child(sup, "a");
    crash(sup, "b");
    settle(sup);
    CHECK(since(log, 4) == lines{"stopping b", "stopped b", "stopping d", "stopped d", "stopping c", "stopped c",
                                 "start b", "refuse c", "start c", "start d"});
    CHECK(child(sup, "a") == a);
    sup.stop_and_wait();
}

CONFORMANCE_TEST("a temporary child whose start returns ignore is forgotten", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    child_spec ignoring{"ignoring", [](const any_actor_ref&) -> any_actor_ref { return {}; }, restart_type::temporary};
    child_spec kept = ignoring;
    kept.id = "kept";
    kept.restart = restart_type::transient;
    auto sup = spawn_supervisor(sys, {.children = {worker_spec("a", log), ignoring, kept}});
    auto kids = which_children(sup);
    REQUIRE(kids.size() == 2);  // OTP keeps a non-temporary ignored child, not running
    CHECK(kids[1].id == "kept");
    CHECK_FALSE(kids[1].actor);
    CHECK_THROWS_WITH(restart_child(sup, "ignoring"), "not_found");
    ignoring.id = "later";
    CHECK_FALSE(start_child(sup, ignoring));
    CHECK_THROWS_WITH(restart_child(sup, "later"), "not_found");
    CHECK(which_children(sup).size() == 2);
    sup.stop_and_wait();
}

CONFORMANCE_TEST("restart_child and delete_child of a child waiting for its restart answer restarting", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto spec = three_workers(supervisor_strategy::one_for_one, log);
    spec.children[0].restart_delay = 1h;
    auto sup = spawn_supervisor(sys, spec);
    crash(sup, "a");
    REQUIRE(which_children(sup)[0].restarting);
    CHECK_THROWS_WITH(restart_child(sup, "a"), "restarting");
    CHECK_THROWS_WITH(delete_child(sup, "a"), "restarting");
    CHECK_THROWS_WITH(restart_child(sup, "b"), "running");
    sup.stop_and_wait();
}

CONFORMANCE_TEST("a shutdown with a term is a normal exit for a transient child", "[otp_supervisor]") {
    CHECK(exit_reason::is_normal(exit_reason::shutdown_with("maintenance")));
    CHECK_FALSE(exit_reason::is_normal("shutdowns"));
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto reports = make_log();
    auto sup = spawn_supervisor(sys, {.intensity = 10,
                                      .period = 1h,
                                      .children = {worker_spec("t", log, restart_type::transient), worker_spec("p", log)},
                                      .on_report = collect(reports)});
    auto quit = [&](const std::string& id) {
        auto c = child(sup, id);
        c.cast(worker_msg::quit{exit_reason::shutdown_with("maintenance")});
        c.wait();
        settle(sup);
    };
    quit("t");
    CHECK_FALSE(child(sup, "t"));  // not restarted, and not reported
    quit("p");
    CHECK(child(sup, "p").is_alive());  // a permanent child is restarted after any exit
    CHECK(reports->lines() == lines{"child_terminated p: shutdown: maintenance"});
    sup.stop_and_wait();
}

CONFORMANCE_TEST("a supervisor reports child_terminated, start_error and reached_max_restart_intensity", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto reports = make_log();
    auto attempts = std::make_shared<int>(0);
    auto sup = spawn_supervisor(sys, {.intensity = 2,
                                      .period = 1h,
                                      .children = {flaky_spec("a", log, attempts, {2}), worker_spec("t", log, restart_type::transient)},
                                      .on_report = collect(reports)});
    child(sup, "t").cast(worker_msg::quit{"normal"});  // a normal exit of a transient child: no report
    crash(sup, "a");
    settle(sup);  // restart 1 failed (restart 2 counted), the retry succeeded
    CHECK(child(sup, "a").is_alive());
    CHECK(reports->lines() == lines{"child_terminated a: boom", "start_error a: not now"});
    auto a = child(sup, "a");
    a.cast(worker_msg::fail{});  // restart 3 of at most 2
    sup.wait();
    CHECK(reports->lines() == lines{"child_terminated a: boom", "start_error a: not now", "child_terminated a: boom",
                                    "reached_max_restart_intensity a: boom"});
    CHECK(sys.alive_count() == 0);
}

CONFORMANCE_TEST("a failed child start names the child and the reason", "[otp_supervisor]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    struct refuser : actor<int> {
        std::monostate pre_start(actor_ref<int>, std::monostate) { throw std::runtime_error("bad config"); }
        void handle(actor_ref<int>, int, std::monostate&) {}
    };
    child_spec broken{"broken", [](const any_actor_ref& sup) -> any_actor_ref {
                          return sup.system().spawn(refuser{}, {}, {.supervisor = sup});
                      }};
    try {
        spawn_supervisor(sys, {.children = {worker_spec("a", log), broken}});
        FAIL("spawn_supervisor did not throw");
    } catch (const supervisor_start_error& e) {
        CHECK(e.failure().id == "broken");
        CHECK(e.failure().reason == "bad config");  // pre_start's text, not the spawn's wrapping
        CHECK(std::string(e.what()) == "failed_to_start_child broken: bad config");
    }
    auto sup = spawn_supervisor(sys, {.children = {worker_spec("a", log)}});
    try {
        start_child(sup, broken);
        FAIL("start_child did not throw");
    } catch (const child_start_error& e) {
        CHECK(e.failure().id == "broken");
        CHECK(e.failure().reason == "bad config");
    }
    sup.stop_and_wait();
    CHECK(sys.alive_count() == 0);
}
