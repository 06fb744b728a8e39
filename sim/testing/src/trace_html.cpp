#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include <ractor/sim/hex.hpp>
#include <ractor/sim/trace_export.hpp>

#include "trace_export_common.hpp"

// The HTML export: a page with an SVG message spacetime diagram.

namespace ractor::sim {
namespace {

using namespace internal;

/// The most events the HTML page draws: a browser draws a few thousand marks comfortably.
constexpr std::size_t max_html_events = 6000;

constexpr int left = 110;
constexpr int top = 60;
constexpr int col_w = 96;
constexpr int row_h = 16;

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
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

/// Where the drawn events go: a column per track and a row per step, or more.
struct html_layout {
    std::map<track, std::size_t> column;
    std::vector<std::size_t> row_of;     ///< by event index; none: not drawn
    std::vector<std::size_t> row_first;  ///< first drawn event of each row
    std::size_t failure_row = none;
    int width = 0;
    int height = 0;

    int x_of(const track& t) const {
        return left + static_cast<int>(column.at(t)) * col_w + col_w / 2;
    }
    int y_of(std::size_t row) const { return top + static_cast<int>(row) * row_h + row_h / 2; }
};

/// Rows: a new one per step, or when a labelled mark would land on a column that already
/// has a mark in the current row (message dots may share a row).
html_layout layout_of(std::span<const recorded_event> all_events,
                      const std::vector<std::size_t>& drawn, std::map<track, std::size_t> column,
                      const export_info& info) {
    html_layout l;
    l.column = std::move(column);
    l.row_of.assign(all_events.size(), none);
    std::map<std::size_t, bool> used;  // column -> holds a labelled mark
    std::uint64_t step = 0;
    for (std::size_t i : drawn) {
        const auto& e = all_events[i];
        const std::size_t col = l.column.at(track_of(e));
        const bool labelled = e.kind != trace_kind::send && e.kind != trace_kind::receive;
        const auto at = used.find(col);
        if (l.row_first.empty() || e.step != step ||
            (at != used.end() && (labelled || at->second))) {
            l.row_first.push_back(i);
            used.clear();
            step = e.step;
        }
        used[col] = used[col] || labelled;
        l.row_of[i] = l.row_first.size() - 1;
        if (info.failure_at && l.failure_row == none && i >= *info.failure_at) {
            l.failure_row = l.row_of[i];
        }
    }
    l.width = left + static_cast<int>(l.column.size()) * col_w + 20;
    l.height = top + static_cast<int>(l.row_first.size()) * row_h + 30;
    return l;
}

/// The page up to the diagram: styles, title, verdict, what is drawn and the legend.
void write_page_head(std::ostream& out, std::span<const recorded_event> all_events,
                     const export_info& info, const html_window& window) {
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
}

/// The diagram's frame: a lane per column, the time of the rows, the failure line.
void write_lanes(std::ostream& out, std::span<const recorded_event> all_events,
                 const export_info& info, const actor_directory& actors, const html_layout& l) {
    const int width = l.width;
    const int height = l.height;
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << " " << height << "\">\n"
        << "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
           "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
           "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#2b6cb0\"/></marker></defs>\n"
        << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height
        << "\" fill=\"#fff\"/>\n";
    for (const auto& [t, c] : l.column) {
        const int x = l.x_of(t);
        out << "<text class=\"node\" x=\"" << x << "\" y=\"" << top - 30 << "\">"
            << xml_escape(node_label(info, t.first)) << "</text>\n"
            << "<text class=\"col\" x=\"" << x << "\" y=\"" << top - 16 << "\">"
            << xml_escape(lane_label(actors.label(t))) << "</text>\n"
            << "<line class=\"lane\" x1=\"" << x << "\" y1=\"" << top - 8 << "\" x2=\"" << x
            << "\" y2=\"" << height - 20 << "\"/>\n";
    }
    std::int64_t last_time = -1;
    for (std::size_t r = 0; r < l.row_first.size(); ++r) {
        const auto& e = all_events[l.row_first[r]];
        if (e.time_ns != last_time || r % 10 == 0) {
            char text[96];
            std::snprintf(text, sizeof text, "%.3f ms  step %llu",
                          static_cast<double>(e.time_ns) / 1e6,
                          static_cast<unsigned long long>(e.step));
            out << "<text class=\"time\" x=\"4\" y=\"" << l.y_of(r) + 3 << "\">" << text
                << "</text>\n";
            last_time = e.time_ns;
        }
    }
    if (l.failure_row != none) {
        const int y = l.y_of(l.failure_row) - row_h / 2;
        out << "<line class=\"failure\" x1=\"" << left - 6 << "\" y1=\"" << y << "\" x2=\""
            << width - 10 << "\" y2=\"" << y << "\"/>\n"
            << "<text class=\"time\" x=\"4\" y=\"" << y + 3
            << "\" style=\"fill:#c53030\">failure raised</text>\n";
    }
}

/// An arrow per received message, a dashed stub per dropped one.
void write_messages(std::ostream& out, std::span<const recorded_event> all_events,
                    const std::vector<std::size_t>& drawn, const message_matching& m,
                    const html_layout& l) {
    for (std::size_t i : drawn) {
        const auto& e = all_events[i];
        if (e.kind != trace_kind::send) {
            continue;
        }
        const int x1 = l.x_of(track_of(e));
        const int y1 = l.y_of(l.row_of[i]);
        const track target{e.node, e.actor};
        const std::size_t recv = m.receive_of[i];
        const std::string tip = xml_escape(to_string(e));
        if (recv != none && l.row_of[recv] != none && l.column.contains(target)) {
            out << "<line class=\"msg\" x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\""
                << l.x_of(target) << "\" y2=\"" << l.y_of(l.row_of[recv])
                << "\" marker-end=\"url(#arrow)\"><title>" << tip << "</title></line>\n";
        } else if (recv == none) {
            // A message never received: a dashed stub towards its target.
            const int x2 = l.column.contains(target) ? (x1 + l.x_of(target)) / 2 : x1 + col_w / 2;
            out << "<line class=\"msg dropped\" x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\"" << x2
                << "\" y2=\"" << y1 + row_h << "\"><title>dropped: " << tip << "</title></line>\n";
        }
    }
}

/// Draws the mark of `e` at (x, y); returns its label, empty for a message dot.
std::string write_mark(std::ostream& out, const recorded_event& e, int x, int y,
                       const std::string& tip) {
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
            out << "<path d=\"M" << x - 6 << "," << y - 6 << " L" << x + 6 << "," << y + 6 << " M"
                << x + 6 << "," << y - 6 << " L" << x - 6 << "," << y + 6
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
    return text;
}

}  // namespace

void write_html(std::ostream& out, std::span<const recorded_event> all_events,
                const export_info& info) {
    const message_matching m = match_messages(all_events);
    const actor_directory actors(all_events);
    const html_window window = html_window_of(all_events, info, actors);
    const std::vector<std::size_t>& drawn = window.drawn;
    const html_layout l =
        layout_of(all_events, drawn, html_columns(all_events, drawn, actors), info);
    write_page_head(out, all_events, info, window);
    write_lanes(out, all_events, info, actors, l);
    // Messages first, so that marks are drawn over them.
    write_messages(out, all_events, drawn, m, l);
    for (std::size_t i : drawn) {
        const auto& e = all_events[i];
        const int x = l.x_of(track_of(e));
        const int y = l.y_of(l.row_of[i]);
        const std::string tip =
            "<title>#" + std::to_string(i) + " " + xml_escape(to_string(e)) + "</title>";
        std::string text = write_mark(out, e, x, y, tip);
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

}  // namespace ractor::sim
