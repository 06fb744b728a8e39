#include <ractor/sim/world.hpp>

#include <stdexcept>
#include <utility>

#include "world_core.hpp"

namespace ractor::sim {

world::world(std::uint64_t seed, world_options opts)
    : core_(std::make_unique<internal::world_core>(seed, opts)) {}

world::~world() = default;

ractor::runtime& world::add_node(std::string name) {
    return core_->add_node(std::move(name)).view;
}

ractor::runtime& world::add_node(std::string name,
                                 std::function<void(ractor::actor_system&)> startup) {
    return core_->add_node(std::move(name), std::move(startup)).view;
}

ractor::actor_system* world::node_system(std::uint64_t id) { return core_->node_system(id); }

bool world::node_up(std::uint64_t id) const { return core_->node_up(id); }

void world::crash_node(std::uint64_t id) { core_->crash_node(id); }

void world::restart_node(std::uint64_t id) { core_->restart_node(id); }

void world::set_clock_skew(std::uint64_t id, ractor::duration offset) {
    core_->set_clock_skew(id, offset);
}

void world::partition(std::uint64_t from, std::uint64_t to, bool two_way) {
    core_->network_control("world::partition", from, to).partition(from, to, two_way);
}

void world::heal(std::uint64_t from, std::uint64_t to) {
    core_->network_control("world::heal", from, to).heal(from, to);
}

void world::clog(std::uint64_t from, std::uint64_t to, bool two_way) {
    core_->network_control("world::clog", from, to).clog(from, to, two_way);
}

void world::release(std::uint64_t from, std::uint64_t to) {
    core_->network_control("world::release", from, to).release(from, to);
}

void world::reset_connections(std::uint64_t from, std::uint64_t to) {
    core_->network_control("world::reset_connections", from, to).reset(from, to);
}

void world::swizzle(std::vector<std::uint64_t> nodes, ractor::duration interval) {
    if (interval <= ractor::duration::zero()) {
        throw std::invalid_argument("ractor::sim: world::swizzle needs a positive interval");
    }
    for (const std::uint64_t n : nodes) core_->network_control("world::swizzle", n, 0);
    core_->network_control("world::swizzle", 0, 0).swizzle(std::move(nodes), interval);
}

void world::apply(const fault_plan& plan) { core_->apply(plan); }

const std::vector<fault_tally>& world::fault_tallies() const { return core_->fault_tallies(); }

std::vector<assertion_tally> world::assertion_tallies() const { return core_->assertion_tallies(); }

ractor::runtime& world::node(std::uint64_t id) { return core_->node(id).view; }

std::string_view world::node_name(std::uint64_t id) const { return core_->node(id).name; }

bool world::step() { return core_->step(); }

void world::run() { core_->run(); }

void world::run_for(ractor::duration d) { core_->run_for(d); }

ractor::time_point world::now() const { return core_->now(); }

std::uint64_t world::steps() const { return core_->steps(); }

std::uint64_t world::seed() const { return core_->seed(); }

std::uint64_t world::trace_hash() const { return core_->trace_hash(); }

const std::vector<recorded_event>& world::events() const { return core_->events(); }

void world::set_strategy(std::unique_ptr<scheduling_strategy> strategy) {
    core_->set_strategy(std::move(strategy));
}

void world::set_time_options(time_options opts) { core_->set_time_options(std::move(opts)); }

}  // namespace ractor::sim
