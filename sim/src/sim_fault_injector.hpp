#pragma once
// The fault-injection role of a simulated node: answers the core's fault points from the
// rules of the applied fault plan, with seeded per-node streams.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <vector>

#include <ractor/runtime/fault_injector.hpp>
#include <ractor/runtime/time.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/prng.hpp>

namespace ractor::sim::internal {

class world_core;

/// Whether the demangled behaviour type name `type` is of `kind`: equal, or ending in
/// "::" + `kind` ("worker" is the kind of "(anonymous namespace)::worker").
bool kind_matches(std::string_view type, std::string_view kind);

/// The seed of every fault stream of a world: its seed and the applied plan's seed mixed
/// (plan seed 0 before any plan is applied).
std::uint64_t fault_key(std::uint64_t world_seed, std::uint64_t plan_seed) noexcept;

/// The untimed rules of the applied plan, shared by every node of a world.
struct fault_rules {
    std::uint64_t key = 0;  ///< seed of every fault stream: world seed and plan seed mixed
    std::vector<invocation_failure> failures;
    std::vector<timer_delay> timer_delays;
    std::vector<buggify_rule> buggify;
    /// The world's tally of each list's first rule; the others follow it in order.
    std::size_t first_failure_tally = 0;
    std::size_t first_delay_tally = 0;
    std::size_t first_buggify_tally = 0;
    /// Whether a buggify site is active in this run, decided the first time it is asked.
    std::map<std::string, bool, std::less<>> active_sites;
    /// Demangled behaviour type names, computed once per type.
    std::map<std::type_index, std::string> type_names;
};

/// One node's fault injector; `runtime::faults` of every simulated node points at one.
class sim_fault_injector final : public ractor::fault_injector {
public:
    sim_fault_injector(world_core& core, std::uint64_t node) noexcept;

    /// Called before every message handler invocation: charges its cost (if the world has a
    /// cost model), counts it for trigger-form faults, then decides an injected failure.
    bool fail_invocation(std::uint64_t actor, const std::type_info& behaviour,
                         std::uint64_t invocation) override;
    bool buggify(std::string_view site) override;
    /// Hands the point to the world, whose strategy may switch to other ready work.
    void at_sync_point(sync_point where) override;

    /// How much later than asked a timer started now on this node fires.
    duration timer_extra(time_point world_now);

    /// Restarts this node's streams from `key` (the rules' key, when the node is added or a
    /// plan is applied), keeping the node's incarnation.
    void reseed(std::uint64_t key) noexcept;

    /// Starts the streams of the node's next incarnation (after a restart), so that a
    /// restarted node does not repeat the draws of its first life.
    void next_incarnation() noexcept;

private:
    /// Counts a handler invocation for the trigger-form faults and arms those it completes.
    void note_handled(std::uint64_t actor, const std::type_info& behaviour);
    bool draw(prng& rng, double probability) noexcept;
    const std::string& type_name(const std::type_info& type);
    bool site_active(std::string_view site, const buggify_rule& rule);

    world_core& core_;
    std::uint64_t node_;
    std::uint64_t key_ = 0;
    std::uint64_t incarnation_ = 0;
    prng failures_;
    prng buggify_;
    prng delays_;
};

}  // namespace ractor::sim::internal
