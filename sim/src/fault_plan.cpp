#include <ractor/sim/fault_plan.hpp>

#include <array>
#include <charconv>
#include <limits>
#include <string>

#include <ractor/prng.hpp>
#include <ractor/sim/detail/field_path.hpp>

namespace ractor::sim {
namespace {

using detail::at;

constexpr std::uint64_t swarm_network_stream = 0x737761726d2d6e65ULL;

struct unit {
    std::string_view suffix;
    std::int64_t ns;
};

// Largest first: format_duration picks the first unit that divides exactly.
constexpr std::array<unit, 6> units{{{"h", 3'600'000'000'000},
                                     {"min", 60'000'000'000},
                                     {"s", 1'000'000'000},
                                     {"ms", 1'000'000},
                                     {"us", 1'000},
                                     {"ns", 1}}};

void check_probability(double p, const std::string& path) {
    // Written so that NaN fails too.
    if (!(p >= 0.0 && p <= 1.0)) throw fault_plan_error(path, "must be between 0 and 1");
}

void check_not_negative(duration d, const std::string& path) {
    if (d < duration::zero()) throw fault_plan_error(path, "must not be negative");
}

void check_node(std::uint64_t node, const std::string& path) {
    if (node == 0) throw fault_plan_error(path, "must name a node (ids start at 1)");
}

void check_target(const actor_target& t, const std::string& path) {
    check_node(t.node, at(path, "node"));
    if ((t.actor == 0) == t.name.empty()) {
        throw fault_plan_error(path, "needs exactly one of \"actor\" (a local id) and \"name\"");
    }
}

void check_until(duration at_time, const std::optional<duration>& until, const std::string& path,
                 const char* key, const char* start) {
    if (until && *until < at_time) {
        throw fault_plan_error(at(path, key), std::string("must not be before \"") + start + "\"");
    }
}

// The chosen forms: a window that ends before it starts, a trigger with a start time or on
// no node, or a trigger that can never count to zero.
template <class Fault>
void check_timing(const Fault& f, const std::string& path) {
    check_not_negative(f.at, at(path, "at"));
    check_until(f.at, f.until, path, "until", "at");
    if (!f.after) return;
    const std::string p = at(path, "after");
    if (f.at != duration::zero()) throw fault_plan_error(at(path, "at"), "must not be given with \"after\"");
    if (f.until) throw fault_plan_error(at(path, "until"), "must not be given with \"after\"");
    check_node(f.after->node, at(p, "node"));
    if (f.after->handled == 0) throw fault_plan_error(at(p, "handled"), "must be at least 1");
}

void validate_network(const fault_plan& plan) {
    for (std::size_t i = 0; i < plan.link_faults.size(); ++i) {
        const auto& f = plan.link_faults[i];
        const std::string p = at("link_faults", i);
        check_probability(f.loss, at(p, "loss"));
        check_probability(f.duplicate, at(p, "duplicate"));
        check_not_negative(f.delay, at(p, "delay"));
        check_not_negative(f.since, at(p, "since"));
        check_until(f.since, f.until, p, "until", "since");
    }
    for (std::size_t i = 0; i < plan.partitions.size(); ++i) {
        const std::string p = at("partitions", i);
        check_not_negative(plan.partitions[i].at, at(p, "at"));
        check_until(plan.partitions[i].at, plan.partitions[i].heal_at, p, "heal_at", "at");
    }
    for (std::size_t i = 0; i < plan.heals.size(); ++i) {
        check_not_negative(plan.heals[i].at, at(at("heals", i), "at"));
    }
    for (std::size_t i = 0; i < plan.clogs.size(); ++i) {
        const std::string p = at("clogs", i);
        check_not_negative(plan.clogs[i].at, at(p, "at"));
        check_until(plan.clogs[i].at, plan.clogs[i].release_at, p, "release_at", "at");
    }
    for (std::size_t i = 0; i < plan.resets.size(); ++i) {
        check_not_negative(plan.resets[i].at, at(at("resets", i), "at"));
    }
    for (std::size_t i = 0; i < plan.swizzles.size(); ++i) {
        const auto& z = plan.swizzles[i];
        const std::string p = at("swizzles", i);
        check_not_negative(z.at, at(p, "at"));
        if (z.interval <= duration::zero()) throw fault_plan_error(at(p, "interval"), "must be positive");
        for (std::size_t k = 0; k < z.nodes.size(); ++k) check_node(z.nodes[k], at(at(p, "nodes"), k));
    }
}

}  // namespace

void validate(const fault_plan& plan) {
    for (std::size_t i = 0; i < plan.failures.size(); ++i) {
        const auto& f = plan.failures[i];
        const std::string p = at("failures", i);
        check_probability(f.probability, at(p, "probability"));
        if (f.at_invocation != 0 && f.probability != 0) {
            throw fault_plan_error(p, "needs either \"at_invocation\" or \"probability\", not both");
        }
    }
    for (std::size_t i = 0; i < plan.kills.size(); ++i) {
        const std::string p = at("kills", i);
        check_timing(plan.kills[i], p);
        check_target(plan.kills[i].target, p);
    }
    for (std::size_t i = 0; i < plan.stops.size(); ++i) {
        const std::string p = at("stops", i);
        check_timing(plan.stops[i], p);
        check_target(plan.stops[i].target, p);
    }
    for (std::size_t i = 0; i < plan.crashes.size(); ++i) {
        const auto& c = plan.crashes[i];
        const std::string p = at("crashes", i);
        check_timing(c, p);
        check_node(c.node, at(p, "node"));
        if (c.restart_at && *c.restart_at < c.at) {
            throw fault_plan_error(at(p, "restart_at"), "must not be before \"at\"");
        }
        if (c.restart_at && (c.until || c.after)) {
            throw fault_plan_error(at(p, "restart_at"), "a crash with \"until\" or \"after\" takes \"restart_after\"");
        }
        if (c.restart_at && c.restart_after) {
            throw fault_plan_error(at(p, "restart_after"), "must not be given with \"restart_at\"");
        }
        if (c.restart_after) check_not_negative(*c.restart_after, at(p, "restart_after"));
    }
    for (std::size_t i = 0; i < plan.clock_skews.size(); ++i) {
        const std::string p = at("clock_skews", i);
        check_node(plan.clock_skews[i].node, at(p, "node"));
        check_not_negative(plan.clock_skews[i].at, at(p, "at"));
    }
    for (std::size_t i = 0; i < plan.timer_delays.size(); ++i) {
        const auto& d = plan.timer_delays[i];
        const std::string p = at("timer_delays", i);
        check_node(d.node, at(p, "node"));
        check_not_negative(d.extra, at(p, "extra"));
        check_not_negative(d.random_up_to, at(p, "random_up_to"));
        check_not_negative(d.from, at(p, "from"));
        if (d.until && *d.until < d.from) throw fault_plan_error(at(p, "until"), "must not be before \"from\"");
    }
    for (std::size_t i = 0; i < plan.buggify.size(); ++i) {
        const auto& b = plan.buggify[i];
        const std::string p = at("buggify", i);
        if (b.site.empty()) throw fault_plan_error(at(p, "site"), "must not be empty");
        check_probability(b.probability, at(p, "probability"));
        check_probability(b.activation, at(p, "activation"));
    }
    validate_network(plan);
}


duration parse_duration(std::string_view text) {
    const std::string_view original = text;
    const auto bad = [&](const char* why) {
        return std::invalid_argument("bad duration \"" + std::string(original) + "\": " + why +
                                     " (write e.g. \"5s\", \"250ms\", \"-3us\", \"10ns\", \"2min\", \"1h\")");
    };
    const bool negative = !text.empty() && text.front() == '-';
    if (negative) text.remove_prefix(1);
    std::uint64_t count = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (ec == std::errc::result_out_of_range) throw bad("too large");
    if (ec != std::errc() || end == text.data()) throw bad("no number");
    const std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
    for (const unit& u : units) {
        if (suffix != u.suffix) continue;
        const auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / u.ns);
        if (count > limit) throw bad("too large");
        const auto ns = static_cast<std::int64_t>(count) * u.ns;
        return duration(negative ? -ns : ns);
    }
    throw bad(suffix.empty() ? "no unit" : "unknown unit");
}

std::string format_duration(duration d) {
    const std::int64_t ns = d.count();
    if (ns == 0) return "0s";
    for (const unit& u : units) {
        if (ns % u.ns == 0) return std::to_string(ns / u.ns) + std::string(u.suffix);
    }
    return std::to_string(ns) + "ns";
}

fault_plan swarm_fault_plan(std::uint64_t seed, double rate) {
    fault_plan plan;
    plan.seed = seed;
    if (rate <= 0) return plan;
    invocation_failure failure;
    failure.probability = rate;
    plan.failures.push_back(failure);
    plan.buggify.push_back({.site = "*", .probability = rate, .activation = 0.5});
    // Each seed also draws whether its network loses frames, duplicates them, both or neither.
    prng rng(seed, swarm_network_stream);
    link_fault net;
    net.loss = rng.below(2) == 0 ? rate : 0;
    net.duplicate = rng.below(2) == 0 ? rate : 0;
    if (net.loss > 0 || net.duplicate > 0) plan.link_faults.push_back(net);
    return plan;
}

}  // namespace ractor::sim
