// Faults report that they fired: per plan entry in a world and a run, per kind over an
// exploration, with a warning for a planned kind that never fired.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>

#include <ractor/ractor.hpp>
#include <ractor/sim/explore.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/fault_tally.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/world.hpp>

using namespace std::chrono_literals;
namespace sim = ractor::sim;

namespace {

/// Ignores what it is sent.
struct idler : ractor::actor<int> {
    void handle(ractor::actor_ref<int>, int, std::monostate&) {}
};

void spawn_db(ractor::actor_system& s) { s.spawn(idler{}, {}, {.name = "db"}); }

/// A node with an actor called "db" and a plan that kills `victim` at 1 ms.
sim::program kill_program(std::string victim) {
    return [victim](sim::world& w) {
        w.add_node("n", spawn_db);
        sim::fault_plan plan;
        plan.kills.push_back({.at = 1ms, .target = {.node = 1, .name = victim}});
        w.apply(plan);
        w.run_for(2ms);
    };
}

std::uint64_t fired(const sim::world& w, const std::string& entry) {
    for (const auto& t : w.fault_tallies()) {
        if (t.entry == entry) return t.fired;
    }
    FAIL("no tally for " << entry);
    return 0;
}

}  // namespace

TEST_CASE("fault tallies: each plan entry counts the times it changed the run", "[sim][fault_tally]") {
    sim::world w(3);
    w.add_node("n", spawn_db);
    const auto db = *w.node_system(1)->where_is<int>("db");
    sim::fault_plan plan;
    plan.failures.push_back({.node = 1, .actor = db.id().local, .at_invocation = 2});
    plan.failures.push_back({.kind = "nobody", .probability = 1});
    plan.kills.push_back({.at = 1ms, .target = {.node = 1, .name = "ghost"}});
    plan.stops.push_back({.at = 2ms, .target = {.node = 1, .name = "db"}});
    plan.crashes.push_back({.at = 3ms, .node = 1, .restart_at = 4ms});
    plan.crashes.push_back({.at = 3ms, .node = 1});  // already down by then
    w.apply(plan);
    db.cast(1);
    db.cast(2);
    w.run_for(5ms);
    CHECK(fired(w, "failures[0]") == 1);
    CHECK(fired(w, "failures[1]") == 0);
    CHECK(fired(w, "kills[0]") == 0);
    CHECK(fired(w, "stops[0]") == 0);  // db had failed at its second message
    CHECK(fired(w, "crashes[0]") == 1);
    CHECK(fired(w, "crashes[0].restart_at") == 1);
    CHECK(fired(w, "crashes[1]") == 0);
    const auto kinds = sim::fired_by_kind(w.fault_tallies());
    CHECK(kinds == std::map<std::string, std::uint64_t>{
                       {"crash", 1}, {"failure", 1}, {"kill", 0}, {"restart", 1}, {"stop", 0}});
    // A second plan adds its entries under its own number.
    sim::fault_plan again;
    again.kills.push_back({.at = 6ms, .target = {.node = 1, .name = "db"}});
    w.apply(again);
    w.run_for(2ms);
    REQUIRE(w.fault_tallies().back().plan == 2);
    CHECK(w.fault_tallies().back().entry == "kills[0]");
    CHECK(w.fault_tallies().back().fired == 1);
}

TEST_CASE("fault tallies: a run reports them per plan entry", "[sim][fault_tally]") {
    const sim::run_report r = sim::run_program(kill_program("ghost"), {});
    REQUIRE(r.faults.size() == 1);
    CHECK(r.faults[0].entry == "kills[0]");
    CHECK(sim::fault_summary(r) == "faults fired per plan entry:\n  plan 1 kills[0] (kill): fired 0 times\n");
    CHECK(sim::fault_summary(sim::run_program(kill_program("db"), {})).ends_with("(kill): fired 1 time\n"));
}

TEST_CASE("fault tallies: a campaign whose planned kill never finds its actor says so", "[sim][fault_tally]") {
    for (unsigned jobs : {1u, 2u}) {
        sim::explore_options o;
        o.seeds = 20;
        o.jobs = jobs;
        const sim::explore_summary ghost = sim::explore(kill_program("ghost"), o);
        CHECK(ghost.failures.empty());
        REQUIRE(ghost.fault_kinds.contains("kill"));
        CHECK(ghost.fault_kinds.at("kill").planned_seeds == 20);
        CHECK(ghost.fault_kinds.at("kill").fired == 0);
        const std::string text = ghost.describe("ractor-sim", "ghost");
        INFO(text);
        CHECK(text.find("warning: planned fault kind 'kill' never fired in any of the 20 seeds") !=
              std::string::npos);

        const sim::explore_summary real = sim::explore(kill_program("db"), o);
        CHECK(real.fault_kinds.at("kill").fired == 20);
        CHECK(real.fault_kinds.at("kill").fired_seeds == 20);
        CHECK(real.describe("ractor-sim", "db").find("warning") == std::string::npos);
    }
}
