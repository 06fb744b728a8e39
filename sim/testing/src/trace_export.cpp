#include <ractor/sim/trace_export.hpp>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include <ractor/sim/hex.hpp>
#include <ractor/sim/run_program.hpp>

namespace ractor::sim {
namespace {

using json = nlohmann::json;

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

/// Added to the Perfetto sort index of library actors' tracks, so they follow the user's.
constexpr std::uint64_t library_sort_offset = std::uint64_t{1} << 40;

/// The most events the HTML page draws: a browser draws a few thousand marks comfortably.
constexpr std::size_t max_html_events = 6000;

/// An actor's track: the node it lives on and its local id (0: code outside actors).
using track = std::pair<std::uint64_t, std::uint64_t>;

/// Which receive each send became: `receive_of[i]` for a send event i (none: dropped, e.g.
/// queued when the receiver stopped), and `send_of[j]` for a receive event j.
///
/// Both ends are recorded by the receiver's node (send: actor = target, peer = sender;
/// receive: actor = receiver, peer = sender), and messages from one sender arrive in the
/// order sent, so the k-th receive of a (sender, receiver) pair is its k-th send.
struct message_matching {
    std::vector<std::size_t> receive_of;
    std::vector<std::size_t> send_of;
};

message_matching match_messages(std::span<const recorded_event> events) {
    message_matching m{std::vector<std::size_t>(events.size(), none),
                       std::vector<std::size_t>(events.size(), none)};
    std::map<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>, std::deque<std::size_t>> in_flight;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const recorded_event& e = events[i];
        if (e.kind == trace_kind::send) {
            in_flight[{e.node, e.peer, e.actor}].push_back(i);
        } else if (e.kind == trace_kind::receive) {
            auto it = in_flight.find({e.node, e.peer, e.actor});
            if (it != in_flight.end() && !it->second.empty()) {
                m.send_of[i] = it->second.front();
                m.receive_of[it->second.front()] = i;
                it->second.pop_front();
            }
        }
    }
    return m;
}

/// The track an event is drawn on: a send on its sender's, everything else on its actor's.
track track_of(const recorded_event& e) {
    if (e.kind == trace_kind::send) {
        return {e.node, e.peer};
    }
    if (e.kind == trace_kind::park || e.kind == trace_kind::wake || e.kind == trace_kind::timer) {
        return {e.node, 0};
    }
    return {e.node, e.actor};
}

/// For a simulated network frame's `send` (+1) or `deliver` (-1), its direction; 0 for
/// every other event. Both carry the frame's packet id as `peer`.
int frame_direction(const recorded_event& e) {
    if (e.kind != trace_kind::net || e.peer == 0) {
        return 0;
    }
    return e.text.starts_with("send ") ? 1 : e.text.starts_with("deliver ") ? -1 : 0;
}

/// Scheduling internals (fiber parks and wakes) that the diagrams leave out.
bool is_internal(const recorded_event& e) {
    return e.kind == trace_kind::park || e.kind == trace_kind::wake;
}

/// Display time of every event in nanoseconds: virtual time plus `width` per step plus one
/// per earlier event of the same step, so that the order of events is kept on the axis.
std::vector<std::int64_t> display_times(std::span<const recorded_event> events, std::int64_t width) {
    std::vector<std::int64_t> out(events.size());
    std::int64_t within = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        within = (i > 0 && events[i - 1].step == e.step) ? within + 1 : 0;
        const std::int64_t sub = width > 1 ? std::min<std::int64_t>(within, width - 1) : 0;
        out[i] = e.time_ns + static_cast<std::int64_t>(e.step) * width + sub;
    }
    return out;
}

std::string node_label(const export_info& info, std::uint64_t node) {
    std::string out = "node " + std::to_string(node);
    if (node >= 1 && node <= info.node_names.size()) {
        out += " (" + info.node_names[node - 1] + ")";
    }
    return out;
}

/// `type` without namespace qualifiers, anonymous namespaces included:
/// "std::variant<int, app::(anonymous namespace)::get>" reads "variant<int, get>".
std::string unqualified(std::string_view type) {
    std::string out;
    std::size_t word = 0;  // where the identifier being copied starts in `out`
    for (std::size_t i = 0; i < type.size(); ++i) {
        if (type.compare(i, 2, "::") == 0) {
            out.resize(word);
            ++i;
            continue;
        }
        if (type[i] == '(') {
            const std::size_t close = type.find(')', i);
            if (close != std::string_view::npos && type.compare(close + 1, 2, "::") == 0) {
                i = close + 2;
                continue;
            }
        }
        out += type[i];
        if (!std::isalnum(static_cast<unsigned char>(type[i])) && type[i] != '_') {
            word = out.size();
        }
    }
    return out;
}

/// What the `spawn` events say about each actor ("kind=K; message=M[; name=N]"): a label
/// for its track, the message type it receives, and whether it is a library actor: one of
/// the cluster layer's own (sessions, proxies, the acceptor, the agent).
class actor_directory {
public:
    explicit actor_directory(std::span<const recorded_event> events) {
        for (const auto& e : events) {
            if (e.kind == trace_kind::spawn && !e.text.empty()) {
                actors_[{e.node, e.actor}] = parse(e.text);
            }
        }
    }

    /// "ping #1" for a registered actor, "player #4" (its kind) for another, "actor 7" for
    /// one whose spawn is not in the trace, "outside actors" for a node's own code.
    std::string label(const track& t) const {
        if (t.second == 0) {
            return "outside actors";
        }
        const auto it = actors_.find(t);
        if (it == actors_.end() || (it->second.name.empty() && it->second.kind.empty())) {
            return "actor " + std::to_string(t.second);
        }
        const identity& a = it->second;
        return (a.name.empty() ? unqualified(a.kind) : a.name) + " #" + std::to_string(t.second);
    }

    /// The unqualified message type of the actor on `t` ("ball"), cut to 48 characters (a
    /// variant of many requests); empty if unknown.
    std::string message(const track& t) const {
        const auto it = actors_.find(t);
        std::string m = it == actors_.end() ? std::string() : unqualified(it->second.message);
        return m.size() > 48 ? m.substr(0, 45) + "..." : m;
    }

    /// True for the cluster layer's own actors, which users did not spawn.
    bool library(const track& t) const {
        const auto it = actors_.find(t);
        return it != actors_.end() && it->second.kind.starts_with("ractor::cluster::");
    }

private:
    struct identity {
        std::string kind;
        std::string message;
        std::string name;
    };

    /// The fields of a spawn text; a text of another form is taken as the name.
    static identity parse(std::string_view text) {
        identity a;
        if (!text.starts_with("kind=")) {
            a.name = text;
            return a;
        }
        const std::size_t message = text.find("; message=");
        const std::size_t name = text.find("; name=", message == std::string_view::npos ? 0 : message);
        a.kind = text.substr(5, std::min(message, name) - 5);
        if (message != std::string_view::npos) {
            a.message = text.substr(message + 10, name == std::string_view::npos ? name : name - message - 10);
        }
        if (name != std::string_view::npos) {
            a.name = text.substr(name + 7);
        }
        return a;
    }

    std::map<track, identity> actors_;
};

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

std::string instant_name(const recorded_event& e) {
    std::string out = kind_name(e.kind);
    if (!e.text.empty()) {
        out += ": " + e.text;
    }
    return out;
}

const char* instant_category(trace_kind k) {
    switch (k) {
    case trace_kind::fault: return "fault";
    case trace_kind::supervision:
    case trace_kind::link:
    case trace_kind::unlink:
    case trace_kind::monitor: return "supervision";
    case trace_kind::fail:
    case trace_kind::spawn_failed: return "failure";
    case trace_kind::timer: return "timer";
    case trace_kind::user: return "user";
    case trace_kind::net: return "net";
    default: return "lifecycle";
    }
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

}  // namespace

std::optional<trace_format> parse_trace_format(std::string_view name) {
    if (name == "jsonl") {
        return trace_format::jsonl;
    }
    if (name == "perfetto") {
        return trace_format::perfetto;
    }
    if (name == "html") {
        return trace_format::html;
    }
    return std::nullopt;
}

void write_jsonl(std::ostream& out, std::span<const recorded_event> events) {
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        out << "{\"seq\":" << i << ",\"step\":" << e.step << ",\"t_ns\":" << e.time_ns
            << ",\"node\":" << e.node << ",\"kind\":\"" << kind_name(e.kind)
            << "\",\"actor\":" << e.actor << ",\"peer\":" << e.peer << ",\"value\":" << e.value
            << ",\"text\":" << json(e.text).dump(-1, ' ', false, json::error_handler_t::replace)
            << "}\n";
    }
}

void write_perfetto(std::ostream& out, std::span<const recorded_event> events,
                    const export_info& info) {
    const message_matching m = match_messages(events);
    const std::vector<std::int64_t> ts = display_times(events, info.step_width_ns);
    const std::int64_t slice_ns = std::max<std::int64_t>(info.step_width_ns / 2, 1);
    bool first = true;
    auto emit = [&](const json& j) {
        out << (first ? "\n" : ",\n") << j.dump(-1, ' ', false, json::error_handler_t::replace);
        first = false;
    };
    out << "{\"displayTimeUnit\":\"ns\",\"otherData\":"
        << json{{"program", info.program},
                {"seed", info.seed},
                {"trace_hash", hex(info.trace_hash)},
                {"time_axis", "virtual time + " + std::to_string(info.step_width_ns) +
                                  " ns per scheduling step; args.t_ns is the exact virtual time"}}
               .dump(-1, ' ', false, json::error_handler_t::replace)
        << ",\"traceEvents\":[";
    const actor_directory actors(events);
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
            emit({{"ph", "M"}, {"name", "process_name"}, {"pid", t.first}, {"tid", 0}, {"ts", 0},
                  {"args", {{"name", node_label(info, t.first)}}}});
        }
        // Library actors are grouped after the user's actors of their node.
        const bool library = actors.library(t);
        emit({{"ph", "M"}, {"name", "thread_name"}, {"pid", t.first}, {"tid", t.second}, {"ts", 0},
              {"args", {{"name", (library ? "[library] " : "") + actors.label(t)}}}});
        emit({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", t.first}, {"tid", t.second},
              {"ts", 0}, {"args", {{"sort_index", t.second + (library ? library_sort_offset : 0)}}}});
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        if (is_internal(e)) {
            continue;
        }
        const auto [pid, tid] = track_of(e);
        if (e.kind == trace_kind::send || e.kind == trace_kind::receive) {
            const bool send = e.kind == trace_kind::send;
            const std::string message = actors.message({e.node, e.actor});
            const std::string name = (send ? "send " : "receive ") + message + (message.empty() ? "" : " ") +
                                     (send ? "to " + actors.label({e.node, e.actor})
                                           : "from " + actors.label({e.node, e.peer}));
            json args = event_args(e, i);
            if (send && m.receive_of[i] == none) {
                args["dropped"] = true;
            }
            emit({{"ph", "X"}, {"cat", "message"}, {"name", name}, {"pid", pid}, {"tid", tid},
                  {"ts", micros(ts[i])}, {"dur", micros(slice_ns)}, {"args", args}});
            if (send && m.receive_of[i] != none) {
                emit({{"ph", "s"}, {"cat", "message"}, {"name", "message"}, {"id", i},
                      {"pid", pid}, {"tid", tid}, {"ts", micros(ts[i])}});
            } else if (!send && m.send_of[i] != none) {
                emit({{"ph", "f"}, {"bp", "e"}, {"cat", "message"}, {"name", "message"},
                      {"id", m.send_of[i]}, {"pid", pid}, {"tid", tid}, {"ts", micros(ts[i])}});
            }
            continue;
        }
        if (const int direction = frame_direction(e); direction != 0) {
            // A slice, so that the flow binds to it; flow ids above the event indices that
            // message flows use.
            emit({{"ph", "X"}, {"cat", "net"}, {"name", e.text}, {"pid", pid}, {"tid", tid},
                  {"ts", micros(ts[i])}, {"dur", micros(slice_ns)}, {"args", event_args(e, i)}});
            json flow{{"ph", direction > 0 ? "s" : "f"}, {"cat", "net"}, {"name", "frame"},
                      {"id", events.size() + e.peer}, {"pid", pid}, {"tid", tid}, {"ts", micros(ts[i])}};
            if (direction < 0) {
                flow["bp"] = "e";
            }
            emit(flow);
            continue;
        }
        emit({{"ph", "i"}, {"s", "t"}, {"cat", instant_category(e.kind)},
              {"name", instant_name(e)}, {"pid", pid}, {"tid", tid}, {"ts", micros(ts[i])},
              {"args", event_args(e, i)}});
    }
    out << "\n]}\n";
}

/// A lane's label, cut to fit its column.
std::string lane_label(std::string text) {
    return text.size() > 16 ? text.substr(0, 15) + "..." : text;
}

/// The events an HTML page draws, and what it leaves out.
struct html_window {
    std::vector<std::size_t> drawn;  ///< indices of the drawn events, ascending
    std::size_t first = 0;           ///< index of the window's first event
    std::size_t end = 0;             ///< one past the index of its last event
    std::size_t hidden_actors = 0;   ///< library actors left out
};

/// Up to `max_html_events` events from the window's start, leaving out parks and wakes
/// and, unless `show_library_actors`, the library actors' events. Without a given start,
/// a failed run's window ends a little after the failure, so that the failure is in view.
html_window html_window_of(std::span<const recorded_event> events, const export_info& info,
                           const actor_directory& actors) {
    html_window w;
    const std::size_t lead = max_html_events - max_html_events / 6;
    if (info.first_event) {
        w.first = std::min(*info.first_event, events.size());
    } else if (info.failure_at && *info.failure_at > lead) {
        w.first = *info.failure_at - lead;
    }
    std::set<track> hidden;
    w.end = w.first;
    for (; w.end < events.size() && w.drawn.size() < max_html_events; ++w.end) {
        const recorded_event& e = events[w.end];
        const track t = track_of(e);
        if (!info.show_library_actors && actors.library(t)) {
            hidden.insert(t);
        } else if (!is_internal(e)) {
            w.drawn.push_back(w.end);
        }
    }
    w.hidden_actors = hidden.size();
    return w;
}

/// The column of every drawn track: by node, the user's actors first, then library actors.
std::map<track, std::size_t> html_columns(std::span<const recorded_event> events,
                                          const std::vector<std::size_t>& drawn,
                                          const actor_directory& actors) {
    std::set<std::tuple<std::uint64_t, bool, std::uint64_t>> order;
    for (std::size_t i : drawn) {
        const track t = track_of(events[i]);
        order.insert({t.first, actors.library(t), t.second});
    }
    std::map<track, std::size_t> column;
    for (const auto& [node, library, actor] : order) {
        column.emplace(track{node, actor}, column.size());
    }
    return column;
}

void write_html(std::ostream& out, std::span<const recorded_event> all_events,
                const export_info& info) {
    const message_matching m = match_messages(all_events);
    const actor_directory actors(all_events);
    const html_window window = html_window_of(all_events, info, actors);
    const std::vector<std::size_t>& drawn = window.drawn;
    const std::map<track, std::size_t> column = html_columns(all_events, drawn, actors);
    // Rows: a new one per step, or when a labelled mark would land on a column that already
    // has a mark in the current row (message dots may share a row).
    std::vector<std::size_t> row_of(all_events.size(), none);
    std::vector<std::size_t> row_first;  // first drawn event of each row
    std::size_t failure_row = none;
    {
        std::map<std::size_t, bool> used;  // column -> holds a labelled mark
        std::uint64_t step = 0;
        for (std::size_t i : drawn) {
            const auto& e = all_events[i];
            const std::size_t col = column.at(track_of(e));
            const bool labelled = e.kind != trace_kind::send && e.kind != trace_kind::receive;
            const auto at = used.find(col);
            if (row_first.empty() || e.step != step ||
                (at != used.end() && (labelled || at->second))) {
                row_first.push_back(i);
                used.clear();
                step = e.step;
            }
            used[col] = used[col] || labelled;
            row_of[i] = row_first.size() - 1;
            if (info.failure_at && failure_row == none && i >= *info.failure_at) {
                failure_row = row_of[i];
            }
        }
    }
    constexpr int left = 110;
    constexpr int top = 60;
    constexpr int col_w = 96;
    constexpr int row_h = 16;
    const int width = left + static_cast<int>(column.size()) * col_w + 20;
    const int height = top + static_cast<int>(row_first.size()) * row_h + 30;
    auto x_of = [&](const track& t) { return left + static_cast<int>(column.at(t)) * col_w + col_w / 2; };
    auto y_of = [&](std::size_t row) { return top + static_cast<int>(row) * row_h + row_h / 2; };

    const std::string title = "ractor-sim: " + info.program + " seed " + std::to_string(info.seed);
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
        << xml_escape(title) << "</title>\n<style>\n"
        << "body{font-family:sans-serif;margin:12px;background:#fff;color:#222}\n"
        << "h1{font-size:18px;margin:0 0 4px}\n.info{font-size:13px;color:#555;margin:0 0 6px}\n"
        << ".verdict{font-size:14px;color:#c53030;font-weight:bold;margin:0 0 6px}\n"
        << ".legend span{margin-right:14px;font-size:13px}\n"
        << "svg text{font-family:sans-serif}\n"
        << ".lane{stroke:#bbb;stroke-width:1}\n.msg{stroke:#2b6cb0;stroke-width:1.3;fill:none}\n"
        << ".dropped{stroke:#999;stroke-dasharray:4 3}\n"
        << ".col{font-size:11px;font-weight:bold;text-anchor:middle}\n"
        << ".node{font-size:10px;fill:#666;text-anchor:middle}\n"
        << ".time{font-size:10px;fill:#666}\n.label{font-size:10px;fill:#333}\n"
        << ".failure{stroke:#c53030;stroke-width:1.5;stroke-dasharray:6 4}\n"
        << "</style>\n</head>\n<body>\n<h1>" << xml_escape(title) << "</h1>\n";
    if (!info.verdict.empty()) {
        out << "<p class=\"verdict\">" << xml_escape(info.verdict) << "</p>\n";
    }
    out << "<p class=\"info\">trace hash " << hex(info.trace_hash) << " &middot; "
        << all_events.size() << " events";
    if (window.first > 0 || window.end < all_events.size()) {
        out << " &middot; events #" << window.first << " to #"
            << (window.end == 0 ? 0 : window.end - 1) << " drawn (at most " << max_html_events
            << "; export with --from N for another window)";
    }
    if (window.hidden_actors > 0) {
        out << " &middot; " << window.hidden_actors
            << " library actors (cluster sessions, proxies, acceptor, agent) hidden; export "
               "with --show-library-actors to draw them";
    }
    out << " &middot; time runs downwards, one row per scheduling step; the left column "
           "shows virtual time and step. Hover a mark for the full event.</p>\n"
        << "<p class=\"legend\"><span style=\"color:#2b6cb0\">&#8594; message</span>"
        << "<span style=\"color:#999\">- - dropped message</span>"
        << "<span style=\"color:#2f855a\">&#9679; spawn/start</span>"
        << "<span style=\"color:#c53030\">&#10006; failure</span>"
        << "<span style=\"color:#dd6b20\">&#9650; fault</span>"
        << "<span style=\"color:#6b46c1\">&#9670; supervision</span>"
        << "<span style=\"color:#4a5568\">&#9632; stop/terminate</span>"
        << "<span style=\"color:#718096\">&#9675; timer/signal/other</span></p>\n";
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
        << height << "\" viewBox=\"0 0 " << width << " " << height << "\">\n"
        << "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
           "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
           "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#2b6cb0\"/></marker></defs>\n"
        << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height
        << "\" fill=\"#fff\"/>\n";
    for (const auto& [t, c] : column) {
        const int x = x_of(t);
        out << "<text class=\"node\" x=\"" << x << "\" y=\"" << top - 30 << "\">"
            << xml_escape(node_label(info, t.first)) << "</text>\n"
            << "<text class=\"col\" x=\"" << x << "\" y=\"" << top - 16 << "\">"
            << xml_escape(lane_label(actors.label(t))) << "</text>\n"
            << "<line class=\"lane\" x1=\"" << x << "\" y1=\"" << top - 8 << "\" x2=\"" << x
            << "\" y2=\"" << height - 20 << "\"/>\n";
    }
    std::int64_t last_time = -1;
    for (std::size_t r = 0; r < row_first.size(); ++r) {
        const auto& e = all_events[row_first[r]];
        if (e.time_ns != last_time || r % 10 == 0) {
            char text[96];
            std::snprintf(text, sizeof text, "%.3f ms  step %llu",
                          static_cast<double>(e.time_ns) / 1e6,
                          static_cast<unsigned long long>(e.step));
            out << "<text class=\"time\" x=\"4\" y=\"" << y_of(r) + 3 << "\">" << text
                << "</text>\n";
            last_time = e.time_ns;
        }
    }
    if (failure_row != none) {
        const int y = y_of(failure_row) - row_h / 2;
        out << "<line class=\"failure\" x1=\"" << left - 6 << "\" y1=\"" << y << "\" x2=\""
            << width - 10 << "\" y2=\"" << y << "\"/>\n"
            << "<text class=\"time\" x=\"4\" y=\"" << y + 3
            << "\" style=\"fill:#c53030\">failure raised</text>\n";
    }
    // Messages first, so that marks are drawn over them.
    for (std::size_t i : drawn) {
        const auto& e = all_events[i];
        if (e.kind != trace_kind::send) {
            continue;
        }
        const int x1 = x_of(track_of(e));
        const int y1 = y_of(row_of[i]);
        const track target{e.node, e.actor};
        const std::size_t recv = m.receive_of[i];
        const std::string tip = xml_escape(to_string(e));
        if (recv != none && row_of[recv] != none && column.contains(target)) {
            out << "<line class=\"msg\" x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\""
                << x_of(target) << "\" y2=\"" << y_of(row_of[recv])
                << "\" marker-end=\"url(#arrow)\"><title>" << tip << "</title></line>\n";
        } else if (recv == none) {
            // A message never received: a dashed stub towards its target.
            const int x2 = column.contains(target) ? (x1 + x_of(target)) / 2 : x1 + col_w / 2;
            out << "<line class=\"msg dropped\" x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\""
                << x2 << "\" y2=\"" << y1 + row_h << "\"><title>dropped: " << tip
                << "</title></line>\n";
        }
    }
    for (std::size_t i : drawn) {
        const auto& e = all_events[i];
        const int x = x_of(track_of(e));
        const int y = y_of(row_of[i]);
        const std::string tip = "<title>#" + std::to_string(i) + " " + xml_escape(to_string(e)) + "</title>";
        std::string text;
        switch (e.kind) {
        case trace_kind::send:
        case trace_kind::receive:
            out << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"2.5\" fill=\"#2b6cb0\">"
                << tip << "</circle>\n";
            break;
        case trace_kind::spawn:
        case trace_kind::start:
            out << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"4.5\" fill=\"#2f855a\">"
                << tip << "</circle>\n";
            text = kind_name(e.kind);
            break;
        case trace_kind::fail:
        case trace_kind::spawn_failed:
            out << "<path d=\"M" << x - 6 << "," << y - 6 << " L" << x + 6 << "," << y + 6
                << " M" << x + 6 << "," << y - 6 << " L" << x - 6 << "," << y + 6
                << "\" stroke=\"#c53030\" stroke-width=\"3\">" << tip << "</path>\n";
            text = instant_name(e);
            break;
        case trace_kind::fault:
            out << "<path d=\"M" << x << "," << y - 7 << " L" << x + 7 << "," << y + 6 << " L"
                << x - 7 << "," << y + 6 << " z\" fill=\"#dd6b20\">" << tip << "</path>\n";
            text = instant_name(e);
            break;
        case trace_kind::supervision:
        case trace_kind::link:
        case trace_kind::unlink:
        case trace_kind::monitor:
            out << "<path d=\"M" << x << "," << y - 6 << " L" << x + 6 << "," << y << " L" << x
                << "," << y + 6 << " L" << x - 6 << "," << y << " z\" fill=\"#6b46c1\">" << tip
                << "</path>\n";
            text = instant_name(e);
            break;
        case trace_kind::stop:
        case trace_kind::terminate:
            out << "<rect x=\"" << x - 5 << "\" y=\"" << y - 5
                << "\" width=\"10\" height=\"10\" fill=\"#4a5568\">" << tip << "</rect>\n";
            text = instant_name(e);
            break;
        default:
            out << "<circle cx=\"" << x << "\" cy=\"" << y
                << "\" r=\"4\" fill=\"#fff\" stroke=\"#718096\" stroke-width=\"1.5\">" << tip
                << "</circle>\n";
            text = instant_name(e);
            break;
        }
        if (!text.empty()) {
            // Labels stay within their column.
            if (text.size() > 17) {
                text = text.substr(0, 16) + "...";
            }
            out << "<text class=\"label\" x=\"" << x + 8 << "\" y=\"" << y + 3 << "\">"
                << xml_escape(text) << "</text>\n";
        }
    }
    out << "</svg>\n</body>\n</html>\n";
}

export_info export_info_of(const run_report& r, std::string_view program_name) {
    export_info info;
    info.program = program_name;
    info.seed = r.options.seed;
    info.trace_hash = r.trace_hash;
    info.node_names = r.node_names;
    if (!r.passed()) {
        info.verdict = std::string(to_string(r.outcome)) + ": " + r.message;
        info.failure_at = r.failure_at;
    }
    return info;
}

void write_trace(std::ostream& out, trace_format format, std::span<const recorded_event> events,
                 const export_info& info) {
    switch (format) {
    case trace_format::jsonl: write_jsonl(out, events); return;
    case trace_format::perfetto: write_perfetto(out, events, info); return;
    case trace_format::html: write_html(out, events, info); return;
    }
}

void write_trace(std::ostream& out, trace_format format, const run_report& r,
                 std::string_view program_name) {
    write_trace(out, format, r.events, export_info_of(r, program_name));
}

}  // namespace ractor::sim
