// The hidden node mode of `real`: one scenario node in this process, on the asio backend
// with the cluster layer over TCP, driven by its parent one JSON line at a time.
#include <sys/prctl.h>

#include <signal.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>
#include <variant>

#include <ractor/actor.hpp>
#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/cluster/node.hpp>
#include <ractor/tool/scenario_runner.hpp>

#include "common/exit_status.hpp"
#include "node_startup.hpp"
#include "real.hpp"
#include "workload_log.hpp"

namespace ractor::tool::cli {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

/// One line to the parent; whole lines, so the worker's and the main thread's never mix.
void say(const json& j) {
    const std::string line = j.dump() + "\n";
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
}

/// For the client tally: start a `clients` step, or answer with what the clients recorded.
struct tally_msg {
    std::variant<step, reply_port<json>> what;
};

/// Owns the log the node's clients write, so that only the actor thread touches it.
struct tally : actor<tally_msg, std::shared_ptr<workload_log>, std::monostate> {
    std::shared_ptr<workload_log> pre_start(actor_ref<tally_msg>, std::monostate) {
        return std::make_shared<workload_log>();
    }
    void handle(actor_ref<tally_msg> self, tally_msg m, std::shared_ptr<workload_log>& log) {
        if (auto* st = std::get_if<step>(&m.what)) {
            for (std::size_t c = 0; c < st->count; ++c) spawn_client(self.system(), *st, log);
            return;
        }
        json counts = log->counts_json();
        counts["clients_started"] = 0;  // the parent counts starts: they must outlive a crash
        std::get<reply_port<json>>(m.what).send(std::move(counts));
    }
};

/// The node: its runtime, actor system, cluster node and the commands of its parent.
class node_process {
public:
    node_process(const scenario& s, const registry& r, std::string name, const std::string& cookie,
                 std::uint16_t port)
        : s_(s), r_(r), name_(std::move(name)), sys_(host_.add_node(name_)) {
        if (s_.nodes.size() > 1) start_cluster(cookie, port);
        tally_ = sys_.spawn(tally{}, std::monostate{});
        spawn_declared(s_, r_, name_, sys_, [](const std::string& sup) {
            say({{"child_start", sup}});
        });
        say({{"listening", node_ ? node_->address() : std::string()}});
    }
    node_process(const node_process&) = delete;
    node_process& operator=(const node_process&) = delete;
    ~node_process() {
        if (node_) node_->shutdown();
        sys_.shutdown();
    }

    /// Answers the parent's commands until its end of stdin closes.
    void serve() {
        for (std::string line; std::getline(std::cin, line);) {
            json reply, id = 0;
            try {
                const json c = json::parse(line);
                id = c.value("id", json(0));
                reply = command(c);
            } catch (const std::exception& e) {
                reply = {{"error", e.what()}};
            }
            say({{"reply", reply}, {"id", id}});
        }
    }

private:
    void start_cluster(const std::string& cookie, std::uint16_t port) {
        cluster::node_options o;
        o.name = name_;
        o.cookie = cookie;
        o.listen_address = "127.0.0.1:" + std::to_string(port);
        o.heartbeat_interval = 100ms;
        o.node_down_timeout = 1s;
        o.reconnect_backoff_min = 20ms;
        o.reconnect_backoff_max = 200ms;
        o.connect_timeout = 500ms;
        node_ = std::make_unique<cluster::node>(sys_, std::move(o));
    }

    json command(const json& c) {
        if (c.contains("step")) return run_step(s_.workload.at(c.at("step").get<std::size_t>()));
        if (c.contains("peers")) {
            for (const auto& a : c.at("peers")) {
                if (node_) node_->connect(a.get<std::string>());
            }
            return json::object();
        }
        if (c.contains("report")) {
            auto r = tally_.call([](reply_port<json> p) { return tally_msg{std::move(p)}; }, 5s);
            if (!r.ok()) throw std::runtime_error("the client tally did not answer");
            return r.value();
        }
        if (c.contains("groups")) {
            json sizes = json::object();
            for (const auto& g : c.at("groups")) {
                sizes[g.get<std::string>()] =
                    sys_.groups().get_members(g.get<std::string>()).size();
            }
            return sizes;
        }
        if (c.contains("reset")) return reset(c.at("reset").get<std::string>());
        throw std::runtime_error("unknown command");
    }

    json reset(const std::string& peer) {
        std::size_t n = 0;
        if (node_) {
            for (const auto& p : node_->nodes()) {
                if (peer.empty() || p == peer) n += node_->reset_connection(p) ? 1u : 0u;
            }
        }
        return {{"reset", n}};
    }

    json run_step(const step& st) {
        if (st.node != name_)
            throw std::runtime_error(st.path + " runs on " + st.node + ", not here");
        workload_log log;
        auto ref = sys_.where_is<message>(st.target);
        switch (st.kind) {
            case step_kind::sleep:
                break;
            case step_kind::spawn:
                r_.find_kind(st.spawned.kind)
                    ->spawn(sys_, st.spawned.args, {.name = st.spawned.name});
                break;
            case step_kind::cast:
                if (!ref || ref->cast(message{st.body, std::nullopt}) != send_status::ok) {
                    log.violate(st.path + ": the cast to " + st.target + " on " + st.node +
                                " was not accepted");
                } else {
                    ++log.casts;
                }
                break;
            case step_kind::call:
                call(st, ref, log);
                break;
            case step_kind::join:
            case step_kind::leave:
                group(st, ref, log);
                break;
            case step_kind::wait_group:
                wait_group(st, log);
                break;
            case step_kind::clients:
                if (st.calls > 0) log.clients_started += st.count;
                tally_.cast(tally_msg{st});
                break;
        }
        return log.counts_json();
    }

    static void call(const step& st, const std::optional<actor_ref<message>>& ref,
                     workload_log& log) {
        if (!ref) {
            ++log.calls_failed;
            log.failed_calls.push_back(st.path + ": no actor " + st.target + " on " + st.node);
            return;
        }
        auto r = ref->call(
            [&](reply_port<json> p) {
                return message{st.body, std::move(p)};
            },
            st.timeout);
        log.record_call(st.path, r, st.expect);
    }

    void group(const step& st, const std::optional<actor_ref<message>>& ref, workload_log& log) {
        if (!ref) return log.violate(st.path + ": no actor " + st.target + " on " + st.node);
        if (st.kind == step_kind::join) {
            sys_.groups().join(st.group, {*ref});
        } else {
            sys_.groups().leave(st.group, {*ref});
        }
    }

    void wait_group(const step& st, workload_log& log) {
        const auto deadline = std::chrono::steady_clock::now() + st.timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (sys_.groups().get_members(st.group).size() >= st.count) return;
            std::this_thread::sleep_for(10ms);
        }
        log.violate(st.path + ": group " + st.group + " on " + st.node + " did not reach " +
                    std::to_string(st.count) + " members in " + sim::format_duration(st.timeout));
    }

    const scenario& s_;
    const registry& r_;
    std::string name_;
    /// One worker thread: the clients, their tally and the supervisors share it, so the
    /// tally's log needs no lock.
    asio_backend::runtime_host host_{{.threads = 1}};
    actor_system sys_;
    std::unique_ptr<cluster::node> node_;
    actor_ref<tally_msg> tally_;
};

}  // namespace

int real_node_command(const registry& r, const real_node_flags& f) {
    // The parent's death ends the node: no orphan outlives a killed `real`.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const char* cookie = std::getenv(real_cookie_variable);
    if (cookie == nullptr || *cookie == '\0') {
        std::fprintf(stderr, "node: no cookie: the parent passes it in %s\n", real_cookie_variable);
        return exit_status::usage_error;
    }
    const scenario s = load_scenario(f.file);
    check_names(s, r);
    if (std::find(s.nodes.begin(), s.nodes.end(), f.node) == s.nodes.end()) {
        std::fprintf(stderr, "node: --node %s is not a node of %s\n", f.node.c_str(),
                     f.file.c_str());
        return exit_status::usage_error;
    }
    try {
        node_process p(s, r, f.node, cookie, f.port);
        p.serve();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "node %s: %s\n", f.node.c_str(), e.what());
        return exit_status::run_failed;
    }
    return exit_status::passed;
}

}  // namespace ractor::tool::cli
