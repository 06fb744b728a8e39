#pragma once
// What the cluster conformance suites share: the messages and actors of
// cluster_messages.hpp, a test node (an actor system and its cluster node with short
// timings) and polling helpers that run on the backend's clock.

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include <ractor/cluster/node.hpp>

#include "support/backends.hpp"
#include "support/cluster_messages.hpp"
#include "support/test_actors.hpp"

namespace ractor::testing {

/// Records node events as lines "up n2" / "down n2".
struct node_watcher : actor<cluster::node_event, std::monostate, log_ptr> {
    log_ptr log;
    std::monostate pre_start(actor_ref<cluster::node_event>, log_ptr l) {
        log = std::move(l);
        return {};
    }
    void handle(actor_ref<cluster::node_event>, cluster::node_event e, std::monostate&) {
        log->add((e.what == cluster::node_event::kind::up ? "up " : "down ") + e.node);
    }
};

/// Short timings so failures are detected quickly on both backends.
inline cluster::node_options options_for(test_backend& backend, const std::string& name, std::string cookie = "secret") {
    using namespace std::chrono_literals;
    cluster::node_options o;
    o.name = name;
    o.cookie = std::move(cookie);
    o.listen_address = backend.listen_address(name);
    o.heartbeat_interval = 100ms;
    o.node_down_timeout = 1s;
    o.reconnect_backoff_min = 20ms;
    o.reconnect_backoff_max = 200ms;
    o.connect_timeout = 2s;
    o.lookup_timeout = 2s;
    return o;
}

/// One node: an actor system and its cluster node (destroyed first).
struct test_node {
    test_node(test_backend& backend, const std::string& name, std::string cookie = "secret")
        : test_node(backend, options_for(backend, name, std::move(cookie))) {}
    test_node(test_backend& backend, cluster::node_options o)
        : sys(backend.add_node(o.name)), node(sys, std::move(o)) {
        node.register_message<echo_message>("echo");
        node.register_message<hold_request>("hold");
    }
    std::uint64_t id() const { return sys.node_id(); }

    actor_system sys;
    cluster::node node;
};

/// Polls `done` every 10 ms of the backend's clock (virtual on sim), at most 10 s.
inline bool eventually(actor_system& sys, const std::function<bool()>& done) {
    using namespace std::chrono_literals;
    auto sleeper = sys.spawn(idle{});
    bool ok = done();
    for (int i = 0; i < 1000 && !ok; ++i) {
        sleeper.wait_for(10ms);
        ok = done();
    }
    sleeper.stop();
    return ok;
}

/// Lets `d` pass on the backend's clock.
inline void pause(actor_system& sys, duration d) {
    auto sleeper = sys.spawn(idle{});
    sleeper.wait_for(d);
    sleeper.stop();
}

inline std::string log_of(const cluster::node& n) {
    std::string out;
    for (const auto& line : n.log()) out += "  " + line + "\n";
    return out;
}

inline bool sees(const test_node& n, std::vector<std::string> peers) { return n.node.nodes() == peers; }

inline call_result<std::string> shout(const actor_ref<echo_message>& to, std::string text,
                                      duration timeout = std::chrono::seconds(2)) {
    return to.call([&](reply_port<std::string> p) { return echo_message{echo_msg::shout{text, std::move(p)}}; },
                   timeout);
}

inline std::size_t count_of(const std::vector<std::string>& lines, const std::string& line) {
    return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), line));
}

}  // namespace ractor::testing
