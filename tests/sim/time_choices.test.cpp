// Time as a choice: due timers as scheduling choices, timers of one instant in a chosen
// order, and a cost model that gives message handlers virtual duration.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <ractor/ractor.hpp>
#include <ractor/sim/example_programs.hpp>
#include <ractor/sim/explore.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/time_options.hpp>
#include <ractor/sim/world.hpp>

using namespace std::chrono_literals;
namespace sim = ractor::sim;

namespace {

const sim::program& example(std::string_view name) {
    const auto* p = sim::find_example_program(name);
    REQUIRE(p != nullptr);
    return p->body;
}

using order = std::shared_ptr<std::vector<int>>;

/// Appends its number to a shared order for every message.
struct recorder : ractor::actor<int, order, order> {
    order pre_start(ractor::actor_ref<int>, order o) { return o; }
    void handle(ractor::actor_ref<int>, int n, order& o) { o->push_back(n); }
};

/// The order in which three timers started for the same instant deliver their messages.
std::vector<int> same_instant_order(std::uint64_t seed, bool chosen) {
    sim::world w(seed);
    if (chosen) w.set_time_options({.timers_as_choices = true});
    auto seen = std::make_shared<std::vector<int>>();
    {
        ractor::actor_system sys(w.add_node("n"));
        auto r = sys.spawn(recorder{}, seen);
        for (int n = 1; n <= 3; ++n) ractor::send_after(r, 1ms, n);
        w.run();
    }
    return *seen;
}

/// The virtual time after one actor of `kind` handled three messages under `opts`.
std::int64_t time_after_three(std::uint64_t seed, const sim::time_options& opts) {
    sim::world w(seed);
    w.set_time_options(opts);
    ractor::actor_system sys(w.add_node("n"));
    auto r = sys.spawn(recorder{}, std::make_shared<std::vector<int>>());
    for (int n = 1; n <= 3; ++n) r.cast(n);
    w.run();
    return w.now().time_since_epoch().count();
}

}  // namespace

TEST_CASE("time choices: timers of one instant fire in start order, or in a chosen order", "[sim][time_choices]") {
    std::set<std::vector<int>> plain;
    std::set<std::vector<int>> chosen;
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        plain.insert(same_instant_order(seed, false));
        chosen.insert(same_instant_order(seed, true));
        CHECK(same_instant_order(seed, true) == same_instant_order(seed, true));
    }
    CHECK(plain == std::set<std::vector<int>>{{1, 2, 3}});
    CHECK(chosen.size() >= 4);  // of the 6 orders
}

TEST_CASE("time choices: the cost model gives handlers fixed, per-kind and seeded durations", "[sim][time_choices]") {
    const auto ms = [](auto d) { return std::chrono::nanoseconds(d).count(); };
    CHECK(time_after_three(1, {}) == 0);
    CHECK(time_after_three(1, {.handler_fixed = 2ms}) == ms(6ms));
    CHECK(time_after_three(1, {.handler_fixed = 2ms, .per_kind = {{"recorder", 5ms}}}) == ms(15ms));
    CHECK(time_after_three(1, {.handler_fixed = 2ms, .per_kind = {{"someone_else", 5ms}}}) == ms(6ms));
    std::set<std::int64_t> drawn;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const std::int64_t t = time_after_three(seed, {.handler_random_up_to = 4ms});
        CHECK(t >= 0);
        CHECK(t <= ms(12ms));
        CHECK(time_after_three(seed, {.handler_random_up_to = 4ms}) == t);
        drawn.insert(t);
    }
    CHECK(drawn.size() >= 5);
    sim::world w(1);
    CHECK_THROWS_AS(w.set_time_options({.handler_fixed = -1ms}), std::invalid_argument);
}

TEST_CASE("time choices: a deadline racing a late reply is found with the cost model on", "[sim][time_choices]") {
    for (auto strategy : {sim::strategy_kind::random, sim::strategy_kind::pct}) {
        INFO(sim::to_string(strategy));
        sim::explore_options o;
        o.base.strategy = strategy;
        o.seeds = 500;
        CHECK(sim::explore(example("late-reply-no-cost"), o).failures.empty());

        o.seeds = 20;
        const auto found = sim::explore(example("late-reply"), o);
        REQUIRE_FALSE(found.failures.empty());
        const sim::seed_result& first = found.failures.front();
        CHECK(first.message.find("was given up and then answered") != std::string::npos);
        const auto replay = sim::run_program(example("late-reply"), first.options);
        CHECK(replay.outcome == sim::run_outcome::failed);
        CHECK(replay.trace_hash == first.trace_hash);
    }
}

TEST_CASE("time choices: a budget raised while choosing among due timers leaves the world whole",
          "[sim][time_choices]") {
    const sim::program endless = [](sim::world& w) {
        w.set_time_options({.timers_as_choices = true});
        ractor::actor_system sys(w.add_node("n"));
        auto seen = std::make_shared<std::vector<int>>();
        auto a = sys.spawn(recorder{}, seen);
        auto b = sys.spawn(recorder{}, seen);
        ractor::send_interval(a, 1ms, [] { return 1; });
        ractor::send_interval(b, 1ms, [] { return 2; });
        w.run();
    };
    sim::run_options o;
    o.max_virtual_time = 5ms;
    const auto r = sim::run_program(endless, o);
    CHECK(r.outcome == sim::run_outcome::time_budget);
    CHECK(sim::run_program(endless, o).trace_hash == r.trace_hash);
}

namespace {

/// Throws the first time it is asked to order due timers, then runs the oldest candidate.
struct refuses_timers_once final : sim::scheduling_strategy {
    bool refused = false;
    std::size_t pick(std::span<const sim::candidate> choices) override {
        if (!refused && choices.size() > 1 && choices[0].kind == sim::candidate_kind::timer) {
            refused = true;
            throw std::runtime_error("refused");
        }
        return 0;
    }
};

}  // namespace

TEST_CASE("time choices: due timers survive a strategy that throws while ordering them", "[sim][time_choices]") {
    sim::world w(1);
    w.set_time_options({.timers_as_choices = true});
    w.set_strategy(std::make_unique<refuses_timers_once>());
    auto seen = std::make_shared<std::vector<int>>();
    ractor::actor_system sys(w.add_node("n"));
    auto r = sys.spawn(recorder{}, seen);
    for (int n = 1; n <= 3; ++n) ractor::send_after(r, 1ms, n);
    CHECK_THROWS_AS(w.run(), std::runtime_error);
    w.run();
    CHECK(*seen == std::vector<int>{1, 2, 3});
}
