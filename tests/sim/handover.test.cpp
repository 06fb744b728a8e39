// The planted race of the `handover` program needs a switch between two registry updates
// inside one handler: PCT finds it through the core's sync points, and no seed finds it
// when those points offer no choice.
#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <stdexcept>

#include <ractor/sim/example_programs.hpp>
#include <ractor/sim/pct_strategy.hpp>
#include <ractor/sim/world.hpp>

using namespace ractor;

namespace {

constexpr std::uint64_t seeds = 200;

/// The seeds of 1..`seeds` whose run of `handover` under PCT fails, in order.
std::vector<std::uint64_t> failing_seeds(std::uint32_t sync_choice_one_in) {
    const sim::named_program* p = sim::find_example_program("handover");
    REQUIRE(p != nullptr);
    std::vector<std::uint64_t> failed;
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        sim::world w(seed, sim::world_options{.keep_events = false, .sync_choice_one_in = sync_choice_one_in});
        w.set_strategy(std::make_unique<sim::pct_strategy>(seed, 3, 18));
        try {
            p->body(w);
        } catch (const std::runtime_error&) {
            failed.push_back(seed);
        }
    }
    return failed;
}

}  // namespace

TEST_CASE("sim: PCT finds the handover race through the core's sync points", "[sim][handover]") {
    const auto failed = failing_seeds(sim::world_options{}.sync_choice_one_in);
    REQUIRE_FALSE(failed.empty());
    WARN(failed.size() << " of " << seeds << " PCT seeds find the race; first: seed " << failed.front());
}

TEST_CASE("sim: with handlers atomic no seed finds the handover race", "[sim][handover]") {
    CHECK(failing_seeds(0).empty());
}
