// Factory jobs from another node on every backend: through a job gateway, casts keep their
// order per key and a job carrying a reply port answers the remote caller.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include <ractor/factory/job_gateway.hpp>
#include <ractor/factory/remote_job_json.hpp>

#include "support/cluster_fixture.hpp"
#include "support/factory_fixture.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;
using factory::routing_mode;

namespace {

/// A question a remote caller asks through the factory: the worker answers `value * 2`.
struct double_it {
    int value;
    reply_port<int> port;
};

/// Notes "w<id> k<key> v<value>" for every job.
struct noter : factory::worker<int, int> {
    tally_ref log;
    void handle(factory::worker_id id, factory::job<int, int>& j, std::monostate&) {
        note(log, "w" + std::to_string(id) + " k" + std::to_string(j.key) + " v" + std::to_string(j.msg));
    }
};

struct doubler : factory::worker<int, double_it> {
    void handle(factory::worker_id, factory::job<int, double_it>& j, std::monostate&) {
        j.msg.port.send(j.msg.value * 2);
    }
};

using int_job = factory::remote_job<int, int>;
using ask_job = factory::remote_job<int, double_it>;

}  // namespace

template <>
struct nlohmann::adl_serializer<double_it> {
    static void to_json(json& j, const double_it& d) { j = json{{"value", d.value}, {"port", d.port}}; }
    static double_it from_json(const json& j) {
        return {j.at("value").get<int>(), j.at("port").get<ractor::reply_port<int>>()};
    }
};

CONFORMANCE_TEST("remote casts through a job gateway reach the factory in order per key", "[factory]") {
    test_node n1(backend, "n1"), n2(backend, "n2");
    n1.node.register_message<int_job>("factory-int");
    n2.node.register_message<int_job>("factory-int");
    auto log = n1.sys.spawn(tally{});
    auto f = factory::spawn_factory(n1.sys, factory::factory_spec<noter>{
                                                .workers = 2,
                                                .make_worker = [log](factory::worker_id) {
                                                    noter w;
                                                    w.log = log;
                                                    return w;
                                                },
                                                .route = {.mode = routing_mode::key_persistent}});
    factory::spawn_job_gateway(n1.sys, f, {.name = "jobs"});
    n2.node.connect(n1.node.address());
    REQUIRE(eventually(n2.sys, [&] { return sees(n2, {"n1"}); }));
    auto gateway = n2.node.where_is<int_job>("n1", "jobs");
    REQUIRE(gateway.ok());
    for (int v = 0; v < 5; ++v) {
        for (int key = 0; key < 2; ++key) CHECK(gateway.value().cast(int_job{key, v}) == send_status::ok);
    }
    auto lines = await_lines(log, "w", 10);
    for (int key = 0; key < 2; ++key) {
        std::vector<std::string> expected;
        for (int v = 0; v < 5; ++v) {
            expected.push_back("w" + std::to_string(key) + " k" + std::to_string(key) + " v" + std::to_string(v));
        }
        CHECK(lines_with(lines, "w" + std::to_string(key)) == expected);
    }
    f.actor().stop_and_wait();
    REQUIRE(eventually(n1.sys, [&] { return !n1.sys.where_is("jobs"); }));  // the gateway follows its factory
}

CONFORMANCE_TEST("a remote job carrying a reply port answers the remote caller", "[factory]") {
    test_node n1(backend, "n1"), n2(backend, "n2");
    n1.node.register_message<ask_job>("factory-ask");
    n2.node.register_message<ask_job>("factory-ask");
    auto f = factory::spawn_factory(n1.sys, factory::factory_spec<doubler>{.workers = 3,
                                                                             .route = {.mode = routing_mode::queuer}});
    factory::spawn_job_gateway(n1.sys, f, {.name = "doubler"});
    n2.node.connect(n1.node.address());
    REQUIRE(eventually(n2.sys, [&] { return sees(n2, {"n1"}); }));
    auto gateway = n2.node.where_is<ask_job>("n1", "doubler");
    REQUIRE(gateway.ok());
    for (int v = 1; v <= 5; ++v) {
        auto r = gateway.value().call([v](reply_port<int> p) { return ask_job{v, double_it{v, std::move(p)}}; }, 5s);
        REQUIRE(r.ok());
        CHECK(r.value() == 2 * v);
    }
    CHECK(f.stats(5s).value().completed == 5);
    f.actor().stop_and_wait();
}
