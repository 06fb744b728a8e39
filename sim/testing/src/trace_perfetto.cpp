#include <algorithm>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include <ractor/sim/hex.hpp>
#include <ractor/sim/trace_export.hpp>

#include "trace_export_common.hpp"

// The Chrome/Perfetto trace-event export.

namespace ractor::sim {
namespace {

using json = nlohmann::json;
using namespace internal;

/// Added to the Perfetto sort index of library actors' tracks, so they follow the user's.
constexpr std::uint64_t library_sort_offset = std::uint64_t{1} << 40;

double micros(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

json event_args(const recorded_event& e, std::size_t seq) {
    json args{{"seq", seq}, {"step", e.step}, {"t_ns", e.time_ns}};
    if (e.peer != 0) {
        args["peer"] = e.peer;
    }
    if (e.value != 0) {
        args["value"] = e.value;
    }
    if (!e.text.empty()) {
        args["text"] = e.text;
    }
    return args;
}

const char* instant_category(trace_kind k) {
    switch (k) {
        case trace_kind::fault:
            return "fault";
        case trace_kind::supervision:
        case trace_kind::link:
        case trace_kind::unlink:
        case trace_kind::monitor:
            return "supervision";
        case trace_kind::fail:
        case trace_kind::spawn_failed:
            return "failure";
        case trace_kind::timer:
            return "timer";
        case trace_kind::user:
            return "user";
        case trace_kind::net:
            return "net";
        default:
            return "lifecycle";
    }
}

/// The elements of the `traceEvents` array, one a line.
class event_array {
public:
    explicit event_array(std::ostream& out) : out_(out) {}

    void emit(const json& j) {
        out_ << (first_ ? "\n" : ",\n") << j.dump(-1, ' ', false, json::error_handler_t::replace);
        first_ = false;
    }

private:
    std::ostream& out_;
    bool first_ = true;
};

/// The metadata of every process (node) and thread (actor track) that has events.
void emit_tracks(event_array& a, std::span<const recorded_event> events, const export_info& info,
                 const actor_directory& actors) {
    std::map<track, bool> tracks;
    for (const auto& e : events) {
        if (!is_internal(e)) {
            tracks[track_of(e)] = true;
        }
    }
    std::map<std::uint64_t, bool> nodes;
    for (const auto& [t, _] : tracks) {
        if (!nodes[t.first]) {
            nodes[t.first] = true;
            a.emit({{"ph", "M"},
                    {"name", "process_name"},
                    {"pid", t.first},
                    {"tid", 0},
                    {"ts", 0},
                    {"args", {{"name", node_label(info, t.first)}}}});
        }
        // Library actors are grouped after the user's actors of their node.
        const bool library = actors.library(t);
        a.emit({{"ph", "M"},
                {"name", "thread_name"},
                {"pid", t.first},
                {"tid", t.second},
                {"ts", 0},
                {"args", {{"name", (library ? "[library] " : "") + actors.label(t)}}}});
        a.emit({{"ph", "M"},
                {"name", "thread_sort_index"},
                {"pid", t.first},
                {"tid", t.second},
                {"ts", 0},
                {"args", {{"sort_index", t.second + (library ? library_sort_offset : 0)}}}});
    }
}

/// What one event draws on the timeline.
struct perfetto_event {
    const recorded_event& e;
    std::size_t i;  ///< its index in the trace
    double ts;      ///< its display time, in microseconds
    double dur;     ///< the width of a slice, in microseconds
    std::uint64_t pid;
    std::uint64_t tid;
};

/// A send or receive: a slice named by the message, joined to its other end by a flow.
void emit_message(event_array& a, const perfetto_event& p, const message_matching& m,
                  const actor_directory& actors) {
    const recorded_event& e = p.e;
    const std::size_t i = p.i;
    const bool send = e.kind == trace_kind::send;
    const std::string message = actors.message({e.node, e.actor});
    const std::string name =
        (send ? "send " : "receive ") + message + (message.empty() ? "" : " ") +
        (send ? "to " + actors.label({e.node, e.actor}) : "from " + actors.label({e.node, e.peer}));
    json args = event_args(e, i);
    if (send && m.receive_of[i] == none) {
        args["dropped"] = true;
    }
    a.emit({{"ph", "X"},
            {"cat", "message"},
            {"name", name},
            {"pid", p.pid},
            {"tid", p.tid},
            {"ts", p.ts},
            {"dur", p.dur},
            {"args", args}});
    if (send && m.receive_of[i] != none) {
        a.emit({{"ph", "s"},
                {"cat", "message"},
                {"name", "message"},
                {"id", i},
                {"pid", p.pid},
                {"tid", p.tid},
                {"ts", p.ts}});
    } else if (!send && m.send_of[i] != none) {
        a.emit({{"ph", "f"},
                {"bp", "e"},
                {"cat", "message"},
                {"name", "message"},
                {"id", m.send_of[i]},
                {"pid", p.pid},
                {"tid", p.tid},
                {"ts", p.ts}});
    }
}

/// A network frame's send or delivery: a slice, so that the flow binds to it; flow ids
/// above the event indices that message flows use.
void emit_frame(event_array& a, const perfetto_event& p, int direction, std::size_t event_count) {
    const recorded_event& e = p.e;
    a.emit({{"ph", "X"},
            {"cat", "net"},
            {"name", e.text},
            {"pid", p.pid},
            {"tid", p.tid},
            {"ts", p.ts},
            {"dur", p.dur},
            {"args", event_args(e, p.i)}});
    json flow{{"ph", direction > 0 ? "s" : "f"},
              {"cat", "net"},
              {"name", "frame"},
              {"id", event_count + e.peer},
              {"pid", p.pid},
              {"tid", p.tid},
              {"ts", p.ts}};
    if (direction < 0) {
        flow["bp"] = "e";
    }
    a.emit(flow);
}

}  // namespace

void write_perfetto(std::ostream& out, std::span<const recorded_event> events,
                    const export_info& info) {
    const message_matching m = match_messages(events);
    const std::vector<std::int64_t> ts = display_times(events, info.step_width_ns);
    const std::int64_t slice_ns = std::max<std::int64_t>(info.step_width_ns / 2, 1);
    out << "{\"displayTimeUnit\":\"ns\",\"otherData\":"
        << json{{"program", info.program},
                {"seed", info.seed},
                {"trace_hash", hex(info.trace_hash)},
                {"time_axis", "virtual time + " + std::to_string(info.step_width_ns) +
                                  " ns per scheduling step; args.t_ns is the exact virtual time"}}
               .dump(-1, ' ', false, json::error_handler_t::replace)
        << ",\"traceEvents\":[";
    const actor_directory actors(events);
    event_array a(out);
    emit_tracks(a, events, info, actors);
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        if (is_internal(e)) {
            continue;
        }
        const auto [pid, tid] = track_of(e);
        const perfetto_event p{e, i, micros(ts[i]), micros(slice_ns), pid, tid};
        if (e.kind == trace_kind::send || e.kind == trace_kind::receive) {
            emit_message(a, p, m, actors);
        } else if (const int direction = frame_direction(e); direction != 0) {
            emit_frame(a, p, direction, events.size());
        } else {
            a.emit({{"ph", "i"},
                    {"s", "t"},
                    {"cat", instant_category(e.kind)},
                    {"name", instant_name(e)},
                    {"pid", pid},
                    {"tid", tid},
                    {"ts", p.ts},
                    {"args", event_args(e, i)}});
        }
    }
    out << "\n]}\n";
}

}  // namespace ractor::sim
