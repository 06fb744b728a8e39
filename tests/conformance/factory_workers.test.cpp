// Factory workers on every backend: respawn under the same id with the backlog, the
// dead-man's switch, resizing the pool, draining, lifecycle and stats hooks, call_job.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "support/backends.hpp"
#include "support/factory_fixture.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;
using factory::routing_mode;

namespace {

/// A job whose reply comes back to the caller: the worker answers `value * 2`.
struct ask {
    int value;
    reply_port<int> port;
};

struct doubler : factory::worker<int, ask> {
    void handle(factory::worker_id, factory::job<int, ask>& j, std::monostate&) { j.msg.port.send(j.msg.value * 2); }
};

}  // namespace

CONFORMANCE_TEST("a failed worker is respawned under its id and works off its backlog", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto f = factory::spawn_factory(sys, recorder_spec(log, 2, routing_mode::key_persistent));
    task_job doomed = make_job(1, 1, g);
    doomed.msg.fail = true;
    f.dispatch(std::move(doomed));
    await_lines(log, "run w1", 1);
    f.dispatch(make_job(1, 2));
    f.dispatch(make_job(1, 3));
    CHECK(stats_of(f).queue_depth == 2);
    open_gate(g);
    CHECK(await_lines(log, "done", 2) == std::vector<std::string>{"done w1 k1 v2", "done w1 k1 v3"});
    CHECK(await_lines(log, "start w1", 2).size() == 2);
    auto s = stats_of(f);
    CHECK(s.respawns == 1);
    CHECK(s.lost == 1);
    CHECK(s.completed == 2);
    CHECK(s.workers == 2);
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("the dead-man's switch reports a stuck worker and replaces it", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto never = sys.spawn(gate{});
    auto spec = recorder_spec(log, 1, routing_mode::key_persistent);
    spec.dead_mans_switch = factory::dead_mans_switch{.threshold = 30ms, .check_interval = 10ms, .kill = true};
    spec.hooks.on_stuck = [log](factory::worker_id id) { note(log, "stuck w" + std::to_string(id)); };
    auto f = factory::spawn_factory(sys, std::move(spec));
    f.dispatch(make_job(0, 1, never));
    await_lines(log, "run", 1);
    f.dispatch(make_job(0, 2));
    CHECK(await_lines(log, "stuck", 1) == std::vector<std::string>{"stuck w0"});
    CHECK(await_lines(log, "done", 1) == std::vector<std::string>{"done w0 k0 v2"});
    auto s = stats_of(f);
    CHECK(s.stuck == 1);
    CHECK(s.lost == 1);
    CHECK(s.respawns == 1);
    CHECK(lines_with(await_lines(log, "start", 2), "stopped").empty());  // killed: no post_stop
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("without kill, the dead-man's switch only reports, once per job", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto spec = recorder_spec(log, 1, routing_mode::queuer);
    spec.dead_mans_switch = factory::dead_mans_switch{.threshold = 20ms, .check_interval = 5ms};
    spec.hooks.on_stuck = [log](factory::worker_id id) { note(log, "stuck w" + std::to_string(id)); };
    auto f = factory::spawn_factory(sys, std::move(spec));
    f.dispatch(make_job(0, 1, g));
    await_lines(log, "stuck", 1);
    let_time_pass(sys, 40ms);
    open_gate(g);
    await_lines(log, "done", 1);
    auto s = stats_of(f);
    CHECK(s.stuck == 1);
    CHECK(s.respawns == 0);
    CHECK(s.lost == 0);
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("the pool grows and shrinks; removed workers finish and their backlog moves", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto f = factory::spawn_factory(sys, recorder_spec(log, 2, routing_mode::round_robin));
    f.resize(4);
    CHECK(stats_of(f).workers == 4);
    for (int v = 0; v < 4; ++v) f.dispatch(make_job(0, v));
    auto done = await_lines(log, "done", 4);
    for (int v = 0; v < 4; ++v) {
        CHECK(std::count(done.begin(), done.end(), "done w" + std::to_string(v) + " k0 v" + std::to_string(v)) == 1);
    }
    f.dispatch(make_job(0, 4, g));  // held on worker 0
    f.dispatch(make_job(0, 5, g));  // held on worker 1
    f.dispatch(make_job(0, 6));
    f.dispatch(make_job(0, 7));
    f.dispatch(make_job(0, 8));     // waits in worker 0's backlog
    f.dispatch(make_job(0, 9));     // waits in worker 1's backlog
    await_lines(log, "run", 8);
    f.resize(1);
    CHECK(stats_of(f).workers == 1);
    // Idle workers 2 and 3 stop at once; busy worker 1 once its job is done.
    auto stopped = await_lines(log, "stopped", 2);
    std::sort(stopped.begin(), stopped.end());
    CHECK(stopped == std::vector<std::string>{"stopped w2", "stopped w3"});
    open_gate(g);
    auto after = lines_with(await_lines(log, "done", 10), "done w0");
    CHECK(std::count(after.begin(), after.end(), "done w0 k0 v9") == 1);  // moved from worker 1
    CHECK(await_lines(log, "stopped", 3).back() == "stopped w1");
    f.dispatch(make_job(0, 10));
    CHECK(await_lines(log, "done", 11).back() == "done w0 k0 v10");
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("draining finishes queued and running jobs, refuses new ones, then stops", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto spec = recorder_spec(log, 1, routing_mode::queuer);
    spec.hooks.on_started = [log](const any_actor_ref&) { note(log, "hook started"); };
    spec.hooks.on_draining = [log](const any_actor_ref&) { note(log, "hook draining"); };
    spec.hooks.on_stopped = [log](const any_actor_ref&) { note(log, "hook stopped"); };
    auto f = factory::spawn_factory(sys, std::move(spec));
    f.dispatch(make_job(0, 1, g));
    await_lines(log, "run", 1);
    f.dispatch(make_job(0, 2));
    f.dispatch(make_job(0, 3));
    f.drain();
    auto refused = f.dispatch_acknowledged(make_job(0, 4), 10s).value();
    CHECK_FALSE(refused.accepted);
    CHECK(refused.reason == factory::discard_reason::shutdown);
    CHECK(f.actor().is_alive());
    open_gate(g);
    f.actor().wait();
    CHECK(await_lines(log, "done", 3) == std::vector<std::string>{"done w0 k0 v1", "done w0 k0 v2", "done w0 k0 v3"});
    CHECK(await_lines(log, "discard", 1) == std::vector<std::string>{"discard shutdown k0 v4"});
    CHECK(await_lines(log, "stopped", 1) == std::vector<std::string>{"stopped w0"});  // post_stop ran
    CHECK(await_lines(log, "hook", 3) ==
          std::vector<std::string>{"hook started", "hook draining", "hook stopped"});
}

CONFORMANCE_TEST("stats count queue depth, in-flight jobs, processing time and discards", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto spec = recorder_spec(log, 2, routing_mode::queuer);
    spec.discard = {.limit = 1, .mode = factory::discard_mode::newest};
    spec.hooks.stats_interval = 10ms;
    spec.hooks.on_stats = [log](const factory::factory_stats& s) {
        if (s.in_flight == 2 && s.queue_depth == 1) note(log, "stats full");
    };
    auto f = factory::spawn_factory(sys, std::move(spec));
    f.dispatch(make_job(0, 1, g));
    f.dispatch(make_job(1, 2, g));
    await_lines(log, "run", 2);
    f.dispatch(make_job(2, 3));
    f.dispatch(make_job(3, 4));  // shed: the queue holds one
    auto busy = stats_of(f);
    CHECK(busy.in_flight == 2);
    CHECK(busy.queue_depth == 1);
    CHECK(busy.received == 4);
    CHECK(busy.discarded_for(factory::discard_reason::load_shed) == 1);
    await_lines(log, "stats full", 1);  // the periodic hook saw the same
    let_time_pass(sys, 20ms);
    open_gate(g);
    await_lines(log, "done", 3);
    auto idle = stats_of(f);
    CHECK(idle.in_flight == 0);
    CHECK(idle.queue_depth == 0);
    CHECK(idle.completed == 3);
    CHECK(idle.max_processing >= 20ms);  // the held jobs waited at least that long
    CHECK(idle.mean_processing() <= idle.max_processing);
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("call_job brings the worker's reply back to the caller", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto f = factory::spawn_factory(sys, factory::factory_spec<doubler>{.workers = 3,
                                                                          .route = {.mode = routing_mode::round_robin}});
    for (int v = 0; v < 10; ++v) {
        auto r = f.call_job(v, [v](reply_port<int> p) { return ask{v, std::move(p)}; }, 10s);
        REQUIRE(r.ok());
        CHECK(r.value() == 2 * v);
    }
    f.actor().stop_and_wait();
    auto late = f.call_job(1, [](reply_port<int> p) { return ask{1, std::move(p)}; }, 10s);
    CHECK(late.is_sender_error());
}

CONFORMANCE_TEST("a discarded call_job fails its caller at once", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto f = factory::spawn_factory(
        sys, factory::factory_spec<doubler>{.workers = 1,
                                            .route = {.mode = routing_mode::queuer,
                                                      .limit = factory::rate_limit{.capacity = 1, .refill = 0}}});
    CHECK(f.call_job(1, [](reply_port<int> p) { return ask{1, std::move(p)}; }, 10s).value() == 2);
    auto shed = f.call_job(2, [](reply_port<int> p) { return ask{2, std::move(p)}; }, 10s);
    CHECK(shed.is_sender_error());
    CHECK(stats_of(task_factory(f.actor())).discarded_for(factory::discard_reason::rate_limited) == 1);
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("a spec that cannot work is refused before anything starts", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto no_workers = recorder_spec(log, 0, routing_mode::queuer);
    CHECK_THROWS_AS(factory::spawn_factory(sys, std::move(no_workers)), std::invalid_argument);
    auto no_router = recorder_spec(log, 2, routing_mode::custom);
    CHECK_THROWS_AS(factory::spawn_factory(sys, std::move(no_router)), std::invalid_argument);
    auto no_start = recorder_spec(log, 2, routing_mode::queuer);
    no_start.discard.update = [](std::size_t n) { return n; };
    CHECK_THROWS_AS(factory::spawn_factory(sys, std::move(no_start)), std::invalid_argument);
    auto still = recorder_spec(log, 2, routing_mode::queuer);
    still.route.limit = factory::rate_limit{.capacity = 1, .refill = 1, .interval = duration::zero()};
    CHECK_THROWS_AS(factory::spawn_factory(sys, std::move(still)), std::invalid_argument);
    CHECK(sys.alive_count() == 1);  // only the tally: no factory, no worker
}

CONFORMANCE_TEST("a worker that cannot start again fails the factory", "[factory]") {
    struct fragile : factory::worker<int, task> {
        tally_ref log;
        std::monostate pre_start(factory::worker_id) {
            note(log, "start");
            if (fail_next) throw std::runtime_error("no second start");
            return {};
        }
        void handle(factory::worker_id, task_job&, std::monostate&) { throw std::runtime_error("job broke"); }
        bool fail_next = false;
    };
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto sup = sys.spawn(probe{});
    int built = 0;
    factory::factory_spec<fragile> spec{.workers = 1, .make_worker = [&built, log](factory::worker_id) {
                                            fragile w;
                                            w.log = log;
                                            w.fail_next = built++ > 0;
                                            return w;
                                        }};
    auto f = factory::spawn_factory(sys, std::move(spec), {.supervisor = sup});
    f.dispatch(make_job(0, 1));
    f.actor().wait();
    auto seen = await_events(sup, 2);
    CHECK(seen[1].what == supervision_event::kind::failed);
    CHECK(seen[1].reason.find("no second start") != std::string::npos);
}

CONFORMANCE_TEST("growing back before a removed worker stopped gives its place a worker again", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto f = factory::spawn_factory(sys, recorder_spec(log, 2, routing_mode::round_robin));
    f.resize(1);  // worker 1 is idle: told to stop at once
    f.resize(2);  // back before (or after) it stopped
    for (int v = 0; v < 4; ++v) f.dispatch(make_job(0, v));
    auto done = await_lines(log, "done", 4);
    CHECK(lines_with(done, "done w1").size() == 2);
    CHECK(lines_with(done, "done w0").size() == 2);
    auto s = stats_of(f);
    CHECK(s.workers == 2);
    CHECK(s.lost == 0);
    f.actor().stop_and_wait();
}
