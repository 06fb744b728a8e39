#pragma once
// Small actors the conformance suites share: a log, a gate that holds callers, and a probe
// that records supervision events.

#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <ractor/ractor.hpp>

namespace ractor::testing {

/// `std::visit` with a set of lambdas.
template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

/// A thread-safe list of lines that actors append to and the test reads after waiting.
class shared_log {
public:
    void add(std::string line) {
        std::lock_guard g(mutex_);
        lines_.push_back(std::move(line));
    }
    std::vector<std::string> lines() const {
        std::lock_guard g(mutex_);
        return lines_;
    }
    bool contains(const std::string& line) const {
        std::lock_guard g(mutex_);
        for (const auto& l : lines_) if (l == line) return true;
        return false;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};
using log_ptr = std::shared_ptr<shared_log>;
inline log_ptr make_log() { return std::make_shared<shared_log>(); }

// ---- gate: holds `pass` calls until released ---------------------------------------------

namespace gate_msg {
struct pass { reply_port<int> port; };          ///< held until `open`
struct open {};                                 ///< answers every held and future pass
struct await_holding { reply_port<int> port; }; ///< answered once a pass is held
}  // namespace gate_msg
using gate_message = std::variant<gate_msg::pass, gate_msg::open, gate_msg::await_holding>;

struct gate_state {
    bool open = false;
    std::vector<reply_port<int>> held;
    std::vector<reply_port<int>> watchers;
};

/// An actor that blocks its callers until it is opened: a way to hold a handler parked.
struct gate : actor<gate_message, gate_state> {
    void handle(actor_ref<gate_message>, gate_message msg, gate_state& s) {
        std::visit(overloaded{
                       [&](gate_msg::pass& p) {
                           if (s.open) { p.port.send(1); return; }
                           s.held.push_back(std::move(p.port));
                           for (auto& w : s.watchers) w.send(1);
                           s.watchers.clear();
                       },
                       [&](gate_msg::open&) {
                           s.open = true;
                           for (auto& h : s.held) h.send(1);
                           s.held.clear();
                       },
                       [&](gate_msg::await_holding& a) {
                           if (!s.held.empty()) a.port.send(1);
                           else s.watchers.push_back(std::move(a.port));
                       },
                   },
                   msg);
    }
};

/// Blocks the calling handler until `g` opens (or the caller is killed).
inline void pass_gate(const actor_ref<gate_message>& g) {
    g.call([](reply_port<int> p) { return gate_message{gate_msg::pass{std::move(p)}}; }).value();
}
/// Returns once some handler is held at `g`.
inline void await_holding(const actor_ref<gate_message>& g) {
    g.call([](reply_port<int> p) { return gate_message{gate_msg::await_holding{std::move(p)}}; }).value();
}
inline void open_gate(const actor_ref<gate_message>& g) { g.cast(gate_msg::open{}); }

// ---- probe: records supervision events ----------------------------------------------------

/// One supervision event as a probe saw it.
struct seen_event {
    supervision_event::kind what;
    actor_id who;
    std::string reason;
    std::optional<int> int_state;  ///< the final state, if it was an int
    bool from_monitor;
    std::string group;  ///< group_changed: "joined|left scope/group <ids>"
};

/// A group change as one line, e.g. "joined default/workers <1.3> <1.4>".
inline std::string describe(const group_change& c) {
    std::string out = (c.what == group_change::kind::joined ? "joined " : "left ") + c.scope + "/" + c.group;
    for (const auto& a : c.actors) out += " " + a.id().to_string();
    return out;
}

namespace probe_msg {
struct events { reply_port<std::vector<seen_event>> port; };
struct monitor { any_actor_ref target; };
struct unmonitor { any_actor_ref target; };
struct await_events { std::size_t count; reply_port<std::vector<seen_event>> port; };
}  // namespace probe_msg
using probe_message =
    std::variant<probe_msg::events, probe_msg::monitor, probe_msg::unmonitor, probe_msg::await_events>;

struct probe_state {
    std::vector<seen_event> seen;
    std::optional<probe_msg::await_events> waiting;
    void answer_if_ready() {
        if (waiting && seen.size() >= waiting->count) {
            waiting->port.send(seen);
            waiting.reset();
        }
    }
};

/// A supervisor that only records the events it gets (it never escalates), and can be
/// asked for them, or to wait until it has seen some number of them.
struct probe : actor<probe_message, probe_state> {
    void handle(actor_ref<probe_message> self, probe_message msg, probe_state& s) {
        std::visit(overloaded{
                       [&](probe_msg::events& e) { e.port.send(s.seen); },
                       [&](probe_msg::monitor& m) { self.monitor(m.target); },
                       [&](probe_msg::unmonitor& m) { self.unmonitor(m.target); },
                       [&](probe_msg::await_events& a) {
                           s.waiting = std::move(a);
                           s.answer_if_ready();
                       },
                   },
                   msg);
    }
    void handle_supervisor_evt(actor_ref<probe_message>, const supervision_event& e, probe_state& s) {
        const int* st = e.state.get<int>();
        s.seen.push_back({e.what, e.actor ? e.actor.id() : actor_id{}, e.reason,
                          st ? std::optional<int>(*st) : std::nullopt, e.from_monitor,
                          e.group ? describe(*e.group) : std::string()});
        s.answer_if_ready();
    }
};

inline std::vector<seen_event> events_of(const actor_ref<probe_message>& p) {
    return p.call([](reply_port<std::vector<seen_event>> r) { return probe_message{probe_msg::events{std::move(r)}}; })
        .value();
}
/// The probe's events once it has seen at least `n`.
inline std::vector<seen_event> await_events(const actor_ref<probe_message>& p, std::size_t n) {
    return p.call([n](reply_port<std::vector<seen_event>> r) {
                return probe_message{probe_msg::await_events{n, std::move(r)}};
            })
        .value();
}

}  // namespace ractor::testing
