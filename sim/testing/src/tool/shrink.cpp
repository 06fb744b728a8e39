#include <ractor/tool/shrink.hpp>

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>

#include <ractor/sim/fault_plan_file.hpp>
#include <ractor/tool/scenario_runner.hpp>

namespace ractor::tool {
namespace {

using json = nlohmann::json;

/// A smaller scenario and what was done to get it.
struct candidate {
    json doc;
    std::string what;
};

/// `doc` with element `i` of the array at `ptr` removed.
candidate without(const json& doc, const json::json_pointer& ptr, std::size_t i) {
    candidate c{doc, "removed " + ptr.to_string().substr(1) + "[" + std::to_string(i) + "]"};
    c.doc[ptr].erase(i);
    return c;
}

void removals(const json& doc, const json::json_pointer& ptr, std::vector<candidate>& out) {
    if (!doc.contains(ptr) || !doc[ptr].is_array()) return;
    for (std::size_t i = doc[ptr].size(); i-- > 0;) out.push_back(without(doc, ptr, i));
}

/// Halves a count (above 1) or a duration string (above 1 ms) at `ptr`.
void halving(const json& doc, const json::json_pointer& ptr, std::vector<candidate>& out) {
    if (!doc.contains(ptr)) return;
    const json& v = doc[ptr];
    candidate c{doc, "halved " + ptr.to_string().substr(1)};
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > 1) {
        c.doc[ptr] = v.get<std::uint64_t>() / 2;
    } else if (v.is_string()) {
        try {
            const duration d = sim::parse_duration(v.get<std::string>());
            if (d <= std::chrono::milliseconds(1)) return;
            c.doc[ptr] = std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(d).count() / 2) + "us";
        } catch (const std::exception&) {
            return;
        }
    } else {
        return;
    }
    out.push_back(std::move(c));
}

/// Every one-change reduction of `doc`, the biggest first.
std::vector<candidate> candidates_of(const json& doc) {
    std::vector<candidate> out;
    if (doc.contains("fault_plan") && doc["fault_plan"].is_object()) {
        for (const auto& [key, value] : doc["fault_plan"].items()) {
            if (value.is_array()) removals(doc, json::json_pointer("/fault_plan/" + key), out);
        }
    }
    removals(doc, json::json_pointer("/workload"), out);
    removals(doc, json::json_pointer("/actors"), out);
    removals(doc, json::json_pointer("/supervisors"), out);
    removals(doc, json::json_pointer("/nodes"), out);
    const std::size_t steps = doc.contains("workload") ? doc["workload"].size() : 0;
    for (std::size_t i = 0; i < steps; ++i) {
        const std::string p = "/workload/" + std::to_string(i);
        for (const char* field : {"/clients/count", "/clients/calls", "/clients/interval", "/sleep"}) {
            halving(doc, json::json_pointer(p + field), out);
        }
    }
    halving(doc, json::json_pointer("/settle"), out);
    return out;
}

/// What kind of failure a run had: the outcome for a budget or a deadlock, else the first
/// word of its first violation after any step path ("answered" for "workload[4]: answered
/// null, expected 2"), so that a candidate that fails some other way does not count.
std::string failure_kind(const sim::run_report& rep) {
    if (rep.outcome != sim::run_outcome::failed) return sim::to_string(rep.outcome);
    const auto first_line = rep.message.find("\n  ");
    std::string line = first_line == std::string::npos ? rep.message : rep.message.substr(first_line + 3);
    if (line.starts_with("workload[")) line = line.substr(std::min(line.size(), line.find(": ") + 2));
    return line.substr(0, line.find_first_of(" :\n"));
}

/// Runs scenarios for seeds, counting the runs.
class prober {
public:
    prober(const std::filesystem::path& base, const registry& r, const sim::run_options& opts, std::size_t max)
        : base_(base), r_(r), opts_(opts), max_(max) {}

    /// The seed among `seed .. seed + nearby` for which `doc` fails with a failure of kind
    /// `kind` (any kind if empty), with the failure; empty if there is none, if `doc` no
    /// longer reads, or if `flaky` and `doc` fails on every one of the control seeds too
    /// (then the failure no longer needs the schedule or the faults: a step it depends on,
    /// such as the put before a get, was removed).
    std::optional<std::pair<std::uint64_t, sim::run_report>> failing_seed(const json& doc, std::uint64_t seed,
                                                                          std::uint64_t nearby, const std::string& kind,
                                                                          bool flaky) {
        const auto loaded = load(doc);
        if (!loaded) return std::nullopt;
        for (std::uint64_t k = 0; k <= nearby && !exhausted(); ++k) {
            sim::run_report rep = run(*loaded, seed + k);
            if (rep.passed() || (!kind.empty() && failure_kind(rep) != kind)) continue;
            if (flaky && !passes_somewhere(*loaded, seed)) return std::nullopt;
            return std::make_pair(seed + k, std::move(rep));
        }
        return std::nullopt;
    }

    /// True if `doc` passes for at least one control seed (see `failing_seed`).
    bool passes_somewhere(const json& doc, std::uint64_t seed) {
        const auto loaded = load(doc);
        return loaded && passes_somewhere(*loaded, seed);
    }

    bool exhausted() const noexcept { return runs >= max_; }

    std::size_t runs = 0;

private:
    struct loaded_scenario {
        std::shared_ptr<const scenario> s;
        scenario_runner runner;
    };

    std::optional<loaded_scenario> load(const json& doc) const {
        try {
            auto s = std::make_shared<const scenario>(parse_scenario(doc.dump(), base_));
            check_names(*s, r_);
            return loaded_scenario{s, make_runner(s, r_)};
        } catch (const scenario_error&) {
            return std::nullopt;
        }
    }

    sim::run_report run(const loaded_scenario& l, std::uint64_t seed) {
        sim::run_options o = opts_;
        o.seed = seed;
        o.plan = l.s->plan;
        o.plan_file.clear();
        o.configure = l.runner.configure;
        o.keep_events = false;
        ++runs;
        return sim::run_program(l.runner.body, o);
    }

    bool passes_somewhere(const loaded_scenario& l, std::uint64_t seed) {
        for (std::uint64_t k = 0; k < control_seeds; ++k) {
            if (run(l, seed + control_offset + k).passed()) return true;
        }
        return false;
    }

    static constexpr std::uint64_t control_seeds = 16;
    static constexpr std::uint64_t control_offset = 1'000'003;

    std::filesystem::path base_;
    const registry& r_;
    sim::run_options opts_;
    std::size_t max_;
};

/// `doc` with its fault plan inline: `plan` if given, else the scenario's own.
json inline_plan(json doc, const std::filesystem::path& base, const std::optional<sim::fault_plan>& plan) {
    const scenario s = parse_scenario(doc.dump(), base);
    if (plan) {
        doc["fault_plan"] = json::parse(sim::to_json(*plan));
    } else if (s.plan) {
        doc["fault_plan"] = json::parse(sim::to_json(*s.plan));
    }
    return doc;
}

/// Removes the fault plan's empty lists (what writing a plan back adds), for a readable file.
void drop_empty_lists(json& doc) {
    if (!doc.contains("fault_plan")) return;
    json& plan = doc["fault_plan"];
    for (auto it = plan.begin(); it != plan.end();) {
        it = it->is_array() && it->empty() ? plan.erase(it) : std::next(it);
    }
}

}  // namespace

shrink_result shrink(const json& doc, const std::filesystem::path& base, const registry& r,
                     const sim::run_options& opts, const shrink_options& how) {
    shrink_result out;
    out.scenario = inline_plan(doc, base, opts.plan);
    prober probe(base, r, opts, how.max_runs);
    const auto first = probe.failing_seed(out.scenario, opts.seed, 0, "", false);
    // A failure that some seeds escape must stay one that some seeds escape.
    const bool flaky = first && probe.passes_somewhere(out.scenario, opts.seed);
    out.reproduced = first.has_value();
    out.seed = opts.seed;
    const std::string kind = first ? failure_kind(first->second) : "";
    if (first) out.message = first->second.message;
    for (bool progress = out.reproduced; progress && !probe.exhausted();) {
        progress = false;
        for (candidate& c : candidates_of(out.scenario)) {
            if (const auto f = probe.failing_seed(c.doc, out.seed, how.nearby, kind, flaky)) {
                out.scenario = std::move(c.doc);
                out.seed = f->first;
                out.message = f->second.message;
                out.steps.push_back(c.what + (f->first == opts.seed ? "" : " (fails with seed " + std::to_string(f->first) + ")"));
                progress = true;
                break;
            }
            if (probe.exhausted()) break;
        }
    }
    out.scenario["seeds"] = json{{"first", out.seed}, {"count", 1}};
    drop_empty_lists(out.scenario);
    out.runs = probe.runs;
    return out;
}

}  // namespace ractor::tool
