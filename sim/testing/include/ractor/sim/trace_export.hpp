#pragma once
/// \file
/// Trace export: JSON lines, Chrome/Perfetto trace-event JSON and an HTML spacetime diagram.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ractor/sim/recorded_event.hpp>

namespace ractor::sim {

struct run_report;

/// A format `write_trace` can produce.
enum class trace_format : std::uint8_t {
    jsonl,     ///< one JSON object per event (schema in docs/simulator.md)
    perfetto,  ///< Chrome trace-event JSON for ui.perfetto.dev or chrome://tracing
    html,      ///< a self-contained page with an SVG message spacetime diagram
};

/// The format named `name` ("jsonl", "perfetto" or "html"), if any.
std::optional<trace_format> parse_trace_format(std::string_view name);

/// What an export says about the run besides its events.
struct export_info {
    std::string program;                  ///< program name, shown in titles
    std::uint64_t seed = 0;
    std::uint64_t trace_hash = 0;
    std::vector<std::string> node_names;  ///< node id i is `node_names[i - 1]`
    /// Perfetto and HTML time axis: each scheduling step is drawn this many nanoseconds
    /// wide on top of the virtual time, so that the many events of one virtual instant
    /// stay apart and in order. 0 draws pure virtual time.
    std::int64_t step_width_ns = 1000;
    /// How the run ended, e.g. "failed: the audit saw ..."; shown by the HTML page.
    std::string verdict;
    /// Index of the first event after the failure was raised (`run_report::failure_at`);
    /// the HTML page draws a line there. Empty: no line.
    std::optional<std::size_t> failure_at;
    /// HTML: the index of the first event drawn. Empty: 0, or for a failed run a window
    /// that ends a little after the failure.
    std::optional<std::size_t> first_event;
    /// HTML: also draw the library actors (the cluster layer's sessions, proxies, acceptor
    /// and agent), which are hidden by default. Perfetto always shows them, after the
    /// user's actors of their node.
    bool show_library_actors = false;
};

/// Writes one JSON object per event, one per line:
/// `{"seq","step","t_ns","node","kind","actor","peer","value","text"}`.
void write_jsonl(std::ostream& out, std::span<const recorded_event> events);

/// Writes a trace-event JSON object: a track per actor (pid = node, tid = actor; tid 0 is
/// the node's code outside actors and its timers) named by its registered name or kind, a
/// slice per send and receive named by the message type and joined by a flow arrow,
/// instant markers for lifecycle, supervision, failures and faults.
void write_perfetto(std::ostream& out, std::span<const recorded_event> events,
                    const export_info& info);

/// Writes an HTML page with an inline SVG: one vertical line per actor (named as in
/// Perfetto, grouped by node), an arrow per message from its send to its receive, marks
/// for failures, faults, supervision events and lifecycle, and a tooltip with the full
/// event on every mark. Time runs downwards, one row per scheduling step (a step's events
/// share a row unless their labels would overlap). A window of at most 6,000 events is
/// drawn (`export_info::first_event`), and library actors only on request.
void write_html(std::ostream& out, std::span<const recorded_event> events,
                const export_info& info);

/// What an export of `r` says about it: `program_name`, the seed, hash and node names and,
/// for a failed run, its verdict and failure point.
export_info export_info_of(const run_report& r, std::string_view program_name);

/// Writes `events` in `format` with `info` (which JSON lines do not use).
void write_trace(std::ostream& out, trace_format format, std::span<const recorded_event> events,
                 const export_info& info);

/// Writes the events of `r` in `format`, with `export_info_of(r, program_name)`.
void write_trace(std::ostream& out, trace_format format, const run_report& r,
                 std::string_view program_name);

}  // namespace ractor::sim
