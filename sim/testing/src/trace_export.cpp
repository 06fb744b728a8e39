#include <ractor/sim/trace_export.hpp>

#include <nlohmann/json.hpp>

#include <ractor/sim/run_program.hpp>

// Trace export: the format names, JSON lines, and the dispatch to a format. Perfetto is in
// trace_perfetto.cpp, HTML in trace_html.cpp, what they share in trace_export_common.cpp.

namespace ractor::sim {
namespace {

using json = nlohmann::json;

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
