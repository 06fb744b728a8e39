#include "commands.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include <ractor/sim/explore.hpp>
#include <ractor/sim/hex.hpp>
#include <ractor/sim/self_check.hpp>
#include <ractor/sim/trace_export.hpp>
#include <ractor/tool/shrink.hpp>

#include "common/cli_values.hpp"
#include "common/exit_status.hpp"

namespace ractor::tool::cli {
namespace {

void print_speed(const sim::run_report& r) {
    std::printf("wall %.3f s: %.0f events/s, %.0f steps/s, virtual/wall time %.1f\n",
                r.wall_seconds, static_cast<double>(r.event_count) / r.wall_seconds,
                static_cast<double>(r.steps) / r.wall_seconds,
                static_cast<double>(r.virtual_ns) / 1e9 / r.wall_seconds);
    std::fflush(stdout);
}

/// The summary line, the speed and, for a failure, what failed, the trace before it and
/// the command that reruns it; with `full`, every event whether it failed or not.
void print_report(const std::string& tool, const std::string& name, const sim::run_report& r,
                  const report_flags& flags) {
    std::cout << sim::summary_line(name, r) << "\n"
              << sim::fault_summary(r) << sim::assertion_summary(r);
    print_speed(r);
    if (r.passed()) {
        if (flags.full_trace) {
            std::cout << "trace (" << r.events.size() << " events):\n" << sim::trace_tail(r, r.events.size());
        }
        return;
    }
    const std::size_t shown = flags.full_trace ? r.events.size() : flags.tail;
    std::cout << to_string(r.outcome) << ": " << r.message << "\n"
              << "trace up to the failure (last " << shown << " events):\n"
              << sim::trace_tail(r, shown)
              << "reproduce: " << sim::reproduce_command(tool, name, r.options) << "\n";
}

using sim::hex;

/// Prints the stderr progress line of an exploration: on a terminal after every seed,
/// otherwise once per tenth of the seeds.
std::function<void(const sim::explore_progress&)> progress_printer() {
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    return [tty, last_tenth = std::uint64_t{0}](const sim::explore_progress& pr) mutable {
        const std::uint64_t tenth = pr.total == 0 ? 10 : pr.done * 10 / pr.total;
        if (!tty && tenth == last_tenth && pr.done != pr.total) {
            return;
        }
        last_tenth = tenth;
        std::fprintf(stderr, "%s[%llu/%llu seeds] %llu failing, %.1f s%s", tty ? "\r" : "",
                     static_cast<unsigned long long>(pr.done),
                     static_cast<unsigned long long>(pr.total),
                     static_cast<unsigned long long>(pr.failed), pr.wall_seconds,
                     tty ? "   " : "\n");
    };
}

}  // namespace

int list_command(const registry& r) {
    std::cout << "programs:\n";
    for (const auto& p : r.programs()) {
        std::printf("  %-20s %s\n", p.name.c_str(), p.summary.c_str());
    }
    std::cout << "actor kinds (for scenario files):\n";
    for (const auto& [name, k] : r.kinds()) {
        std::printf("  %-20s %s\n", name.c_str(), k.summary.c_str());
    }
    if (!r.checks().empty()) {
        std::cout << "checks (for scenario invariants):\n";
        for (const auto& [name, c] : r.checks()) {
            std::printf("  %-20s %s\n", name.c_str(), c.summary.c_str());
        }
    }
    return exit_status::passed;
}

int run_command(const std::string& tool, const target& t, const run_flags& f, const report_flags& flags) {
    const sim::run_report r = sim::run_program(t.body, f.options(t));
    print_report(tool, t.name, r, flags);
    if (!flags.expect_hash.empty()) {
        const std::uint64_t expected = ractor::tool::parse_trace_hash(flags.expect_hash).value();
        if (expected != r.trace_hash) {
            std::cout << "trace hash MISMATCH: expected " << hex(expected) << ", got "
                      << hex(r.trace_hash) << "\n";
            return exit_status::run_failed;
        }
        std::cout << "trace hash matches " << hex(expected) << "\n";
    }
    return r.passed() ? exit_status::passed : exit_status::run_failed;
}

int check_command(const target& t, const run_flags& f) {
    const sim::self_check_result c = sim::self_check(t.body, f.options(t));
    std::cout << t.name << " seed " << f.seed << ": " << c.describe() << "\n";
    return c.deterministic ? exit_status::passed : exit_status::run_failed;
}

int explore_command(const std::string& tool, const target& t, const run_flags& f, const explore_flags& e) {
    sim::explore_options o;
    o.base = f.options(t);
    o.first_seed = e.first_seed;
    o.seeds = e.seeds;
    o.swarm = e.swarm;
    o.jobs = e.jobs;
    o.stop_after_failures = e.stop_after;
    o.required_sites = e.required_sites;
    o.tool = tool;
    o.program_name = t.name;
    o.progress = progress_printer();
    const sim::explore_summary s = sim::explore(t.body, o);
    if (::isatty(STDERR_FILENO) != 0) {
        std::fputc('\n', stderr);
    }
    std::cout << s.describe(tool, t.name);
    if (s.failures.empty()) {
        return s.campaign_passed() ? exit_status::passed : exit_status::run_failed;
    }
    // Seeds replay exactly: run the first failure again to show its trace.
    sim::run_options again = s.failures.front().options;
    again.keep_events = true;
    const sim::run_report r = sim::run_program(t.body, again);
    std::cout << "trace of seed " << again.seed << " up to its failure (last " << e.tail
              << " events):\n"
              << sim::trace_tail(r, e.tail);
    return exit_status::run_failed;
}

int export_command(const std::string& tool, const target& t, const run_flags& f, const export_flags& x) {
    const sim::run_report r = sim::run_program(t.body, f.options(t));
    std::ofstream out(x.file);
    if (!out) {
        std::cerr << tool + ": cannot write " << x.file << "\n";
        return exit_status::usage_error;
    }
    sim::export_info info = sim::export_info_of(r, t.name);
    if (x.from > 0) {
        info.first_event = x.from;
    }
    info.show_library_actors = x.show_library_actors;
    sim::write_trace(out, *sim::parse_trace_format(x.format), r.events, info);
    out.close();
    std::cout << sim::summary_line(t.name, r) << "\n"
              << "wrote " << r.events.size() << " events as " << x.format << " to " << x.file << "\n";
    if (!r.passed()) {
        std::cout << to_string(r.outcome) << ": " << r.message << "\n"
                  << "reproduce: " << sim::reproduce_command(tool, t.name, r.options) << "\n";
        return exit_status::run_failed;
    }
    return exit_status::passed;
}

int shrink_command(const std::string& tool, const target& t, const run_flags& f, const shrink_flags& how) {
    if (!t.configure) {
        std::cerr << tool << ": shrink takes a scenario file (.json), not the program " << t.name << "\n";
        return exit_status::usage_error;
    }
    std::ifstream in(t.name);
    const nlohmann::json doc = nlohmann::json::parse(in);  // read and checked by `resolve` already
    sim::run_options o = f.options(t);
    if (f.fault_plan_file.empty()) o.plan.reset();  // the scenario's own plan stays in the file
    const shrink_result r = shrink(doc, std::filesystem::path(t.name).parent_path(), *t.reg, o,
                                   {.nearby = how.nearby, .max_runs = how.max_runs});
    if (!r.reproduced) {
        std::cout << t.name << " passes with seed " << f.seed << ": nothing to shrink\n";
        return exit_status::run_failed;
    }
    std::ofstream out(how.file);
    out << r.scenario.dump(2) << "\n";
    if (!out) {
        std::cerr << tool << ": cannot write " << how.file << "\n";
        return exit_status::usage_error;
    }
    std::cout << "shrunk " << t.name << " in " << r.runs << " runs, " << r.steps.size() << " reductions:\n";
    for (const auto& step : r.steps) std::cout << "  " << step << "\n";
    sim::run_options again = o;
    again.seed = r.seed;
    again.plan.reset();
    again.plan_file.clear();
    std::cout << "still fails: " << r.message << "\n"
              << "wrote " << how.file << "\n"
              << "reproduce: " << sim::reproduce_command(tool, how.file, again) << "\n";
    return exit_status::passed;
}

}  // namespace ractor::tool::cli
