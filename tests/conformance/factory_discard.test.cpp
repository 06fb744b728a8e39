// Factory discards on every backend: static and dynamic limits, oldest or newest first, a
// limit of 0, ttl, shutdown, and the acceptance reply a caller uses for back-pressure.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "support/backends.hpp"
#include "support/factory_fixture.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;
using factory::discard_mode;
using factory::discard_reason;
using factory::routing_mode;

namespace {

/// A one-worker factory with `limit` on its queue, whose worker is held at `g` by job v0.
task_factory held_factory(actor_system& sys, const tally_ref& log, const actor_ref<gate_message>& g,
                          routing_mode mode, factory::discard_settings discard) {
    auto spec = recorder_spec(log, 1, mode);
    spec.discard = std::move(discard);
    auto f = factory::spawn_factory(sys, std::move(spec));
    f.dispatch(make_job(0, 0, g));
    await_lines(log, "run", 1);
    return f;
}

}  // namespace

CONFORMANCE_TEST("a full queue sheds its oldest jobs as load_shed", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto f = held_factory(sys, log, g, routing_mode::queuer, {.limit = 2, .mode = discard_mode::oldest});
    for (int v = 1; v <= 4; ++v) CHECK(f.dispatch_acknowledged(make_job(0, v), 10s).value().accepted);
    CHECK(await_lines(log, "discard", 2) ==
          std::vector<std::string>{"discard load_shed k0 v1", "discard load_shed k0 v2"});
    open_gate(g);
    CHECK(await_lines(log, "done", 3) == std::vector<std::string>{"done w0 k0 v0", "done w0 k0 v3", "done w0 k0 v4"});
    CHECK(stats_of(f).discarded_for(discard_reason::load_shed) == 2);
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("a full backlog sheds its newest jobs and refuses them in the acceptance", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto f = held_factory(sys, log, g, routing_mode::key_persistent, {.limit = 2, .mode = discard_mode::newest});
    for (int v = 1; v <= 2; ++v) CHECK(f.dispatch_acknowledged(make_job(0, v), 10s).value().accepted);
    for (int v = 3; v <= 4; ++v) {
        auto verdict = f.dispatch_acknowledged(make_job(0, v), 10s).value();
        CHECK_FALSE(verdict.accepted);
        CHECK(verdict.reason == discard_reason::load_shed);
    }
    CHECK(await_lines(log, "discard", 2) ==
          std::vector<std::string>{"discard load_shed k0 v3", "discard load_shed k0 v4"});
    open_gate(g);
    CHECK(await_lines(log, "done", 3) == std::vector<std::string>{"done w0 k0 v0", "done w0 k0 v1", "done w0 k0 v2"});
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("a limit of 0 never queues: a job no free worker takes is shed", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto f = held_factory(sys, log, g, routing_mode::queuer, {.limit = 0});
    auto verdict = f.dispatch_acknowledged(make_job(0, 1), 10s).value();
    CHECK_FALSE(verdict.accepted);
    CHECK(verdict.reason == discard_reason::load_shed);
    CHECK(stats_of(f).queue_depth == 0);
    open_gate(g);
    await_lines(log, "done", 1);
    CHECK(f.dispatch_acknowledged(make_job(0, 2), 10s).value().accepted);  // a free worker takes it
    CHECK(await_lines(log, "done", 2)[1] == "done w0 k0 v2");
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("a dynamic limit is recomputed on the factory's timer", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    factory::discard_settings discard{.limit = 0,
                                      .update = [log](std::size_t current) {
                                          note(log, "update from " + std::to_string(current));
                                          return std::size_t{2};
                                      },
                                      .update_interval = 10ms};
    auto f = held_factory(sys, log, g, routing_mode::queuer, std::move(discard));
    CHECK(await_lines(log, "update", 1)[0] == "update from 0");
    for (int v = 1; v <= 3; ++v) f.dispatch(make_job(0, v));
    CHECK(await_lines(log, "discard", 1) == std::vector<std::string>{"discard load_shed k0 v1"});
    CHECK(stats_of(f).queue_depth == 2);
    open_gate(g);
    await_lines(log, "done", 3);
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("a job that waited past its ttl is discarded as ttl_expired, not run", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto f = held_factory(sys, log, g, routing_mode::queuer, {});
    task_job short_lived = make_job(0, 1);
    short_lived.options.ttl = 10ms;
    f.dispatch(std::move(short_lived));
    f.dispatch(make_job(0, 2));  // no ttl: waits as long as it takes
    CHECK(stats_of(f).queue_depth == 2);
    let_time_pass(sys, 30ms);
    open_gate(g);
    CHECK(await_lines(log, "done", 2) == std::vector<std::string>{"done w0 k0 v0", "done w0 k0 v2"});
    CHECK(await_lines(log, "discard", 1) == std::vector<std::string>{"discard ttl_expired k0 v1"});
    CHECK(stats_of(f).discarded_for(discard_reason::ttl_expired) == 1);
    f.actor().stop_and_wait();
}

CONFORMANCE_TEST("stopping a factory discards its queued jobs as shutdown", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto g = sys.spawn(gate{});
    auto f = held_factory(sys, log, g, routing_mode::round_robin, {});
    f.dispatch(make_job(0, 1));
    f.dispatch(make_job(0, 2));
    CHECK(stats_of(f).queue_depth == 2);
    f.actor().stop_and_wait();
    CHECK(await_lines(log, "discard", 2) ==
          std::vector<std::string>{"discard shutdown k0 v1", "discard shutdown k0 v2"});
    CHECK(lines_with(await_lines(log, "run", 1), "done").empty());
    open_gate(g);
}

CONFORMANCE_TEST("acceptance lets a caller wait for each job: nothing is shed under back-pressure", "[factory]") {
    actor_system sys(backend.add_node("n1"));
    auto log = sys.spawn(tally{});
    auto spec = recorder_spec(log, 2, routing_mode::queuer);
    // Newest first: the job shed is the one arriving, so an accepted job is never shed later.
    spec.discard = {.limit = 1, .mode = discard_mode::newest};
    auto f = factory::spawn_factory(sys, std::move(spec));
    int accepted = 0;
    for (int v = 0; v < 40; ++v) {
        // Wait until the factory has room; a refused job is offered again.
        while (!f.dispatch_acknowledged(make_job(v, v), 10s).value().accepted) let_time_pass(sys, 1ms);
        ++accepted;
    }
    CHECK(accepted == 40);
    await_lines(log, "done", 40);
    auto s = stats_of(f);
    CHECK(s.completed == 40);
    CHECK(s.received == 40 + s.discarded_for(discard_reason::load_shed));
    f.actor().stop_and_wait();
}
