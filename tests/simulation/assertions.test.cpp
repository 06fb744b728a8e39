// Assertion sites and their catalogue: static registration, per-run recording on the
// simulator, campaign reports (in this process and over a pool of child processes) and the
// claims that fail a campaign.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <ractor/ractor.hpp>
#include <ractor/sim/explore.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/world.hpp>

using namespace ractor;
namespace sim = ractor::sim;

namespace {

/// Never called: its site must be in the catalogue all the same.
constexpr unsigned never_called_line = __LINE__ + 1;
[[maybe_unused]] void never_called() { RACTOR_REACHABLE("test.assertions.never_called"); }

/// Handles positive numbers; a fault plan may make an invocation throw.
struct fragile : actor<int, int> {
    void handle(actor_ref<int>, int v, int& seen) {
        RACTOR_ALWAYS(v > 0, "test.assertions.positive");
        RACTOR_TRACK_MAX(v, "test.assertions.largest");
        ++seen;
    }
};

/// Sends three numbers to a `fragile` actor; the site after the run holds only if a fault
/// stopped the actor, so only a live fault plan makes it true.
void fault_sensitive(sim::world& w) {
    runtime& rt = w.add_node("n1");
    actor_system sys(rt);
    auto a = sys.spawn(fragile{});
    for (int v : {1, 5, 3}) a.cast(v);
    w.run();
    record_hit(RACTOR_ASSERTION_SITE(sometimes, "test.assertions.actor_failed"), rt,
               a.status() == actor_status::stopped);
}

/// Sends a non-positive number: the `always` site is false.
void breaks_always(sim::world& w) {
    actor_system sys(w.add_node("n1"));
    sys.spawn(fragile{}).cast(w.node(1).entropy.next_u64() % 4 == 0 ? 0 : 2);
    w.run();
}

const sim::site_total& site_named(const sim::explore_summary& s, const char* name) {
    const auto& sites = s.assertions.sites();
    const auto it = std::find_if(sites.begin(), sites.end(), [name](const sim::site_total& t) {
        return std::strcmp(t.site->name(), name) == 0;
    });
    REQUIRE(it != sites.end());
    return *it;
}

sim::fault_plan failure_of(const std::string& kind) {
    sim::fault_plan plan;
    plan.failures.push_back(sim::invocation_failure{.kind = kind, .probability = 0.3});
    return plan;
}

sim::explore_options campaign(const std::string& kind, unsigned jobs) {
    sim::explore_options o;
    o.base.plan = failure_of(kind);
    o.seeds = 20;
    o.jobs = jobs;
    o.required_sites = {"test.assertions.actor_failed"};
    return o;
}

bool contains(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

/// Run options for `seed`, nothing else changed.
sim::run_options seeded(std::uint64_t seed) {
    sim::run_options o;
    o.seed = seed;
    return o;
}

}  // namespace

using sim::site_total;

TEST_CASE("the catalogue lists every site compiled in, executed or not", "[assertions]") {
    const auto catalogue = assertion_catalogue();
    const auto find = [&](const char* name) {
        return std::find_if(catalogue.begin(), catalogue.end(), [name](const assertion_site* s) {
            return std::strcmp(s->name(), name) == 0;
        });
    };
    const auto never = find("test.assertions.never_called");
    REQUIRE(never != catalogue.end());
    CHECK((*never)->kind() == assertion_kind::reachable);
    CHECK(std::string((*never)->where().file_name()).ends_with("assertions.test.cpp"));
    CHECK((*never)->where().line() == never_called_line);
    for (const char* library : {"ractor.supervisor.restart_intensity_reached",
                                "ractor.mailbox_full", "ractor.call.reply_dropped",
                                "ractor.cluster.session_replaced", "ractor.cluster.reconnected"}) {
        INFO(library);
        CHECK(find(library) != catalogue.end());
    }
    for (std::size_t i = 0; i < catalogue.size(); ++i) CHECK(catalogue[i]->id() == i);
}

TEST_CASE("a run on the simulator records the hits of its sites", "[assertions]") {
    const sim::run_report r = sim::run_program(fault_sensitive, seeded(3));
    REQUIRE(r.passed());
    const auto catalogue = assertion_catalogue();
    std::vector<std::string> names;
    for (const sim::assertion_tally& t : r.assertions) {
        const std::string name = catalogue.at(t.site)->name();
        names.push_back(name);
        if (name == "test.assertions.positive") CHECK((t.hits == 3 && t.held == 3));
        if (name == "test.assertions.largest") CHECK(t.max_value == 5);
        if (name == "test.assertions.actor_failed") CHECK((t.hits == 1 && t.held == 0));
    }
    CHECK(names.size() == 3);
    CHECK(std::find(names.begin(), names.end(), "test.assertions.never_called") == names.end());
    const std::string summary = sim::assertion_summary(r);
    CHECK(summary.find("track_max 'test.assertions.largest' at ") != std::string::npos);
    CHECK(summary.find(", max 5") != std::string::npos);
}

TEST_CASE("a campaign under an inert fault plan fails: its sometimes site was never true",
          "[assertions]") {
    for (unsigned jobs : {1u, 3u}) {
        INFO("jobs " << jobs);
        const sim::explore_summary s =
            sim::explore(fault_sensitive, campaign("no_such_kind", jobs));
        CHECK(s.failures.empty());
        CHECK_FALSE(s.campaign_passed());
        const auto failed = s.assertions.failures();
        CHECK(failed.size() == 1);
        CHECK(contains(
            failed,
            "sometimes site never hit (never true): sometimes 'test.assertions.actor_failed'"));
        CHECK(site_named(s, "test.assertions.actor_failed").runs_hit == 20);
        // Never required, never hit: listed, not a failure.
        CHECK(site_named(s, "test.assertions.never_called").hits == 0);
        CHECK(s.describe("ractor-sim", "fault_sensitive").find("sometimes site never hit") !=
              std::string::npos);
    }
}

TEST_CASE("the same campaign under a live plan passes and names the first seed that made it true",
          "[assertions]") {
    const sim::explore_summary here = sim::explore(fault_sensitive, campaign("fragile", 1));
    const sim::explore_summary pool = sim::explore(fault_sensitive, campaign("fragile", 3));
    for (const sim::explore_summary* s : {&here, &pool}) {
        INFO(s->describe("ractor-sim", "fault_sensitive"));
        CHECK(s->campaign_passed());
        const site_total& t = site_named(*s, "test.assertions.actor_failed");
        CHECK(t.runs_hit == 20);
        CHECK(t.held > 0);
        CHECK(t.held < 20);  // probability 0.3 per invocation: some seeds keep the actor alive
        REQUIRE(t.first_held_seed);
        // The first seed it names is the lowest seed whose own run made the site true.
        sim::run_options o = campaign("fragile", 1).base;
        std::uint64_t first = 0;
        for (std::uint64_t seed = 1; first == 0; ++seed) {
            o.seed = seed;
            for (const auto& a : sim::run_program(fault_sensitive, o).assertions) {
                if (std::strcmp(assertion_catalogue().at(a.site)->name(),
                                "test.assertions.actor_failed") == 0 &&
                    a.held > 0)
                    first = seed;
            }
        }
        CHECK(*t.first_held_seed == first);
        CHECK(site_named(*s, "test.assertions.largest").max_value == 5);
    }
    // The pool merges the children's records into the same report as one process makes.
    for (std::size_t i = 0; i < here.assertions.sites().size(); ++i) {
        const site_total& a = here.assertions.sites()[i];
        const site_total& b = pool.assertions.sites()[i];
        CHECK((a.site == b.site && a.hits == b.hits && a.held == b.held &&
               a.runs_hit == b.runs_hit && a.first_seed == b.first_seed &&
               a.first_held_seed == b.first_held_seed && a.max_value == b.max_value));
    }
}

TEST_CASE("an always that was false fails its run and the campaign, naming the seed",
          "[assertions]") {
    sim::explore_options o;
    o.seeds = 30;
    o.jobs = 2;
    const sim::explore_summary s = sim::explore(breaks_always, o);
    REQUIRE_FALSE(s.failures.empty());
    CHECK_FALSE(s.campaign_passed());
    const std::uint64_t seed = s.failures.front().options.seed;
    CHECK(s.failures.front().message.find(
              "always site was false: always 'test.assertions.positive'") != std::string::npos);
    CHECK(contains(s.assertions.failures(), "(first at seed " + std::to_string(seed) + ")"));
    CHECK(site_named(s, "test.assertions.positive").first_violation_seed == seed);
    // The seed replays the violation; a seed before it kept the claim.
    CHECK(sim::run_program(breaks_always, seeded(seed)).outcome == sim::run_outcome::failed);
    if (seed > 1) CHECK(sim::run_program(breaks_always, seeded(seed - 1)).passed());
}
