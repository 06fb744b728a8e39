// The simulator as a testing tool: PCT, the determinism self-check, exploration over seeds
// (in this process and in child processes, plain and swarm) and liveness failures.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <ractor/ractor.hpp>
#include <ractor/sim/example_programs.hpp>
#include <ractor/sim/explore.hpp>
#include <ractor/sim/pct_strategy.hpp>
#include <ractor/prng.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/self_check.hpp>
#include <ractor/sim/world.hpp>

using namespace ractor;
using namespace std::chrono_literals;
namespace sim = ractor::sim;

namespace {

const sim::program& example(std::string_view name) {
    const auto* p = sim::find_example_program(name);
    REQUIRE(p != nullptr);
    return p->body;
}

std::vector<sim::candidate> tasks(std::initializer_list<std::uint64_t> ids) {
    std::vector<sim::candidate> out;
    for (auto id : ids) out.push_back(sim::candidate{sim::candidate_kind::runnable, id, 0, 1});
    return out;
}

/// Counts what it is sent.
struct sink : actor<int, int> {
    void handle(actor_ref<int>, int, int& n) { ++n; }
};

/// Deliberately nondeterministic: which actor gets the last message depends on how many
/// times this process ran the program before (a process-global counter).
int runs_in_this_process = 0;
void consults_a_global(sim::world& w) {
    actor_system sys(w.add_node("n1"));
    auto a = sys.spawn(sink{});
    auto b = sys.spawn(sink{});
    for (int i = 0; i < 3; ++i) a.cast(i);
    ++runs_in_this_process;
    (runs_in_this_process % 2 == 0 ? a : b).cast(99);
    w.run();
}

/// Deliberately nondeterministic: the number of messages depends on a heap address. The
/// objects stay alive, so that every run sees a new address.
std::vector<std::unique_ptr<int>> probes;
void consults_an_address(sim::world& w) {
    actor_system sys(w.add_node("n1"));
    auto a = sys.spawn(sink{});
    probes.push_back(std::make_unique<int>(0));
    const auto bits = reinterpret_cast<std::uintptr_t>(probes.back().get());
    for (std::uint64_t i = 0; i < 1 + ractor::mix64(bits) % 16; ++i) a.cast(1);
    w.run();
}

}  // namespace

TEST_CASE("pct_strategy: a function of its seed; depth 1 always runs the top priority", "[sim][explore]") {
    const auto choices = tasks({1, 2, 3, 4, 5});
    sim::pct_strategy a(7, 3, 100);
    sim::pct_strategy b(7, 3, 100);
    std::vector<std::size_t> pa;
    std::vector<std::size_t> pb;
    for (int i = 0; i < 100; ++i) {
        pa.push_back(a.pick(choices));
        pb.push_back(b.pick(choices));
    }
    CHECK(pa == pb);
    CHECK(a.change_points().size() == 2);
    for (auto c : a.change_points()) {
        CHECK(c >= 1);
        CHECK(c <= 100);
    }
    // Without change points the same task wins every pick, whatever order it is listed in.
    sim::pct_strategy top(11, 1, 100);
    const std::uint64_t winner = choices[top.pick(choices)].task;
    const auto reversed = tasks({5, 4, 3, 2, 1});
    for (int i = 0; i < 20; ++i) {
        CHECK(reversed[top.pick(reversed)].task == winner);
    }
    // A change point demotes the task about to run: the next pick is another task.
    sim::pct_strategy two(3, 2, 1);
    REQUIRE(two.change_points() == std::vector<std::uint64_t>{1});
    sim::pct_strategy plain(3, 1, 1);
    CHECK(choices[two.pick(choices)].task != choices[plain.pick(choices)].task);
    CHECK_THROWS_AS(sim::pct_strategy(1, 0, 10), std::invalid_argument);
}

TEST_CASE("self-check: a deterministic program passes with one hash", "[sim][explore]") {
    const auto r = sim::self_check(example("worker-pool"), 5);
    INFO(r.describe());
    CHECK(r.deterministic);
    CHECK(r.first_hash == r.second_hash);
    CHECK_FALSE(r.index.has_value());
    CHECK(r.describe().find("deterministic: both runs have trace hash 0x") == 0);
}

TEST_CASE("self-check: a program that reads a global is caught at its first divergent event", "[sim][explore]") {
    const auto r = sim::self_check(consults_a_global, 1);
    INFO(r.describe());
    REQUIRE_FALSE(r.deterministic);
    CHECK(r.first_hash != r.second_hash);
    REQUIRE(r.index.has_value());
    REQUIRE(r.first.has_value());
    REQUIRE(r.second.has_value());
    // Both runs agree up to the last send, which goes to a different actor.
    CHECK(r.first->kind == trace_kind::send);
    CHECK(r.second->kind == trace_kind::send);
    CHECK(r.first->actor != r.second->actor);
    CHECK(r.first->step == r.second->step);
    const std::string text = r.describe();
    CHECK(text.find("first difference at event #" + std::to_string(*r.index)) != std::string::npos);
    CHECK(text.find("run 1: " + sim::to_string(*r.first)) != std::string::npos);
    CHECK(text.find("run 2: " + sim::to_string(*r.second)) != std::string::npos);
}

TEST_CASE("self-check: a program that reads a heap address is caught", "[sim][explore]") {
    // Two addresses may give the same count (1 in 16); eight tries all doing so is 2^-32.
    bool caught = false;
    for (int i = 0; i < 8 && !caught; ++i) {
        const auto r = sim::self_check(consults_an_address, 1);
        if (!r.deterministic) {
            caught = true;
            REQUIRE(r.index.has_value());
            CHECK(r.describe().find("first difference at event #") != std::string::npos);
        }
    }
    CHECK(caught);
}

TEST_CASE("explore: PCT finds the planted bank bug within 50 seeds and the seed replays", "[sim][explore]") {
    sim::explore_options o;
    o.base.strategy = sim::strategy_kind::pct;
    o.base.depth = 2;
    o.seeds = 50;
    o.tool = "ractor-sim";
    o.program_name = "bank";
    std::uint64_t progress_calls = 0;
    o.progress = [&](const sim::explore_progress& p) {
        ++progress_calls;
        CHECK(p.done == progress_calls);
        CHECK(p.total == 50);
    };
    const auto summary = sim::explore(example("bank"), o);
    CHECK(summary.runs == 50);
    CHECK(progress_calls == 50);
    REQUIRE_FALSE(summary.failures.empty());
    CHECK(summary.passed + summary.failures.size() == 50);
    const auto& f = summary.failures.front();
    CHECK(f.outcome == sim::run_outcome::failed);
    CHECK(f.message == "the audit saw a total of 750 instead of 800");
    CHECK(f.options.pct_steps > 0);
    const std::string text = summary.describe("ractor-sim", "bank");
    CHECK(text.find(sim::reproduce_command("ractor-sim", "bank", f.options)) != std::string::npos);
    CHECK(sim::reproduce_command("ractor-sim", "bank", f.options) ==
          "ractor-sim replay bank --seed " + std::to_string(f.options.seed) +
              " --strategy pct --depth 2 --pct-steps " + std::to_string(f.options.pct_steps));

    // Replaying the seed (events kept this time) gives the same failure and trace hash.
    sim::run_options again = f.options;
    again.keep_events = true;
    const auto replay = sim::run_program(example("bank"), again);
    CHECK(replay.outcome == sim::run_outcome::failed);
    CHECK(replay.message == f.message);
    CHECK(replay.trace_hash == f.trace_hash);
    CHECK(replay.steps == f.steps);
    // Without the step count, a run calibrates to the same one.
    sim::run_options uncalibrated = again;
    uncalibrated.pct_steps = 0;
    CHECK(sim::run_program(example("bank"), uncalibrated).trace_hash == f.trace_hash);
}

TEST_CASE("explore: the random strategy rarely exposes the bank bug", "[sim][explore]") {
    sim::explore_options o;
    o.seeds = 200;
    const auto summary = sim::explore(example("bank"), o);
    CHECK(summary.runs == 200);
    CHECK(summary.failures.size() <= 2);
}

TEST_CASE("explore: child processes give the same results as one process", "[sim][explore]") {
    sim::explore_options o;
    o.base.strategy = sim::strategy_kind::pct;
    o.base.depth = 1;
    o.seeds = 40;
    const auto here = sim::explore(example("bank"), o);
    o.jobs = 3;
    const auto forked = sim::explore(example("bank"), o);
    CHECK(forked.runs == 40);
    CHECK(forked.passed == here.passed);
    REQUIRE(forked.failures.size() == here.failures.size());
    for (std::size_t i = 0; i < here.failures.size(); ++i) {
        CHECK(forked.failures[i].options.seed == here.failures[i].options.seed);
        CHECK(forked.failures[i].trace_hash == here.failures[i].trace_hash);
        CHECK(forked.failures[i].message == here.failures[i].message);
    }
    CHECK(forked.total_steps == here.total_steps);
}

TEST_CASE("explore: stop_after_failures ends early", "[sim][explore]") {
    sim::explore_options o;
    o.base.strategy = sim::strategy_kind::pct;
    o.base.depth = 1;
    o.seeds = 1000;
    o.stop_after_failures = 2;
    const auto summary = sim::explore(example("bank"), o);
    CHECK(summary.failures.size() == 2);
    CHECK(summary.runs < 1000);
}

TEST_CASE("explore: swarm mode draws strategy, depth and fault rate per seed", "[sim][explore]") {
    sim::run_options base;
    std::set<std::string> kinds;
    std::set<double> rates;
    for (std::uint64_t seed = 1; seed <= 64; ++seed) {
        const auto o = sim::swarm_options(base, seed);
        const auto again = sim::swarm_options(base, seed);
        CHECK(o.seed == seed);
        CHECK(o.strategy == again.strategy);
        CHECK(o.depth == again.depth);
        CHECK(o.fault_rate == again.fault_rate);
        CHECK(o.depth >= 1);
        CHECK(o.depth <= 5);
        kinds.insert(sim::to_string(o.strategy) + std::to_string(o.depth));
        rates.insert(o.fault_rate);
    }
    CHECK(kinds.size() >= 4);
    CHECK(rates.size() >= 3);

    // The configure hook sees the drawn rate: this is where a fault plan plugs in.
    std::set<double> seen;
    sim::explore_options o;
    o.swarm = true;
    o.seeds = 60;
    o.base.configure = [&](sim::world&, const sim::run_options& r) { seen.insert(r.fault_rate); };
    const auto summary = sim::explore(example("bank"), o);
    CHECK(summary.runs == 60);
    CHECK(seen.size() >= 3);
    REQUIRE_FALSE(summary.failures.empty());
    const auto& f = summary.failures.front();
    CHECK(f.options.strategy == sim::strategy_kind::pct);
    sim::run_options again = f.options;
    again.configure = nullptr;
    CHECK(sim::run_program(example("bank"), again).trace_hash == f.trace_hash);
}

TEST_CASE("liveness: a caller left waiting is a deadlock failure with its trace", "[sim][explore]") {
    const auto r = sim::run_program(example("stuck-call"), sim::run_options{});
    CHECK(r.outcome == sim::run_outcome::deadlock);
    CHECK(r.message.find("quiescent while the caller was still waiting") != std::string::npos);
    REQUIRE(r.failure_at > 0);
    REQUIRE(r.failure_at <= r.events.size());
    // The trace up to the failure ends with the request received and never answered.
    CHECK(r.events[r.failure_at - 1].kind == trace_kind::receive);
    const std::string tail = sim::trace_tail(r, 5);
    CHECK(tail.find("receive actor=1") != std::string::npos);
    CHECK(sim::summary_line("stuck-call", r).find("FAIL stuck-call seed=1") == 0);
}

TEST_CASE("liveness: a livelock fails on the step budget, once, and the program still unwinds", "[sim][explore]") {
    sim::run_options o;
    o.max_steps = 5000;
    const auto r = sim::run_program(example("livelock"), o);
    CHECK(r.outcome == sim::run_outcome::step_budget);
    CHECK(r.message.find("5000 steps") != std::string::npos);
    CHECK(r.failure_at > 9000);
    CHECK(r.failure_at < r.events.size());  // the actors were then killed and terminated
    CHECK(r.events.back().kind == trace_kind::terminate);
    CHECK(sim::trace_tail(r, 3).find("failure raised here") != std::string::npos);
}

TEST_CASE("liveness: endless timers fail on the virtual time budget", "[sim][explore]") {
    sim::run_options o;
    o.max_virtual_time = 250ms;
    const auto r = sim::run_program(example("ticker"), o);
    CHECK(r.outcome == sim::run_outcome::time_budget);
    CHECK(r.message.find("250 ms") != std::string::npos);
    REQUIRE(r.failure_at > 0);
    CHECK(r.events[r.failure_at - 1].time_ns <= std::chrono::nanoseconds(251ms).count());
}

TEST_CASE("every example program that should pass passes on several seeds and strategies", "[sim][explore]") {
    for (const char* name : {"ping-pong", "worker-pool", "ticker"}) {
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            for (auto kind : {sim::strategy_kind::random, sim::strategy_kind::pct}) {
                sim::run_options o;
                o.seed = seed;
                o.strategy = kind;
                o.keep_events = false;
                const auto r = sim::run_program(example(name), o);
                INFO(name << ": " << sim::summary_line(name, r) << " " << r.message);
                CHECK(r.passed());
            }
        }
    }
}

TEST_CASE("a fault rate injects handler failures that the trace records, and replays", "[sim][explore]") {
    sim::run_options o;
    o.seed = 5;
    o.fault_rate = 0.2;
    const auto first = sim::run_program(example("ping-pong"), o);
    std::size_t injected = 0;
    for (const auto& e : first.events) {
        if (e.kind == trace_kind::fault && e.text.find("fail") != std::string::npos) ++injected;
    }
    INFO(sim::summary_line("ping-pong", first) << " " << first.message);
    CHECK(injected > 0);
    CHECK_FALSE(first.passed());  // the rally cannot finish once a player failed
    const auto again = sim::run_program(example("ping-pong"), o);
    CHECK(again.trace_hash == first.trace_hash);
    o.fault_rate = 0;
    CHECK(sim::run_program(example("ping-pong"), o).passed());
}
