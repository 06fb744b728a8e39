// ractor-node: one cluster node per process on the real runtime.
//
//   ractor-node serve --name n1 --cookie c [--listen 127.0.0.1:0] [--connect ADDR]...
//                     [--expect K --calls N]
//       Registers the actor "service" (ticks, counts, echoes) and puts it in the process
//       group "members", dials every --connect address, and reports on stdout,
//       one line each: "listening ADDR", "nodes A,B" and "members K" whenever they change,
//       and, once K peers are up, "calls PEER ok=X failed=Y" after N echo calls to each.
//       Runs until SIGINT or SIGTERM, or until its standard input closes when that is a pipe,
//       a socket or a terminal (a parent's lifeline); /dev/null or a file does not stop it.
//   ractor-node bench --connect ADDR --cookie c --workload remote_cast|remote_call [--count N]
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
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/cluster/node.hpp>
#include <ractor/ractor.hpp>

#include "common/cli_values.hpp"
#include "common/exit_status.hpp"
#include "node_messages.hpp"

namespace {

using namespace std::chrono_literals;
using ractor_node::service_message;
namespace sm = ractor_node::service_msg;

/// The type name every ractor-node registers its service messages under.
constexpr const char* service_type = "ractor-node.service";

/// Counts ticks and answers echoes.
struct service : ractor::actor<service_message, std::int64_t> {
    void handle(ractor::actor_ref<service_message>, service_message msg, std::int64_t& ticks) {
        if (std::holds_alternative<sm::tick>(msg)) {
            ++ticks;
        } else if (auto* c = std::get_if<sm::count>(&msg)) {
            c->port.send(ticks);
            ticks = 0;
        } else {
            auto& e = std::get<sm::echo>(msg);
            e.port.send(e.value);
        }
    }
};

struct common_flags {
    std::string name;
    std::string cookie;
    unsigned threads = 2;
};

ractor::cluster::node_options node_options_for(const common_flags& f, std::string listen) {
    ractor::cluster::node_options o;
    o.name = f.name;
    o.cookie = f.cookie;
    o.listen_address = std::move(listen);
    o.heartbeat_interval = 200ms;
    o.node_down_timeout = 2s;
    o.max_frame_size = std::size_t{8} << 20;
    return o;
}

void say(const std::string& line) {
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

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

int serve(const common_flags& f, const std::string& listen, const std::vector<std::string>& dial,
          std::size_t expect, int calls) {
    stop_signal stop;
    ractor::asio_backend::runtime_host host({.threads = f.threads});
    ractor::actor_system sys(host.add_node(f.name));
    ractor::cluster::node node(sys, node_options_for(f, listen));
    node.register_message<service_message>(service_type);
    // Only actors of registered message types are mirrored to other nodes' process groups.
    sys.groups().join("members", {sys.spawn(service{}, {}, {.name = "service"})});
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

/// Runs one remote workload from inside an actor (as the Erlang peer runs it in a process).
struct bench_request {
    std::string workload;
    std::int64_t count;
    ractor::actor_ref<service_message> target;
    ractor::reply_port<std::string> port;
};

/// Never exits: waiting for it is how the driver pauses while the remote side catches up.
struct idle_pacer : ractor::actor<int> {
    void handle(ractor::actor_ref<int>, int, std::monostate&) {}
};

struct bench_driver : ractor::actor<bench_request> {
    void handle(ractor::actor_ref<bench_request> self, bench_request r, std::monostate&) {
        const auto t0 = std::chrono::steady_clock::now();
        std::string error;
        if (r.workload == "remote_cast") {
            // A full proxy pushes back (mailbox_full): wait a moment and send the same tick again.
            auto pacer = self.system().spawn(idle_pacer{});
            for (std::int64_t i = 0; i < r.count; ++i) {
                while (r.target.cast(sm::tick{i}) == ractor::send_status::mailbox_full) pacer.wait_for(std::chrono::microseconds(50));
            }
            pacer.stop();
            auto seen = r.target.call([](ractor::reply_port<std::int64_t> p) { return service_message{sm::count{std::move(p)}}; });
            if (!seen.ok() || seen.value() != r.count) error = "the server counted a different number of ticks";
        } else {
            for (std::int64_t i = 0; i < r.count && error.empty(); ++i) {
                auto v = r.target.call([&](ractor::reply_port<std::int64_t> p) { return service_message{sm::echo{i, std::move(p)}}; });
                if (!v.ok() || v.value() != i) error = "call " + std::to_string(i) + " failed";
            }
        }
        const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
        char line[256];
        if (!error.empty()) {
            r.port.send("ERROR " + error);
        } else if (r.workload == "remote_cast") {
            std::snprintf(line, sizeof line,
                          "RESULT system=ractor-cpp workload=remote_cast msgs=%lld total_ms=%.1f "
                          "msgs_per_s=%.0f",
                          static_cast<long long>(r.count), ns / 1e6,
                          static_cast<double>(r.count) / (ns / 1e9));
            r.port.send(line);
        } else {
            std::snprintf(line, sizeof line,
                          "RESULT system=ractor-cpp workload=remote_call calls=%lld total_ms=%.1f "
                          "calls_per_s=%.0f ns_per_call=%.0f",
                          static_cast<long long>(r.count), ns / 1e6,
                          static_cast<double>(r.count) / (ns / 1e9),
                          ns / static_cast<double>(r.count));
            r.port.send(line);
        }
    }
};

int bench(const common_flags& f, const std::string& address, const std::string& workload, std::int64_t count) {
    ractor::asio_backend::runtime_host host({.threads = f.threads});
    ractor::actor_system sys(host.add_node(f.name));
    ractor::cluster::node node(sys, node_options_for(f, ""));
    node.register_message<service_message>(service_type);
    node.connect(address);
    for (int i = 0; i < 500 && node.nodes().empty(); ++i) std::this_thread::sleep_for(10ms);
    if (node.nodes().empty()) {
        std::fprintf(stderr, "ractor-node: no session with %s after 5 s\n", address.c_str());
        return ractor::tool::exit_status::run_failed;
    }
    auto target = node.where_is<service_message>(node.nodes().front(), "service");
    if (!target) {
        std::fprintf(stderr, "ractor-node: %s\n", target.error().c_str());
        return ractor::tool::exit_status::run_failed;
    }
    auto driver = sys.spawn(bench_driver{});
    auto line = driver.call([&](ractor::reply_port<std::string> p) {
        return bench_request{workload, count, target.value(), std::move(p)};
    });
    node.shutdown();
    sys.shutdown();
    if (!line.ok() || line.value().rfind("RESULT", 0) != 0) {
        std::fprintf(stderr, "ractor-node: %s\n", line.ok() ? line.value().c_str() : "the benchmark did not finish");
        return ractor::tool::exit_status::run_failed;
    }
    say(line.value() + " threads=" + std::to_string(f.threads));
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
    std::string listen = "127.0.0.1:0";
    std::vector<std::string> dial;
    std::size_t expect = 0;
    int calls = 0;
    serve_cmd->add_option("--listen", listen, "address to accept connections on");
    serve_cmd->add_option("--connect", dial, "peer addresses to dial");
    serve_cmd->add_option("--expect", expect, "peers to wait for before the echo calls")->check(count);
    serve_cmd->add_option("--calls", calls, "echo calls to each peer's service")
        ->check(ractor::tool::unsigned_integer(INT32_MAX));

    auto* bench_cmd = app.add_subcommand("bench", "measure remote casts or calls against a serving node");
    add_common(bench_cmd, "bench-client");
    std::string address, workload = "remote_call";
    std::int64_t n = 0;
    bench_cmd->add_option("--connect", address, "the serving node's address")->required();
    bench_cmd->add_option("--workload", workload)->check(CLI::IsMember({"remote_cast", "remote_call"}));
    bench_cmd->add_option("--count", n, "messages or calls (default 1,000,000 casts or 100,000 calls)")
        ->check(ractor::tool::unsigned_integer(INT64_MAX));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_status::passed : exit_status::usage_error;
    }
    try {
        if (serve_cmd->parsed()) return serve(f, listen, dial, expect, calls);
        if (n == 0) n = workload == "remote_cast" ? 1'000'000 : 100'000;
        return bench(f, address, workload, n);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ractor-node: %s\n", e.what());
        return exit_status::run_failed;
    }
}
