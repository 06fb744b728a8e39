// ractor-node: one cluster node per process on the real runtime.
//
//   ractor-node serve --name n1 --cookie c [--listen 127.0.0.1:0] [--connect ADDR]...
//                     [--expect K --calls N] [--tick-cost-us U] [--mailbox M]
//       Registers the actor "service" (ticks, counts, echoes) and puts it in the process
//       group "members", dials every --connect address, and reports on stdout,
//       one line each: "listening ADDR", "nodes A,B" and "members K" whenever they change,
//       and, once K peers are up, "calls PEER ok=X failed=Y" after N echo calls to each.
//       Runs until SIGINT or SIGTERM, or until its standard input closes when that is a pipe,
//       a socket or a terminal (a parent's lifeline); /dev/null or a file does not stop it.
//       --tick-cost-us and --mailbox make a slow, bounded receiver for remote_flood.
//   ractor-node bench --connect ADDR --cookie c --workload remote_cast|remote_call|remote_flood
//                     [--count N] [--seconds S]
//       Connects to a serving node and prints one RESULT line in the format of ../shared/peers.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/cluster/node.hpp>
#include <ractor/ractor.hpp>

#include "common/cli_values.hpp"
#include "common/exit_status.hpp"
#include "node_messages.hpp"
#include "node_setup.hpp"
#include "remote_bench.hpp"
#include "service.hpp"

namespace {

using namespace std::chrono_literals;
using namespace ractor_node;
namespace sm = ractor_node::service_msg;

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
    return out.empty() ? "-" : out;
}

/// Tells `serve` when to stop: SIGINT or SIGTERM, or the end of standard input when a
/// parent holds it open (a pipe, a socket or a terminal), so that /dev/null keeps serving.
class stop_signal {
public:
    /// Blocks SIGINT and SIGTERM; construct it before any thread starts, so all inherit that.
    stop_signal() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
        signals_ = ::signalfd(-1, &set, SFD_CLOEXEC);
        if (signals_ < 0) throw std::runtime_error("cannot watch SIGINT and SIGTERM (signalfd failed)");
        struct stat st {};
        lifeline_ = ::fstat(STDIN_FILENO, &st) == 0 &&
                    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || ::isatty(STDIN_FILENO));
    }
    stop_signal(const stop_signal&) = delete;
    stop_signal& operator=(const stop_signal&) = delete;
    ~stop_signal() { ::close(signals_); }

    /// True once it is time to stop; waits at most `wait` for that.
    bool wait(std::chrono::milliseconds wait) {
        pollfd p[2] = {{signals_, POLLIN, 0}, {lifeline_ ? STDIN_FILENO : -1, POLLIN, 0}};
        if (::poll(p, 2, static_cast<int>(wait.count())) <= 0) return false;
        if (p[0].revents != 0) return true;
        char buf[256];
        return p[1].revents != 0 && ::read(STDIN_FILENO, buf, sizeof buf) <= 0;
    }

private:
    int signals_ = -1;
    bool lifeline_ = false;
};

/// Echo calls to the service of `peer`; returns {ok, failed}.
std::pair<int, int> call_peer(ractor::cluster::node& node, const std::string& peer, int calls) {
    auto target = node.where_is<service_message>(peer, "service");
    if (!target) return {0, calls};
    int ok = 0;
    for (int i = 0; i < calls; ++i) {
        auto r = target.value().call(
            [&](ractor::reply_port<std::int64_t> p) { return service_message{sm::echo{i, std::move(p)}}; }, 2s);
        ok += r.ok() && r.value() == i;
    }
    return {ok, calls - ok};
}

/// What `serve` does beyond serving: whom to call, and how slow and bounded its service is.
struct serve_settings {
    std::string listen = "127.0.0.1:0";
    std::vector<std::string> dial;
    std::size_t expect = 0;
    int calls = 0;
    std::int64_t tick_cost_us = 0;
    std::size_t mailbox = 0;  ///< the service's mailbox bound; 0: unbounded
};

int serve(const common_flags& f, const serve_settings& s) {
    const auto& [listen, dial, expect, calls, tick_cost_us, mailbox] = s;
    stop_signal stop;
    ractor::asio_backend::runtime_host host({.threads = f.threads});
    ractor::actor_system sys(host.add_node(f.name));
    ractor::cluster::node node(sys, node_options_for(f, listen));
    node.register_message<service_message>(service_type);
    // Only actors of registered message types are mirrored to other nodes' process groups.
    sys.groups().join("members", {sys.spawn(service{}, std::chrono::microseconds(tick_cost_us),
                                           {.name = "service", .mailbox_capacity = mailbox})});
    say("listening " + node.address());
    for (const auto& a : dial) node.connect(a);

    std::string last_nodes, last_members;
    bool called = calls == 0;
    while (!stop.wait(20ms)) {
        const auto peers = node.nodes();
        const std::string nodes_line = "nodes " + joined(peers);
        const std::string members_line = "members " + std::to_string(sys.groups().get_members("members").size());
        if (nodes_line != last_nodes) say(last_nodes = nodes_line);
        if (members_line != last_members) say(last_members = members_line);
        if (!called && peers.size() >= expect) {
            called = true;
            for (const auto& peer : peers) {
                auto [ok, failed] = call_peer(node, peer, calls);
                say("calls " + peer + " ok=" + std::to_string(ok) + " failed=" + std::to_string(failed));
            }
        }
    }
    node.shutdown();
    sys.shutdown();
    return ractor::tool::exit_status::passed;
}

}  // namespace

int main(int argc, char** argv) {
    using ractor::tool::exit_status;
    CLI::App app{"ractor-node: one ractor-cpp cluster node per process, on the real runtime.\n"
                 "Exit status: 0 done, 1 the node failed, 2 usage error (nothing ran)."};
    app.require_subcommand(1);
    common_flags f;
    const auto count = ractor::tool::unsigned_integer();
    auto add_common = [&](CLI::App* cmd, const char* default_name) {
        f.name = default_name;
        cmd->add_option("--name", f.name, "this node's name");
        cmd->add_option("--cookie", f.cookie, "the cluster's shared secret")->required();
        cmd->add_option("--threads", f.threads, "worker threads")->check(count & CLI::Range(1u, 64u));
    };

    auto* serve_cmd = app.add_subcommand(
        "serve", "run a node until SIGINT, SIGTERM or the end of a piped standard input");
    add_common(serve_cmd, "node");
    serve_settings ss;
    serve_cmd->add_option("--listen", ss.listen, "address to accept connections on");
    serve_cmd->add_option("--connect", ss.dial, "peer addresses to dial");
    serve_cmd->add_option("--expect", ss.expect, "peers to wait for before the echo calls")->check(count);
    serve_cmd->add_option("--calls", ss.calls, "echo calls to each peer's service")
        ->check(ractor::tool::unsigned_integer(INT32_MAX));
    serve_cmd->add_option("--tick-cost-us", ss.tick_cost_us, "busy CPU time per tick the service handles")
        ->check(ractor::tool::unsigned_integer(1'000'000));
    serve_cmd->add_option("--mailbox", ss.mailbox, "bound of the service's mailbox (0: unbounded)")->check(count);

    auto* bench_cmd = app.add_subcommand("bench", "measure remote casts or calls against a serving node");
    add_common(bench_cmd, "bench-client");
    bench_settings bs;
    bs.workload = "remote_call";
    bench_cmd->add_option("--connect", bs.address, "the serving node's address")->required();
    bench_cmd->add_option("--workload", bs.workload)
        ->check(CLI::IsMember({"remote_cast", "remote_call", "remote_flood"}));
    bench_cmd->add_option("--count", bs.count, "messages or calls (default 1,000,000 casts or 100,000 calls)")
        ->check(ractor::tool::unsigned_integer(INT64_MAX));
    bench_cmd->add_option("--seconds", bs.seconds, "how long remote_flood floods (default 10)")
        ->check(ractor::tool::unsigned_integer(3600));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_status::passed : exit_status::usage_error;
    }
    try {
        if (serve_cmd->parsed()) return serve(f, ss);
        if (bs.count == 0) bs.count = bs.workload == "remote_cast" ? 1'000'000 : 100'000;
        return run_bench(f, bs);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ractor-node: %s\n", e.what());
        return exit_status::run_failed;
    }
}
