// The simulated network's faults: node crashes, partitions, clogs, connection resets and
// swizzles.

#include <algorithm>
#include <utility>

#include "sim_network.hpp"
#include "world_core.hpp"

namespace ractor::sim::internal {
namespace {

// The stream of the swizzles' order draws (keyed by the applied plan's key).
constexpr std::uint64_t swizzle_stream = 0x6e65742d7377697aULL;

}  // namespace

// ---- faults ------------------------------------------------------------------------------

void sim_network::node_crashed(std::uint64_t node, const std::string& name) {
    std::vector<std::shared_ptr<listener_state>> dead;
    for (const auto& [address, l] : listeners_) {
        if (l->node == node) dead.push_back(l);
    }
    for (const auto& l : dead) close_listener(*l);
    std::vector<std::shared_ptr<conn_state>> hit;
    for (const auto& [id, c] : conns_) {
        if (c->ends[0].node == node || c->ends[1].node == node) hit.push_back(c);
    }
    const std::string reason = "connection reset: node " + name + " crashed";
    for (const auto& c : hit) {
        for (int end = 0; end < 2; ++end) {
            if (c->ends[end].node != node || c->ends[end].done) continue;
            if (end == 0 && c->phase == conn_phase::connecting) c->phase = conn_phase::abandoned;
            end_gone(*c, end, reason);
            notify_close(*c, end, reason);
        }
        forget_if_done(*c);
    }
}

void sim_network::partition(std::uint64_t from, std::uint64_t to, bool two_way) {
    for (const std::uint64_t a : expand(from)) {
        for (const std::uint64_t b : expand(to)) {
            if (a == b) continue;
            partitioned_.insert({a, b});
            if (two_way) partitioned_.insert({b, a});
        }
    }
    trace_fault(0, 0, "partition " + link_text(from, to, two_way));
}

void sim_network::heal(std::uint64_t from, std::uint64_t to) {
    std::erase_if(partitioned_, [&](const link& l) {
        const auto matches = [&](std::uint64_t x, std::uint64_t y) {
            return (from == 0 || x == from) && (to == 0 || y == to);
        };
        return matches(l.first, l.second) || matches(l.second, l.first);
    });
    trace_fault(0, 0, "heal " + link_text(from, to, true));
}

void sim_network::clog(std::uint64_t from, std::uint64_t to, bool two_way) {
    for (const std::uint64_t a : expand(from)) {
        for (const std::uint64_t b : expand(to)) {
            clogged_links_.insert({a, b});
            if (two_way) clogged_links_.insert({b, a});
        }
    }
    trace_fault(0, 0, "clog " + link_text(from, to, two_way));
}

void sim_network::release(std::uint64_t from, std::uint64_t to) {
    std::erase_if(clogged_links_, [&](const link& l) {
        const auto matches = [&](std::uint64_t x, std::uint64_t y) {
            return (from == 0 || x == from) && (to == 0 || y == to);
        };
        return matches(l.first, l.second) || matches(l.second, l.first);
    });
    if (from == 0 && to == 0) clogged_nodes_.clear();
    trace_fault(0, 0, "release " + link_text(from, to, true));
    flush_held();
}

// Held packets whose link is open again leave in the order they were sent; each draws a
// fresh latency, and per connection and direction arrivals stay in order.
void sim_network::flush_held() {
    std::deque<std::pair<packet, std::uint64_t>> still;
    std::uint64_t released = 0;
    while (!held_.empty()) {
        auto [p, extra_ns] = std::move(held_.front());
        held_.pop_front();
        if (clogged(p.src, p.dst)) {
            still.emplace_back(std::move(p), extra_ns);
        } else {
            ++released;
            schedule(std::move(p), extra_ns);
        }
    }
    held_ = std::move(still);
    if (released > 0) trace_fault(0, 0, "release " + std::to_string(released) + " held packets");
}

void sim_network::reset(std::uint64_t from, std::uint64_t to) {
    const auto matches = [&](std::uint64_t x, std::uint64_t y) {
        return (from == 0 || x == from) && (to == 0 || y == to);
    };
    std::vector<std::shared_ptr<conn_state>> hit;
    for (const auto& [id, c] : conns_) {
        const std::uint64_t a = c->ends[0].node;
        const std::uint64_t b = c->ends[1].node;
        if (b != 0 && (matches(a, b) || matches(b, a))) hit.push_back(c);
    }
    trace_fault(
        0, hit.size(),
        "reset " + link_text(from, to, true) + ": " + std::to_string(hit.size()) + " connections");
    for (const auto& c : hit) {
        end_gone(*c, 0, "connection reset");
        end_gone(*c, 1, "connection reset");
        if (c->phase == conn_phase::connecting) {
            c->phase = conn_phase::abandoned;
            wake(c->caller);
        }
        forget_if_done(*c);
    }
}

// Clogs the nodes one by one, one every `interval`, then releases them one every `interval`
// in an order drawn from the plan's swizzle stream.
void sim_network::swizzle(std::vector<std::uint64_t> nodes, duration interval) {
    if (nodes.empty()) nodes = expand(0);
    std::vector<std::uint64_t> order = nodes;
    prng rng(key_, swizzle_stream + swizzles_++);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    std::string list;
    for (const std::uint64_t n : nodes) {
        if (!list.empty()) list += ',';
        list += std::to_string(n);
    }
    trace_fault(0, 0, "swizzle " + list + " every " + format_duration(interval));
    time_point at = core_.now();
    for (const std::uint64_t n : nodes) {
        core_.start_timer(0, at, [this, n] {
            clogged_nodes_.insert(n);
            trace_fault(0, 0, "swizzle clog node " + std::to_string(n));
        });
        at += interval;
    }
    for (const std::uint64_t n : order) {
        core_.start_timer(0, at, [this, n] {
            clogged_nodes_.erase(n);
            trace_fault(0, 0, "swizzle release node " + std::to_string(n));
            flush_held();
        });
        at += interval;
    }
}

}  // namespace ractor::sim::internal
