#pragma once
// What the factory conformance suites share: a tally of lines that tests wait on, a worker
// that notes what it runs (and can block at a gate or fail), and a spec built around them.

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <ractor/factory/factory.hpp>
#include <ractor/ractor.hpp>

#include "support/test_actors.hpp"

namespace ractor::testing {

namespace tally_msg {
struct line { std::string text; };
/// Answered with the lines starting with `prefix` once there are `count` of them.
struct await_lines {
    std::string prefix;
    std::size_t count;
    reply_port<std::vector<std::string>> port;
};
}  // namespace tally_msg
using tally_message = std::variant<tally_msg::line, tally_msg::await_lines>;

struct tally_state {
    std::vector<std::string> lines;
    std::vector<tally_msg::await_lines> waiting;
};

inline std::vector<std::string> lines_with(const std::vector<std::string>& lines, const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& l : lines) {
        if (l.rfind(prefix, 0) == 0) out.push_back(l);
    }
    return out;
}

/// Collects lines in arrival order and answers the waiters whose count is reached.
struct tally : actor<tally_message, tally_state> {
    void handle(actor_ref<tally_message>, tally_message msg, tally_state& s) {
        if (auto* l = std::get_if<tally_msg::line>(&msg)) s.lines.push_back(std::move(l->text));
        else s.waiting.push_back(std::move(std::get<tally_msg::await_lines>(msg)));
        for (auto it = s.waiting.begin(); it != s.waiting.end();) {
            auto found = lines_with(s.lines, it->prefix);
            if (found.size() < it->count) {
                ++it;
                continue;
            }
            it->port.send(std::move(found));
            it = s.waiting.erase(it);
        }
    }
};
using tally_ref = actor_ref<tally_message>;

inline void note(const tally_ref& t, std::string text) { t.cast(tally_msg::line{std::move(text)}); }
/// The lines starting with `prefix`, once there are at least `count` of them; throws if
/// they are not there within 30 s (virtual in the simulator), so a broken factory fails
/// the test instead of hanging it.
inline std::vector<std::string> await_lines(const tally_ref& t, const std::string& prefix, std::size_t count) {
    return t.call([&](reply_port<std::vector<std::string>> p) {
                return tally_message{tally_msg::await_lines{prefix, count, std::move(p)}};
            },
                  std::chrono::seconds(30))
        .value();
}

/// A job's message: its value, and optionally a gate to wait at or an order to fail.
struct task {
    int value = 0;
    actor_ref<gate_message> gate{};
    bool fail = false;
};
using task_job = factory::job<int, task>;

inline std::string describe(const task_job& j) {
    return "k" + std::to_string(j.key) + " v" + std::to_string(j.msg.value);
}

/// Notes "start w<id>" when it starts, "run w<id> k<key> v<value>" when a job begins and
/// "done ..." when it ends; waits at the job's gate in between, or fails if told to.
struct recorder : factory::worker<int, task> {
    tally_ref log;
    std::monostate pre_start(factory::worker_id id) {
        note(log, "start w" + std::to_string(id));
        return {};
    }
    void handle(factory::worker_id id, task_job& j, std::monostate&) {
        note(log, "run w" + std::to_string(id) + " " + describe(j));
        if (j.msg.gate) pass_gate(j.msg.gate);
        if (j.msg.fail) throw std::runtime_error("the job failed");
        note(log, "done w" + std::to_string(id) + " " + describe(j));
    }
    void post_stop(factory::worker_id id, std::monostate&) { note(log, "stopped w" + std::to_string(id)); }
};

/// A spec of `workers` recorders routed by `mode`, whose discards are noted as
/// "discard <reason> k<key> v<value>".
inline factory::factory_spec<recorder> recorder_spec(const tally_ref& log, std::size_t workers,
                                                     factory::routing_mode mode) {
    return {.workers = workers,
            .make_worker =
                [log](factory::worker_id) {
                    recorder r;
                    r.log = log;
                    return r;
                },
            .route = {.mode = mode},
            .discard_handler = [log](factory::discard_reason r, task_job& j) {
                note(log, "discard " + std::string(factory::to_string(r)) + " " + describe(j));
            }};
}

using task_factory = factory::factory_ref<int, task>;

/// A job with key `key` and value `value`, held at `gate` if one is given.
inline task_job make_job(int key, int value, actor_ref<gate_message> gate = {}) {
    return {key, task{value, std::move(gate)}};
}

/// The factory's counters; fails the test if it does not answer.
inline factory::factory_stats stats_of(const task_factory& f) {
    return f.stats(std::chrono::seconds(10)).value();
}

/// Lets `d` pass on the node's clock (virtual in the simulator): an idle actor waits for it.
inline void let_time_pass(actor_system& sys, duration d) {
    struct time_keeper : actor<int> {
        void handle(actor_ref<int>, int, std::monostate&) {}
    };
    auto waiter = sys.spawn(time_keeper{});
    waiter.wait_for(d);
    waiter.stop_and_wait();
}

}  // namespace ractor::testing
