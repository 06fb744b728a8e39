// Fault streams reach every node: a fault rate fails the one-call program (one handler
// invocation per run) in about that fraction of the seeds, however the run gets its plan.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <variant>

#include <ractor/ractor.hpp>
#include <ractor/sim/example_programs.hpp>
#include <ractor/sim/explore.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/world.hpp>

using namespace std::chrono_literals;
namespace sim = ractor::sim;

namespace {

constexpr std::uint64_t seeds = 10'000;
constexpr double rate = 0.05;

// Three standard deviations of a binomial fraction at 5% over 10,000 seeds are about 0.65%.
constexpr double low = 0.043;
constexpr double high = 0.057;

const sim::program& one_call() {
    const auto* p = sim::find_example_program("one-call");
    REQUIRE(p != nullptr);
    return p->body;
}

double failing_fraction(const sim::program& p, const sim::run_options& base) {
    sim::explore_options o;
    o.base = base;
    o.seeds = seeds;
    const sim::explore_summary s = sim::explore(p, o);
    REQUIRE(s.runs == seeds);
    return static_cast<double>(s.failures.size()) / static_cast<double>(seeds);
}

struct question {
    ractor::reply_port<int> port;
};

/// Answers every question.
struct answerer : ractor::actor<question> {
    void handle(ractor::actor_ref<question>, question q, std::monostate&) { q.port.send(1); }
};

/// One call, with the swarm plan of the seed applied after the node is added.
void one_call_planned_inside(sim::world& w) {
    ractor::actor_system sys(w.add_node("desk"));
    w.apply(sim::swarm_fault_plan(w.seed(), rate));
    auto a = sys.spawn(answerer{});
    if (!a.call([](ractor::reply_port<int> p) { return question{std::move(p)}; }, 1s).ok()) {
        throw std::runtime_error("the one call failed");
    }
}

}  // namespace

TEST_CASE("fault streams: a fault rate given as run_options::fault_rate fails its share of seeds",
          "[sim][fault_streams]") {
    sim::run_options o;
    o.fault_rate = rate;
    const double fraction = failing_fraction(one_call(), o);
    CHECK(fraction > low);
    CHECK(fraction < high);
}

TEST_CASE("fault streams: a plan applied by run_options::configure fails its share of seeds",
          "[sim][fault_streams]") {
    sim::run_options o;
    o.configure = [](sim::world& w, const sim::run_options& r) {
        w.apply(sim::swarm_fault_plan(r.seed, rate));
    };
    const double fraction = failing_fraction(one_call(), o);
    CHECK(fraction > low);
    CHECK(fraction < high);
}

TEST_CASE("fault streams: a plan applied after add_node fails its share of seeds", "[sim][fault_streams]") {
    const double fraction = failing_fraction(one_call_planned_inside, {});
    CHECK(fraction > low);
    CHECK(fraction < high);
}

TEST_CASE("fault streams: swarm seeds that draw a fault rate fail at about that rate", "[sim][fault_streams]") {
    sim::explore_options o;
    o.seeds = seeds;
    o.swarm = true;
    const sim::explore_summary s = sim::explore(one_call(), o);
    std::uint64_t at_rate = 0;
    for (std::uint64_t seed = o.first_seed; seed < o.first_seed + seeds; ++seed) {
        at_rate += sim::swarm_options(o.base, seed).fault_rate == rate;
    }
    std::uint64_t failed_at_rate = 0;
    for (const auto& f : s.failures) {
        CHECK(f.options.fault_rate > 0);  // no fault, no failure
        failed_at_rate += f.options.fault_rate == rate;
    }
    REQUIRE(at_rate > 1000);
    const double fraction = static_cast<double>(failed_at_rate) / static_cast<double>(at_rate);
    // About 2,000 seeds draw the rate: three standard deviations are about 1.5%.
    CHECK(fraction > 0.035);
    CHECK(fraction < 0.065);
}
