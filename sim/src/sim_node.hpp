#pragma once
// One simulated node: the runtime roles a world hands out for it.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <ractor/actor_system.hpp>
#include <ractor/runtime/runtime.hpp>
#include <ractor/prng.hpp>

#include "sim_fault_injector.hpp"
#include "sim_transport.hpp"

namespace ractor::sim::internal {

class world_core;

/// The executor role of one node: the world's scheduler, with the node id for tracing.
class sim_executor final : public ractor::executor {
public:
    sim_executor(world_core& core, std::uint64_t node) noexcept : core_(core), node_(node) {}

    void schedule(runnable& r) override;
    void yield() override;
    park_token prepare_park() override;
    wake_reason park(park_token token, std::optional<time_point> deadline) override;
    bool unpark(park_token token, wake_reason reason) override;

private:
    world_core& core_;
    std::uint64_t node_;
};

/// The clock role of one node: the world's virtual time plus this node's skew.
///
/// A node whose skew is `s` reads virtual time + `s`; a timer it starts for its own instant
/// `at` fires at virtual time `at - s` (plus any planned timer delay), that is when its own
/// clock reads `at`.
class sim_clock final : public ractor::clock {
public:
    sim_clock(world_core& core, std::uint64_t node) noexcept : core_(core), node_(node) {}

    time_point now() const override;
    timer_id start_timer(time_point at, timer_callback fn) override;
    bool cancel_timer(timer_id id) override;

    duration skew() const noexcept { return skew_; }
    void set_skew(duration skew) noexcept { skew_ = skew; }

private:
    world_core& core_;
    std::uint64_t node_;
    duration skew_{0};
};

/// The entropy role of one node: a stream derived from the world seed and the node id.
class sim_entropy final : public ractor::entropy {
public:
    sim_entropy(std::uint64_t seed, std::uint64_t node) noexcept : rng_(seed, node) {}

    std::uint64_t next_u64() override { return rng_.next_u64(); }
    /// The same seeded stream: challenges must replay in a simulated run.
    void secure_bytes(std::span<std::uint8_t> out) override {
        for (std::size_t i = 0; i < out.size(); i += 8) {
            const std::uint64_t v = rng_.next_u64();
            for (std::size_t b = 0; b < 8 && i + b < out.size(); ++b) out[i + b] = static_cast<std::uint8_t>(v >> (8 * b));
        }
    }

private:
    prng rng_;
};

/// The trace role of one node: records into the world's trace, stamped with the node id.
class sim_trace_sink final : public ractor::trace_sink {
public:
    sim_trace_sink(world_core& core, std::uint64_t node) noexcept : core_(core), node_(node) {}

    void record(const trace_event& e) override;

private:
    world_core& core_;
    std::uint64_t node_;
};

/// A node of the world: its name, its roles (the transport on the world's network), the
/// runtime view over them and, for a node added with a start-up function, the actor system
/// the world runs on it.
struct sim_node {
    sim_node(world_core& core, sim_network& net, std::uint64_t seed, std::uint64_t id,
             std::string node_name, std::size_t batch_budget, assertion_recorder& assertions)
        : name(std::move(node_name)),
          executor(core, id),
          clock(core, id),
          entropy(seed, id),
          trace(core, id),
          faults(core, id),
          transport(net, id),
          view{executor,     clock,   entropy,    &trace,     id,
               batch_budget, &faults, &transport, &assertions} {}

    std::string name;
    sim_executor executor;
    sim_clock clock;
    sim_entropy entropy;
    sim_trace_sink trace;
    sim_fault_injector faults;
    sim_transport transport;
    ractor::runtime view;
    /// Runs on every fresh actor system of the node; empty: the world owns no system here.
    std::function<void(ractor::actor_system&)> startup;
    /// The node's current actor system; null while crashed (or if there is no start-up).
    std::unique_ptr<ractor::actor_system> system;
};

}  // namespace ractor::sim::internal
