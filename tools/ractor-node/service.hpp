#pragma once
// The actor every ractor-node serves: counts ticks, answers counts and echoes.

#include <chrono>
#include <cstdint>

#include <ractor/ractor.hpp>

#include "node_messages.hpp"

namespace ractor_node {

/// The type name every ractor-node registers its service messages under.
inline constexpr const char* service_type = "ractor-node.service";

/// The service's state: ticks since the last count, and what a tick costs.
struct service_state {
    std::int64_t ticks = 0;
    std::chrono::microseconds tick_cost{0};
};

/// Counts ticks and answers echoes. A tick may cost `tick_cost` of busy CPU time, to make
/// a slow receiver for the overload benchmark (a busy wait, not a sleep: it holds a worker
/// the way real work does).
struct service : ractor::actor<service_message, service_state, std::chrono::microseconds> {
    service_state pre_start(ractor::actor_ref<service_message>, std::chrono::microseconds cost) { return {0, cost}; }

    void handle(ractor::actor_ref<service_message>, service_message msg, service_state& s) {
        if (std::holds_alternative<service_msg::tick>(msg)) {
            ++s.ticks;
            burn(s.tick_cost);
        } else if (auto* c = std::get_if<service_msg::count>(&msg)) {
            c->port.send(s.ticks);
            s.ticks = 0;
        } else {
            auto& e = std::get<service_msg::echo>(msg);
            e.port.send(e.value);
        }
    }

private:
    static void burn(std::chrono::microseconds cost) {
        if (cost.count() == 0) return;
        const auto until = std::chrono::steady_clock::now() + cost;
        while (std::chrono::steady_clock::now() < until) {
        }
    }
};

}  // namespace ractor_node
