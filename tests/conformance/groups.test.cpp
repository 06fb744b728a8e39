// Process groups (Erlang pg) on every backend.
#include <catch2/catch.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;

namespace {

struct member : actor<int> {
    void handle(actor_ref<int>, int, std::monostate&) {}
};

std::vector<actor_id> ids(const std::vector<any_actor_ref>& refs) {
    std::vector<actor_id> out;
    for (const auto& r : refs) out.push_back(r.id());
    return out;
}

}  // namespace

CONFORMANCE_TEST("join, leave, members and groups", "[groups]") {
    actor_system sys(backend.add_node("n1"));
    auto& pg = sys.groups();
    auto a = sys.spawn(member{});
    auto b = sys.spawn(member{});
    pg.join("workers", {a, b});
    pg.join("workers", {a});  // a second membership
    pg.join("admins", {b});
    CHECK(ids(pg.get_members("workers")) == std::vector<actor_id>{a.id(), b.id(), a.id()});
    CHECK(ids(pg.get_local_members("workers")) == ids(pg.get_members("workers")));
    CHECK(pg.which_groups() == std::vector<std::string>{"admins", "workers"});
    pg.leave("workers", {a});
    CHECK(ids(pg.get_members("workers")) == std::vector<actor_id>{b.id(), a.id()});
    pg.leave("workers", {a, a});  // only one membership left to remove; the extra is ignored
    CHECK(ids(pg.get_members("workers")) == std::vector<actor_id>{b.id()});
    CHECK(pg.get_members("nobody").empty());
    CHECK(pg.which_scopes() == std::vector<std::string>{"default"});
}

CONFORMANCE_TEST("group membership goes to zero when members exit", "[groups]") {
    actor_system sys(backend.add_node("n1"));
    auto& pg = sys.groups();
    std::vector<actor_ref<int>> members;
    for (int i = 0; i < 20; ++i) members.push_back(sys.spawn(member{}));
    for (auto& m : members) pg.join("pool", {m});
    CHECK(pg.get_members("pool").size() == 20);
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (i % 2) members[i].stop_and_wait();
        else members[i].kill_and_wait();
    }
    CHECK(pg.get_members("pool").empty());
    CHECK(pg.which_groups().empty());
    CHECK(pg.which_scopes().empty());
}

CONFORMANCE_TEST("joining a stopped actor inserts nothing", "[groups]") {
    actor_system sys(backend.add_node("n1"));
    auto a = sys.spawn(member{});
    a.stop_and_wait();
    sys.groups().join("pool", {a});
    CHECK(sys.groups().get_members("pool").empty());
    CHECK(sys.groups().which_groups().empty());
}

CONFORMANCE_TEST("monitor events arrive for join and leave, in order", "[groups]") {
    actor_system sys(backend.add_node("n1"));
    auto& pg = sys.groups();
    auto watcher = sys.spawn(probe{});
    auto scope_watcher = sys.spawn(probe{});
    pg.monitor("pool", watcher);
    pg.monitor_scope(scope_watcher, "jobs");
    auto a = sys.spawn(member{});
    auto b = sys.spawn(member{});
    pg.join("pool", {a, b});
    pg.join("other", {a});  // not monitored by watcher
    pg.leave("pool", {a});
    b.stop_and_wait();  // leaves automatically
    pg.join("queue", {a}, "jobs");
    pg.leave("queue", {a}, "jobs");
    auto seen = await_events(watcher, 3);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].group == "joined default/pool " + a.id().to_string() + " " + b.id().to_string());
    CHECK(seen[1].group == "left default/pool " + a.id().to_string());
    CHECK(seen[2].group == "left default/pool " + b.id().to_string());
    for (auto& e : seen) CHECK(e.what == supervision_event::kind::group_changed);
    auto scoped = await_events(scope_watcher, 2);
    REQUIRE(scoped.size() == 2);
    CHECK(scoped[0].group == "joined jobs/queue " + a.id().to_string());
    CHECK(scoped[1].group == "left jobs/queue " + a.id().to_string());
    CHECK(watcher.is_alive());  // group events do not escalate
}

CONFORMANCE_TEST("scopes are isolated from each other", "[groups]") {
    actor_system sys(backend.add_node("n1"));
    auto& pg = sys.groups();
    auto a = sys.spawn(member{});
    auto b = sys.spawn(member{});
    pg.join("pool", {a}, "east");
    pg.join("pool", {b}, "west");
    CHECK(ids(pg.get_members("pool", "east")) == std::vector<actor_id>{a.id()});
    CHECK(ids(pg.get_members("pool", "west")) == std::vector<actor_id>{b.id()});
    CHECK(pg.get_members("pool").empty());
    CHECK(pg.which_scopes() == std::vector<std::string>{"east", "west"});
    pg.leave("pool", {a}, "west");  // a is not in west: nothing happens
    CHECK(ids(pg.get_members("pool", "east")) == std::vector<actor_id>{a.id()});
}

CONFORMANCE_TEST("demonitor stops group events", "[groups]") {
    actor_system sys(backend.add_node("n1"));
    auto& pg = sys.groups();
    auto watcher = sys.spawn(probe{});
    auto a = sys.spawn(member{});
    pg.monitor("pool", watcher);
    pg.join("pool", {a});
    pg.demonitor("pool", watcher);
    pg.leave("pool", {a});
    pg.monitor("pool", watcher);
    pg.join("pool", {a});
    auto seen = await_events(watcher, 2);
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].group == "joined default/pool " + a.id().to_string());
    CHECK(seen[1].group == "joined default/pool " + a.id().to_string());
}

CONFORMANCE_TEST("monitoring a group or a scope twice keeps one registration", "[groups]") {
    actor_system sys(backend.add_node("n1"));
    auto& pg = sys.groups();
    auto group_watcher = sys.spawn(probe{});
    auto scope_watcher = sys.spawn(probe{});
    pg.monitor("pool", group_watcher);
    pg.monitor("pool", group_watcher);
    pg.monitor_scope(scope_watcher);
    pg.monitor_scope(scope_watcher);
    auto a = sys.spawn(member{});
    pg.join("pool", {a});
    // Group events are queued before join returns, and go ahead of the probe's request.
    CHECK(events_of(group_watcher).size() == 1);
    CHECK(events_of(scope_watcher).size() == 1);
    pg.demonitor("pool", group_watcher);  // one demonitor ends it
    pg.demonitor_scope(scope_watcher);
    pg.leave("pool", {a});
    CHECK(events_of(group_watcher).size() == 1);
    CHECK(events_of(scope_watcher).size() == 1);
    CHECK(pg.which_scopes().empty());
}

CONFORMANCE_TEST(
    "a monitor of all scopes hears every scope, and which_scopes_and_groups lists them",
    "[groups]") {
    actor_system sys(backend.add_node("n1"));
    auto& pg = sys.groups();
    auto all = sys.spawn(probe{});
    pg.monitor_all_scopes(all);
    pg.monitor_all_scopes(all);  // twice is once
    auto a = sys.spawn(member{});
    auto b = sys.spawn(member{});
    pg.join("pool", {a});
    pg.join("queue", {b}, "jobs");
    pg.join("queue", {a}, "later");  // a scope that did not exist when the monitor started
    CHECK(pg.which_scopes_and_groups() ==
          std::vector<std::pair<std::string, std::string>>{
              {"default", "pool"}, {"jobs", "queue"}, {"later", "queue"}});
    b.stop_and_wait();  // leaves jobs/queue
    const auto seen = await_events(all, 4);
    REQUIRE(seen.size() == 4);
    CHECK(seen[0].group == "joined default/pool " + a.id().to_string());
    CHECK(seen[1].group == "joined jobs/queue " + b.id().to_string());
    CHECK(seen[2].group == "joined later/queue " + a.id().to_string());
    CHECK(seen[3].group == "left jobs/queue " + b.id().to_string());
    pg.demonitor_all_scopes(all);
    pg.leave("pool", {a});
    CHECK(events_of(all).size() == 4);  // events go ahead of the query: none after demonitor
    CHECK(pg.which_scopes_and_groups() ==
          std::vector<std::pair<std::string, std::string>>{{"later", "queue"}});
}
