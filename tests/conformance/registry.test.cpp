// The named registry on every backend.
#include <catch2/catch.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;

namespace {

/// In post_stop, tries to take its own name for a new actor and logs whether it could.
struct name_checker : actor<int, log_ptr, log_ptr> {
    log_ptr pre_start(actor_ref<int>, log_ptr log) { return log; }
    void handle(actor_ref<int>, int, log_ptr&) {}
    void post_stop(actor_ref<int> self, log_ptr& log) {
        log->add(self.system().where_is("svc") ? "name held in post_stop" : "name free in post_stop");
        try {
            self.system().spawn(name_checker{}, log, {.name = "svc"});
            log->add("respawned under the same name");
        } catch (const spawn_error& e) {
            log->add(std::string("respawn failed: ") + e.what());
        }
    }
};

}  // namespace

CONFORMANCE_TEST("a name is free during post_stop and after", "[registry]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto first = sys.spawn(name_checker{}, log, {.name = "svc"});
    first.stop_and_wait();
    CHECK(log->lines() == std::vector<std::string>{"name free in post_stop", "respawned under the same name"});
    auto now = sys.where_is<int>("svc");
    REQUIRE(now);
    CHECK(now->id() != first.id());
    CHECK(now->is_alive());
}

CONFORMANCE_TEST("register_name, unregister_name and registered", "[registry]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto a = sys.spawn(name_checker{}, log);
    auto b = sys.spawn(name_checker{}, log, {.name = "b"});
    sys.register_name("a", a);
    CHECK(sys.registered() == std::vector<std::string>{"a", "b"});
    CHECK(a.name() == "a");
    CHECK(sys.where_is("a")->id() == a.id());
    REQUIRE_THROWS_AS(sys.register_name("b", a), std::invalid_argument);  // a already has a name
    auto c = sys.spawn(name_checker{}, log);
    REQUIRE_THROWS_WITH(sys.register_name("b", c), Catch::Contains("already registered"));
    CHECK(sys.unregister_name("a"));
    CHECK_FALSE(sys.unregister_name("a"));
    CHECK_FALSE(sys.where_is("a"));
    sys.register_name("c", c);
    c.stop_and_wait();  // its post_stop spawns a new actor named "svc"
    REQUIRE_THROWS_AS(sys.register_name("late", c), spawn_error);  // not alive
    CHECK(sys.registered() == std::vector<std::string>{"b", "svc"});
}

CONFORMANCE_TEST("try_where_is reports a missing name and a wrong type without throwing",
                 "[registry]") {
    actor_system sys(backend.add_node("n1"));
    auto log = make_log();
    auto a = sys.spawn(name_checker{}, log, {.name = "svc"});
    const auto typed = sys.try_where_is<int>("svc");
    REQUIRE(typed);
    CHECK(typed->id() == a.id());
    CHECK_FALSE(sys.try_where_is<std::string>("svc"));
    CHECK_THROWS_AS(sys.where_is<std::string>("svc"), wrong_message_type);
    CHECK_FALSE(sys.try_where_is<int>("nobody"));
}
