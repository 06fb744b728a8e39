#include "real_faults.hpp"

#include <algorithm>

namespace ractor::tool::cli {
namespace {

std::string entry(const char* list, std::size_t i) {
    return std::string(list) + "[" + std::to_string(i) + "]";
}

/// Adds one "LIST[i] (what): why" line per entry of `v`.
template <class V>
void skip_all(real_fault_plan& out, const V& v, const char* list, const char* what,
              const char* why) {
    for (std::size_t i = 0; i < v.size(); ++i)
        out.skipped.push_back(entry(list, i) + " (" + what + "): " + why);
}

void add_crashes(real_fault_plan& out, const sim::fault_plan& plan, std::size_t nodes) {
    for (std::size_t i = 0; i < plan.crashes.size(); ++i) {
        const sim::node_crash& c = plan.crashes[i];
        const std::string name = entry("crashes", i);
        if (c.until || c.after) {
            out.skipped.push_back(
                name + " (crash): its window or trigger is a scheduling choice of the simulator");
            continue;
        }
        if (c.node == 0 || c.node > nodes) {
            out.skipped.push_back(name + " (crash): names no node of the scenario");
            continue;
        }
        const std::size_t n = static_cast<std::size_t>(c.node - 1);
        out.faults.push_back({c.at, real_fault::action::crash, n, {}, name + " (crash)"});
        if (c.restart_at)
            out.faults.push_back({*c.restart_at,
                                  real_fault::action::restart,
                                  n,
                                  {},
                                  name + ".restart_at (restart)"});
        if (c.restart_after) {
            out.faults.push_back({c.at + *c.restart_after,
                                  real_fault::action::restart,
                                  n,
                                  {},
                                  name + ".restart_after (restart)"});
        }
    }
}

/// A reset closes the sessions between `from` and `to` from one end: `from`'s, or with
/// `from` 0 `to`'s with everyone, or with both 0 every node's.
void add_resets(real_fault_plan& out, const sim::fault_plan& plan,
                const std::vector<std::string>& nodes) {
    for (std::size_t i = 0; i < plan.resets.size(); ++i) {
        const sim::link_reset& r = plan.resets[i];
        const std::string name = entry("resets", i) + " (reset)";
        if (r.from > nodes.size() || r.to > nodes.size()) {
            out.skipped.push_back(name + ": names no node of the scenario");
            continue;
        }
        if (r.from != 0) {
            const std::string peer =
                r.to == 0 ? std::string() : nodes[static_cast<std::size_t>(r.to - 1)];
            out.faults.push_back({r.at, real_fault::action::reset,
                                  static_cast<std::size_t>(r.from - 1), peer, name});
        } else if (r.to != 0) {
            out.faults.push_back(
                {r.at, real_fault::action::reset, static_cast<std::size_t>(r.to - 1), {}, name});
        } else {
            for (std::size_t n = 0; n < nodes.size(); ++n)
                out.faults.push_back({r.at, real_fault::action::reset, n, {}, name});
        }
    }
}

}  // namespace

real_fault_plan plan_for_real(const sim::fault_plan& plan, const std::vector<std::string>& nodes) {
    real_fault_plan out;
    add_crashes(out, plan, nodes.size());
    add_resets(out, plan, nodes);
    const char* no_hook = "the real runtime has no hook for it";
    const char* no_link =
        "links between processes are real TCP; the cluster layer cannot cut, clog or slow them";
    skip_all(out, plan.failures, "failures", "invocation failure", no_hook);
    skip_all(out, plan.kills, "kills", "actor kill", no_hook);
    skip_all(out, plan.stops, "stops", "actor stop", no_hook);
    skip_all(out, plan.clock_skews, "clock_skews", "clock skew",
             "a real clock cannot be skewed per process");
    skip_all(out, plan.timer_delays, "timer_delays", "timer delay", no_hook);
    skip_all(out, plan.buggify, "buggify", "buggify", "buggify sites fire only in the simulator");
    skip_all(out, plan.link_faults, "link_faults", "link fault", no_link);
    skip_all(out, plan.partitions, "partitions", "partition", no_link);
    skip_all(out, plan.heals, "heals", "heal", no_link);
    skip_all(out, plan.clogs, "clogs", "clog", no_link);
    skip_all(out, plan.swizzles, "swizzles", "swizzle", no_link);
    std::stable_sort(out.faults.begin(), out.faults.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    return out;
}

}  // namespace ractor::tool::cli
