// ractor-sim: the simulator as a command-line testing tool over the built-in example programs.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include <ractor/sim/example_programs.hpp>
#include <ractor/sim/explore.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/self_check.hpp>
#include <ractor/sim/trace_export.hpp>

namespace sim = ractor::sim;

namespace {

/// The options every command that runs a program shares.
struct run_flags {
    std::string program;
    std::uint64_t seed = 1;
    std::string strategy = "random";
    unsigned depth = 3;
    std::uint64_t pct_steps = 0;
    std::uint64_t budget = sim::run_options{}.max_steps;
    std::uint64_t time_budget_ms = 0;
    std::size_t batch = 1;
    double fault_rate = 0;

    sim::run_options options() const {
        sim::run_options o;
        o.seed = seed;
        o.strategy = strategy == "pct" ? sim::strategy_kind::pct : sim::strategy_kind::random;
        o.depth = depth;
        o.pct_steps = pct_steps;
        o.max_steps = budget;
        o.max_virtual_time = std::chrono::milliseconds(time_budget_ms);
        o.batch_budget = batch;
        o.fault_rate = fault_rate;
        return o;
    }
};

void add_program(CLI::App& cmd, run_flags& f) {
    cmd.add_option("PROGRAM", f.program, "a built-in program (see `ractor-sim list`)")->required();
}

void add_run_flags(CLI::App& cmd, run_flags& f, bool with_seed) {
    add_program(cmd, f);
    if (with_seed) {
        cmd.add_option("--seed,-s", f.seed, "the seed: every random choice of the run derives from it")
            ->capture_default_str();
    }
    cmd.add_option("--strategy", f.strategy,
                   "scheduling strategy: random (uniform) or pct (priorities with change points)")
        ->check(CLI::IsMember({"random", "pct"}))
        ->capture_default_str();
    cmd.add_option("--depth,-d", f.depth, "pct: the bug depth to target (change points + 1)")
        ->check(CLI::Range(1u, 64u))
        ->capture_default_str();
    cmd.add_option("--pct-steps", f.pct_steps,
                   "pct: steps over which change points are spread (0: measure with one calibration run)")
        ->capture_default_str();
    cmd.add_option("--budget", f.budget, "fail as a livelock after this many steps (0: no limit)")
        ->capture_default_str();
    cmd.add_option("--time-budget-ms", f.time_budget_ms,
                   "fail once virtual time passes this many milliseconds (0: no limit)")
        ->capture_default_str();
    cmd.add_option("--batch", f.batch, "messages an actor handles before yielding its turn")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd.add_option("--fault-rate", f.fault_rate,
                   "fault intensity in [0,1]: each handler invocation fails with this probability, and buggify sites fire with it")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
}

const sim::named_program& program_named(const std::string& name) {
    if (const auto* p = sim::find_example_program(name)) {
        return *p;
    }
    throw CLI::ValidationError("PROGRAM", "no built-in program '" + name +
                                              "' (ractor-sim list shows them)");
}

int list_programs() {
    std::cout << "built-in programs:\n";
    for (const auto& p : sim::example_programs()) {
        std::printf("  %-16s %s\n", p.name.c_str(), p.summary.c_str());
    }
    return 0;
}

void print_report(const std::string& tool, const std::string& name, const sim::run_report& r,
                  std::size_t tail) {
    std::cout << sim::summary_line(name, r) << "\n" << sim::fault_summary(r);
    std::printf("wall %.3f s: %.0f events/s, %.0f steps/s, virtual/wall time %.1f\n",
                r.wall_seconds, static_cast<double>(r.event_count) / r.wall_seconds,
                static_cast<double>(r.steps) / r.wall_seconds,
                static_cast<double>(r.virtual_ns) / 1e9 / r.wall_seconds);
    if (!r.passed()) {
        std::cout << to_string(r.outcome) << ": " << r.message << "\n";
        std::cout << "trace up to the failure (last " << tail << " events):\n"
                  << sim::trace_tail(r, tail);
        std::cout << "reproduce: " << sim::reproduce_command(tool, name, r.options) << "\n";
    }
}

int run_command(const std::string& tool, const run_flags& f, std::size_t tail,
                const std::string& expect_hash, bool full) {
    const auto& p = program_named(f.program);
    const sim::run_report r = sim::run_program(p.body, f.options());
    print_report(tool, p.name, r, full ? r.events.size() : tail);
    if (!expect_hash.empty()) {
        const std::uint64_t expected = std::stoull(expect_hash, nullptr, 0);
        if (expected != r.trace_hash) {
            std::printf("trace hash MISMATCH: expected %s\n", expect_hash.c_str());
            return 1;
        }
        std::printf("trace hash matches %s\n", expect_hash.c_str());
    }
    return r.passed() ? 0 : 1;
}

int check_command(const run_flags& f) {
    const auto& p = program_named(f.program);
    const sim::self_check_result c = sim::self_check(p.body, f.options());
    std::cout << p.name << " seed " << f.seed << ": " << c.describe() << "\n";
    return c.deterministic ? 0 : 1;
}

int explore_command(const std::string& tool, const run_flags& f, std::uint64_t seeds,
                    std::uint64_t first_seed, bool swarm, unsigned jobs, std::uint64_t stop_after,
                    std::size_t tail) {
    const auto& p = program_named(f.program);
    sim::explore_options o;
    o.base = f.options();
    o.first_seed = first_seed;
    o.seeds = seeds;
    o.swarm = swarm;
    o.jobs = jobs;
    o.stop_after_failures = stop_after;
    o.tool = tool;
    o.program_name = p.name;
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    std::uint64_t last_tenth = 0;
    o.progress = [&](const sim::explore_progress& pr) {
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
    const sim::explore_summary s = sim::explore(p.body, o);
    if (tty) {
        std::fprintf(stderr, "\n");
    }
    std::cout << s.describe(tool, p.name);
    if (!s.failures.empty()) {
        // Seeds replay exactly: run the first failure again to show its trace.
        sim::run_options again = s.failures.front().options;
        again.keep_events = true;
        const sim::run_report r = sim::run_program(p.body, again);
        std::cout << "trace of seed " << again.seed << " up to its failure (last " << tail
                  << " events):\n"
                  << sim::trace_tail(r, tail);
    }
    return s.failures.empty() ? 0 : 1;
}

int export_command(const run_flags& f, const std::string& format, const std::string& file) {
    const auto& p = program_named(f.program);
    const sim::run_report r = sim::run_program(p.body, f.options());
    std::ofstream out(file);
    if (!out) {
        std::cerr << "cannot write " << file << "\n";
        return 2;
    }
    sim::write_trace(out, *sim::parse_trace_format(format), r, p.name);
    out.close();
    std::cout << sim::summary_line(p.name, r) << "\n"
              << "wrote " << r.events.size() << " events as " << format << " to " << file << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string tool = argv[0];
    CLI::App app{
        "ractor-sim: run actor programs in the deterministic simulator, explore many seeds "
        "for bugs, replay a failing seed and export its trace.\n\n"
        "A run is a function of the program, the seed and the options: the same command "
        "prints the same trace hash every time. Start with:\n"
        "  ractor-sim list                                   the built-in programs\n"
        "  ractor-sim run ping-pong --seed 1                 one run, its hash and speed\n"
        "  ractor-sim explore bank --seeds 200 --strategy pct  hunt the planted bug\n"
        "  ractor-sim replay bank --seed N ...               rerun what explore printed\n"
        "  ractor-sim export bank --seed N --format html -o bank.html  look at it\n"
        "Exit status: 0 passed, 1 a run failed (or was not deterministic), 2 usage error.",
        "ractor-sim"};
    app.require_subcommand(1);
    app.failure_message(CLI::FailureMessage::help);

    auto* list = app.add_subcommand("list", "list the built-in programs");

    run_flags run_f;
    std::size_t tail = 20;
    std::string expect_hash;
    bool full = false;
    auto* run = app.add_subcommand("run", "run a program once and print its outcome, trace hash and speed");
    add_run_flags(*run, run_f, true);
    run->add_option("--tail", tail, "trace events to show before a failure")->capture_default_str();

    run_flags replay_f;
    auto* replay = app.add_subcommand(
        "replay", "rerun a seed (as printed by explore) and print its failure, trace hash and trace tail");
    add_run_flags(*replay, replay_f, true);
    replay->add_option("--tail", tail, "trace events to show before a failure")->capture_default_str();
    replay->add_option("--expect-hash", expect_hash, "fail unless the trace hash is this (e.g. 0x1234...)");
    replay->add_flag("--full-trace", full, "print every event, not just the tail");

    run_flags check_f;
    auto* check = app.add_subcommand(
        "check", "determinism self-check: run a seed twice and name the first event that differs");
    add_run_flags(*check, check_f, true);

    run_flags explore_f;
    std::uint64_t seeds = 100;
    std::uint64_t first_seed = 1;
    bool swarm = false;
    unsigned jobs = 1;
    std::uint64_t stop_after = 0;
    auto* explore = app.add_subcommand(
        "explore", "run many seeds; print a progress line, a summary and a replay command per failing seed");
    add_run_flags(*explore, explore_f, false);
    explore->add_option("--seeds,-n", seeds, "how many seeds to run")->capture_default_str();
    explore->add_option("--first-seed", first_seed, "the first seed")->capture_default_str();
    explore->add_flag("--swarm", swarm,
                      "each seed also draws its own strategy, PCT depth and fault rate");
    explore->add_option("--jobs,-j", jobs, "parallel child processes")
        ->check(CLI::Range(1u, 256u))
        ->capture_default_str();
    explore->add_option("--stop-after", stop_after, "stop after this many failing seeds (0: never)")
        ->capture_default_str();
    explore->add_option("--tail", tail, "trace events to show for the first failure")
        ->capture_default_str();

    run_flags export_f;
    std::string format = "html";
    std::string file;
    auto* exp = app.add_subcommand(
        "export", "run a seed and write its trace: jsonl (one event per line), perfetto "
                  "(open in ui.perfetto.dev) or html (message spacetime diagram)");
    add_run_flags(*exp, export_f, true);
    exp->add_option("--format,-f", format, "jsonl, perfetto or html")
        ->check(CLI::IsMember({"jsonl", "perfetto", "html"}))
        ->capture_default_str();
    exp->add_option("-o,--output", file, "the file to write")->required();

    try {
        app.parse(argc, argv);
        if (list->parsed()) {
            return list_programs();
        }
        if (run->parsed()) {
            return run_command(tool, run_f, tail, "", false);
        }
        if (replay->parsed()) {
            return run_command(tool, replay_f, tail, expect_hash, full);
        }
        if (check->parsed()) {
            return check_command(check_f);
        }
        if (explore->parsed()) {
            return explore_command(tool, explore_f, seeds, first_seed, swarm, jobs, stop_after, tail);
        }
        if (exp->parsed()) {
            return export_command(export_f, format, file);
        }
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    return 0;
}
