#include <ractor/sim/run_program.hpp>

#include <ractor/sim/fault_plan.hpp>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <ractor/sim/assertion_report.hpp>
#include <ractor/sim/errors.hpp>
#include <ractor/sim/hex.hpp>
#include <ractor/sim/pct_strategy.hpp>
#include <ractor/sim/random_strategy.hpp>
#include <ractor/sim/world.hpp>

namespace ractor::sim {
namespace {

/// Delegates picks to the chosen strategy and enforces the run's budgets.
///
/// A budget fails the run once, by throwing from `pick` (before the world changes anything
/// in that step); afterwards it stays quiet so that the unwinding program can shut its
/// actors down, which takes further steps. It also notes how many events were recorded
/// when the program started to unwind, so reports can show the trace up to the failure.
class guarded_strategy final : public scheduling_strategy {
public:
    guarded_strategy(world& w, std::unique_ptr<scheduling_strategy> inner, const run_options& opts)
        : world_(w), inner_(std::move(inner)), max_steps_(opts.max_steps),
          max_virtual_time_(opts.max_virtual_time) {}

    std::size_t pick(std::span<const candidate> choices) override {
        if (!failure_at_ && std::uncaught_exceptions() > 0) {
            failure_at_ = world_.events().size();
        }
        if (!failure_at_) {
            if (max_steps_ != 0 && world_.steps() > max_steps_) {
                failure_at_ = world_.events().size();
                throw step_budget_exceeded("the step budget of " + std::to_string(max_steps_) +
                                           " steps is exhausted (livelock?)");
            }
            if (max_virtual_time_ > duration::zero() &&
                world_.now().time_since_epoch() > max_virtual_time_) {
                failure_at_ = world_.events().size();
                throw time_budget_exceeded(
                    "the virtual time budget of " +
                    std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       max_virtual_time_)
                                       .count()) +
                    " ms is exhausted");
            }
        }
        return inner_->pick(choices);
    }

    std::optional<std::size_t> failure_at() const { return failure_at_; }

private:
    world& world_;
    std::unique_ptr<scheduling_strategy> inner_;
    std::uint64_t max_steps_;
    duration max_virtual_time_;
    std::optional<std::size_t> failure_at_;
};

std::unique_ptr<scheduling_strategy> make_strategy(const run_options& opts) {
    switch (opts.strategy) {
    case strategy_kind::pct:
        return std::make_unique<pct_strategy>(opts.seed, opts.depth, opts.pct_steps);
    case strategy_kind::random:
        break;
    }
    return std::make_unique<random_strategy>(opts.seed);
}

/// `text` as one word of a POSIX shell command line: as it is when that is safe, else in
/// single quotes.
std::string shell_word(const std::string& text) {
    const bool safe = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_-./:=+,@%").find(c) != std::string_view::npos;
    });
    if (safe) {
        return text;
    }
    std::string out = "'";
    for (const char c : text) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

/// Appends the rules of `extra` (failures, buggify sites, link faults) to `plan`.
void add_rules(fault_plan& plan, const fault_plan& extra) {
    plan.failures.insert(plan.failures.end(), extra.failures.begin(), extra.failures.end());
    plan.buggify.insert(plan.buggify.end(), extra.buggify.begin(), extra.buggify.end());
    plan.link_faults.insert(plan.link_faults.end(), extra.link_faults.begin(),
                            extra.link_faults.end());
}

}  // namespace

fault_plan effective_fault_plan(const run_options& opts) {
    if (!opts.plan) {
        return opts.fault_rate > 0 ? swarm_fault_plan(opts.seed, opts.fault_rate) : fault_plan{};
    }
    fault_plan plan = *opts.plan;
    if (opts.fault_rate > 0) {
        add_rules(plan, swarm_fault_plan(opts.seed, opts.fault_rate));
    }
    return plan;
}

const char* to_string(strategy_kind k) noexcept {
    switch (k) {
    case strategy_kind::random: return "random";
    case strategy_kind::pct: return "pct";
    }
    return "unknown";
}

const char* to_string(run_outcome o) noexcept {
    switch (o) {
    case run_outcome::passed: return "passed";
    case run_outcome::failed: return "failed";
    case run_outcome::deadlock: return "deadlock";
    case run_outcome::step_budget: return "step_budget";
    case run_outcome::time_budget: return "time_budget";
    }
    return "unknown";
}

namespace {

/// Applies the run's faults and runs `p` in `w`, turning what it throws into the outcome.
void run_in(world& w, const program& p, const run_options& opts, run_report& report) {
    try {
        if (opts.configure) {
            opts.configure(w, report.options);
        } else if (opts.plan || report.options.fault_rate > 0) {
            w.apply(effective_fault_plan(report.options));
        }
        p(w);
    } catch (const deadlock_error& e) {
        report.outcome = run_outcome::deadlock;
        report.message = e.what();
    } catch (const step_budget_exceeded& e) {
        report.outcome = run_outcome::step_budget;
        report.message = e.what();
    } catch (const time_budget_exceeded& e) {
        report.outcome = run_outcome::time_budget;
        report.message = e.what();
    } catch (const std::exception& e) {
        report.outcome = run_outcome::failed;
        report.message = e.what();
    } catch (...) {
        report.outcome = run_outcome::failed;
        report.message = "an exception not derived from std::exception";
    }
}

/// What the world holds after the run: its trace, tallies, node names and the failure's place.
void read_world(const world& w, const guarded_strategy& g, run_report& report) {
    report.trace_hash = w.trace_hash();
    report.steps = w.steps();
    report.virtual_ns = w.now().time_since_epoch().count();
    report.events = w.events();
    report.faults = w.fault_tallies();
    report.assertions = w.assertion_tallies();
    if (const auto violations = assertion_violations(report.assertions);
        report.passed() && !violations.empty()) {
        report.outcome = run_outcome::failed;
        for (const std::string& v : violations) {
            report.message += (report.message.empty() ? "" : "; ") + v;
        }
    }
    report.event_count = report.events.size();
    report.failure_at =
        report.passed() ? report.event_count : g.failure_at().value_or(report.event_count);
    if (report.outcome == run_outcome::failed || report.outcome == run_outcome::deadlock) {
        // The unwinding began with the actor systems' destructors killing every actor
        // before the first step; those kills are not part of what went wrong.
        while (report.failure_at > 0 && report.failure_at <= report.events.size()) {
            const recorded_event& e = report.events[report.failure_at - 1];
            if (e.kind != trace_kind::signal || e.text != "kill") {
                break;
            }
            --report.failure_at;
        }
    }
    for (std::uint64_t id = 1;; ++id) {
        try {
            report.node_names.emplace_back(w.node_name(id));
        } catch (const std::out_of_range&) {
            break;
        }
    }
}

}  // namespace

run_report run_program(const program& p, const run_options& opts) {
    run_report report;
    report.options = opts;
    if (opts.strategy == strategy_kind::pct && opts.pct_steps == 0) {
        // Calibration: how many steps one run takes, with a fixed seed so that the same
        // options always calibrate to the same number.
        run_options calibration = opts;
        calibration.seed = 0;
        calibration.strategy = strategy_kind::random;
        calibration.keep_events = false;
        report.options.pct_steps = std::max<std::uint64_t>(run_program(p, calibration).steps, 1);
    }
    const auto started = std::chrono::steady_clock::now();
    {
        world w(report.options.seed,
                world_options{.batch_budget = opts.batch_budget, .keep_events = opts.keep_events});
        auto guard = std::make_unique<guarded_strategy>(w, make_strategy(report.options), report.options);
        guarded_strategy& g = *guard;
        w.set_strategy(std::move(guard));
        run_in(w, p, opts, report);
        read_world(w, g, report);
    }
    report.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

std::string trace_tail(const run_report& r, std::size_t n) {
    const std::size_t end = std::min(r.failure_at, r.events.size());
    const std::size_t begin = end > n ? end - n : 0;
    std::string out;
    if (r.events.empty()) {
        return "    (no events kept)\n";
    }
    if (begin > 0) {
        out += "    ... " + std::to_string(begin) + " earlier events\n";
    }
    for (std::size_t i = begin; i < end; ++i) {
        out += "    #" + std::to_string(i) + " " + to_string(r.events[i]) + "\n";
    }
    if (end < r.events.size()) {
        out += "    --- failure raised here; " + std::to_string(r.events.size() - end) +
               " more events while the program unwound\n";
    }
    return out;
}

std::string fault_summary(const run_report& r) {
    if (r.faults.empty()) return {};
    std::string out = "faults fired per plan entry:\n";
    for (const fault_tally& t : r.faults) {
        out += "  plan " + std::to_string(t.plan) + " " + t.entry + " (" + t.kind + "): fired " +
               std::to_string(t.fired) + (t.fired == 1 ? " time\n" : " times\n");
    }
    return out;
}

std::string assertion_summary(const run_report& r) {
    if (r.assertions.empty()) return {};
    const std::vector<const assertion_site*> catalogue = assertion_catalogue();
    std::string out = "assertion sites hit:\n";
    for (const assertion_tally& t : r.assertions) {
        const assertion_site& site = *catalogue.at(t.site);
        out += "  " + describe_site(site) + ": " + std::to_string(t.hits) + " hits, " +
               std::to_string(t.held) + " true";
        if (site.kind() == assertion_kind::track_max) out += ", max " + std::to_string(t.max_value);
        out += "\n";
    }
    return out;
}

std::string summary_line(std::string_view program_name, const run_report& r) {
    std::string out;
    out.reserve(192);
    out.append(r.passed() ? "PASS " : "FAIL ");
    out.append(program_name);
    out.append(" seed=").append(std::to_string(r.options.seed));
    out.append(" strategy=").append(to_string(r.options.strategy));
    if (r.options.strategy == strategy_kind::pct) {
        out += " depth=" + std::to_string(r.options.depth) +
               " pct-steps=" + std::to_string(r.options.pct_steps);
    }
    char vt[64];
    std::snprintf(vt, sizeof vt, "%.3f", static_cast<double>(r.virtual_ns) / 1e6);
    out += " outcome=" + std::string(to_string(r.outcome)) + " hash=" + hex(r.trace_hash) +
           " steps=" + std::to_string(r.steps) + " virtual=" + vt +
           "ms events=" + std::to_string(r.event_count);
    return out;
}

std::string reproduce_command(std::string_view tool, std::string_view program_name,
                              const run_options& opts) {
    std::string out = std::string(tool) + " replay " + std::string(program_name) +
                      " --seed " + std::to_string(opts.seed);
    if (opts.strategy == strategy_kind::pct) {
        out += " --strategy pct --depth " + std::to_string(opts.depth) + " --pct-steps " +
               std::to_string(opts.pct_steps);
    }
    if (opts.fault_rate > 0) {
        // The shortest text that reads back as the same double.
        char rate[32];
        std::snprintf(rate, sizeof rate, "%g", opts.fault_rate);
        if (std::strtod(rate, nullptr) != opts.fault_rate) {
            std::snprintf(rate, sizeof rate, "%.17g", opts.fault_rate);
        }
        out += std::string(" --fault-rate ") + rate;
    }
    const run_options defaults;
    if (opts.max_steps != defaults.max_steps) {
        out += " --budget " + std::to_string(opts.max_steps);
    }
    if (opts.max_virtual_time != defaults.max_virtual_time) {
        out += " --time-budget-ms " +
               std::to_string(
                   std::chrono::duration_cast<std::chrono::milliseconds>(opts.max_virtual_time).count());
    }
    if (opts.batch_budget != defaults.batch_budget) {
        out += " --batch " + std::to_string(opts.batch_budget);
    }
    if (!opts.plan_file.empty()) {
        out += " --fault-plan " + shell_word(opts.plan_file);
    }
    return out;
}

}  // namespace ractor::sim
