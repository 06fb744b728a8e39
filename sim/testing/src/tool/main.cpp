// The toolkit's command line over a registry: what `ractor-sim` and a user's own tool binary run.
#include <ractor/tool/main.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include <ractor/sim/fault_plan.hpp>
#include <ractor/tool/scenario.hpp>

#include "commands.hpp"
#include "common/cli_values.hpp"
#include "common/exit_status.hpp"
#include "real.hpp"

namespace ractor::tool {
namespace {

namespace rs = cli;

constexpr const char* description =
    "Run actor programs and scenario files in the deterministic simulator, explore many "
    "seeds for bugs, replay a failing seed and export its trace.\n\n"
    "A run is a function of the program (or scenario), the seed and the options: the same command "
    "prints the same trace hash every time. Start with:\n"
    "  ractor-sim list                                   the programs, kinds and checks\n"
    "  ractor-sim run scenarios/crash_loop.json --seed 3  one scenario file\n"
    "  ractor-sim run ping-pong --seed 1                 one run, its hash and speed\n"
    "  ractor-sim explore bank --seeds 200 --strategy pct  hunt the planted bug\n"
    "  ractor-sim replay bank --seed N ...               rerun what explore printed\n"
    "  ractor-sim shrink FILE.json --seed N -o min.json   a smaller scenario that still fails\n"
    "  ractor-sim export bank --seed N --format html -o bank.html  look at it\n"
    "  ractor-sim real scenarios/node_restart.json       the same file as real processes\n"
    "Exit status: 0 passed, 1 a run failed (or was not deterministic), 2 usage error "
    "(a bad option, scenario or fault plan file: nothing ran).";

void add_tail(CLI::App& cmd, std::size_t& tail, const char* what) {
    cmd.add_option("--tail", tail, what)
        ->check(ractor::tool::unsigned_integer())
        ->capture_default_str();
}

void add_explore_flags(CLI::App& cmd, rs::explore_flags& e) {
    const auto count = ractor::tool::unsigned_integer();
    cmd.add_option("--seeds,-n", e.seeds, "how many seeds to run")->check(count)->capture_default_str();
    cmd.add_option("--first-seed", e.first_seed, "the first seed")->check(count)->capture_default_str();
    cmd.add_flag("--swarm", e.swarm, "each seed also draws its own strategy, PCT depth and fault rate");
    cmd.add_option("--jobs,-j", e.jobs, "parallel child processes")
        ->check(count & CLI::Range(1u, 256u))
        ->capture_default_str();
    cmd.add_option("--stop-after", e.stop_after, "stop after this many failing seeds (0: never)")
        ->check(count)
        ->capture_default_str();
    cmd.add_option("--require-sites", e.required_sites,
                   "fail unless every sometimes/reachable assertion site whose name starts with "
                   "this prefix was hit (and held); repeatable, '' for every site");
    add_tail(cmd, e.tail, "trace events to show for the first failure");
}

void add_export_flags(CLI::App& cmd, rs::export_flags& x) {
    cmd.add_option("--format,-f", x.format, "jsonl, perfetto or html")
        ->check(CLI::IsMember({"jsonl", "perfetto", "html"}))
        ->capture_default_str();
    cmd.add_option("-o,--output", x.file, "the file to write")->required();
    cmd.add_option("--from", x.from,
                   "html: draw the events from this index on (default: the start, or for a "
                   "failed run 5,000 events before the failure)")
        ->check(ractor::tool::unsigned_integer());
    cmd.add_flag("--show-library-actors", x.show_library_actors,
                 "html: also draw the cluster layer's own actors (sessions, proxies, acceptor, agent)");
}

/// This binary, for `real` to start again in node mode (argv[0] may be a bare name).
std::string self_binary(const char* argv0) {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(argv0) : exe.string();
}

}  // namespace

int main(int argc, char** argv, const registry& reg) {
    const std::string tool = argv[0];
    CLI::App app{description, argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "ractor-sim"};
    app.require_subcommand(1);
    app.failure_message(CLI::FailureMessage::help);

    auto* list = app.add_subcommand("list", "list the programs, actor kinds and checks");

    rs::run_flags run_f;
    rs::report_flags run_r;
    auto* run = app.add_subcommand("run", "run a program once and print its outcome, trace hash and speed");
    rs::add_run_flags(*run, run_f, true);
    add_tail(*run, run_r.tail, "trace events to show before a failure");

    rs::run_flags replay_f;
    rs::report_flags replay_r;
    auto* replay = app.add_subcommand(
        "replay", "rerun a seed (as printed by explore) and print its failure, trace hash and trace tail");
    rs::add_run_flags(*replay, replay_f, true);
    add_tail(*replay, replay_r.tail, "trace events to show before a failure");
    replay->add_option("--expect-hash", replay_r.expect_hash,
                       "fail unless the trace hash is this (e.g. 0x1234...)")
        ->check(ractor::tool::trace_hash());
    replay->add_flag("--full-trace", replay_r.full_trace, "print every event, passing or not");

    rs::run_flags check_f;
    auto* check = app.add_subcommand(
        "check", "determinism self-check: run a seed twice and name the first event that differs");
    rs::add_run_flags(*check, check_f, true);

    rs::run_flags explore_f;
    rs::explore_flags explore_e;
    auto* explore = app.add_subcommand(
        "explore", "run many seeds; print a progress line, a summary and a replay command per failing seed");
    rs::add_run_flags(*explore, explore_f, false);
    add_explore_flags(*explore, explore_e);

    rs::run_flags export_f;
    rs::export_flags export_x;
    auto* exp = app.add_subcommand(
        "export", "run a seed and write its trace: jsonl (one event per line), perfetto "
                  "(open in ui.perfetto.dev) or html (message spacetime diagram)");
    rs::add_run_flags(*exp, export_f, true);
    add_export_flags(*exp, export_x);

    rs::run_flags shrink_f;
    rs::shrink_flags shrink_s;
    auto* shr = app.add_subcommand(
        "shrink", "reduce a failing scenario and seed to a smaller scenario that still fails, written to -o");
    rs::add_run_flags(*shr, shrink_f, true);
    shr->add_option("-o,--output", shrink_s.file, "where to write the smallest failing scenario")->required();
    shr->add_option("--nearby", shrink_s.nearby, "a candidate also counts if it fails with one of this many next seeds")
        ->check(ractor::tool::unsigned_integer(64))
        ->capture_default_str();
    shr->add_option("--max-runs", shrink_s.max_runs, "stop after this many runs")
        ->check(ractor::tool::unsigned_integer(1'000'000))
        ->capture_default_str();

    rs::real_flags real_f;
    auto* real = app.add_subcommand(
        "real",
        "run a scenario file as real processes on 127.0.0.1, one per node (asio backend, TCP "
        "cluster); faults that cannot be done for real are listed as skipped");
    real->add_option("FILE", real_f.file, "the scenario file")->required();
    real->add_option("--timeout", real_f.timeout_s,
                     "seconds the whole run may take; then every node is killed")
        ->check(ractor::tool::unsigned_integer(3600) & CLI::Range(1u, 3600u))
        ->capture_default_str();

    // The node mode `real` re-executes this binary in: hidden (an empty group), not for users.
    rs::real_node_flags node_f;
    auto* node =
        app.add_subcommand("node", "one node of a real run (started by `real`)")->group("");
    node->add_option("--scenario", node_f.file, "the scenario file")->required();
    node->add_option("--node", node_f.node, "the node's name in the scenario")->required();
    node->add_option("--port", node_f.port, "the port to listen on; 0: any")
        ->check(ractor::tool::unsigned_integer(65535))
        ->capture_default_str();

    try {
        app.parse(argc, argv);
        if (real->parsed()) return rs::real_command(self_binary(argv[0]), reg, real_f);
        if (node->parsed()) return rs::real_node_command(reg, node_f);
        if (list->parsed()) return rs::list_command(reg);
        if (run->parsed()) return rs::run_command(tool, rs::resolve(reg, run_f.program), run_f, run_r);
        if (replay->parsed()) return rs::run_command(tool, rs::resolve(reg, replay_f.program), replay_f, replay_r);
        if (check->parsed()) return rs::check_command(rs::resolve(reg, check_f.program), check_f);
        if (explore->parsed()) return rs::explore_command(tool, rs::resolve(reg, explore_f.program), explore_f, explore_e);
        if (shr->parsed()) return rs::shrink_command(tool, rs::resolve(reg, shrink_f.program), shrink_f, shrink_s);
        if (exp->parsed()) return rs::export_command(tool, rs::resolve(reg, export_f.program), export_f, export_x);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_status::passed : exit_status::usage_error;
    } catch (const ractor::sim::fault_plan_error& e) {
        std::fprintf(stderr, "%s: %s\n", app.get_name().c_str(), e.what());
        return exit_status::usage_error;
    } catch (const scenario_error& e) {
        std::fprintf(stderr, "%s: scenario: %s\n", app.get_name().c_str(), e.what());
        return exit_status::usage_error;
    }
    return exit_status::passed;
}

}  // namespace ractor::tool
