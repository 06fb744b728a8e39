#include "trace_export_common.hpp"

#include <algorithm>
#include <cctype>
#include <deque>
#include <tuple>

namespace ractor::sim::internal {

message_matching match_messages(std::span<const recorded_event> events) {
    message_matching m{std::vector<std::size_t>(events.size(), none),
                       std::vector<std::size_t>(events.size(), none)};
    std::map<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>, std::deque<std::size_t>>
        in_flight;
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

track track_of(const recorded_event& e) {
    if (e.kind == trace_kind::send) {
        return {e.node, e.peer};
    }
    if (e.kind == trace_kind::park || e.kind == trace_kind::wake || e.kind == trace_kind::timer) {
        return {e.node, 0};
    }
    return {e.node, e.actor};
}

int frame_direction(const recorded_event& e) {
    if (e.kind != trace_kind::net || e.peer == 0) {
        return 0;
    }
    return e.text.starts_with("send ") ? 1 : e.text.starts_with("deliver ") ? -1 : 0;
}

bool is_internal(const recorded_event& e) {
    return e.kind == trace_kind::park || e.kind == trace_kind::wake;
}

std::vector<std::int64_t> display_times(std::span<const recorded_event> events,
                                        std::int64_t width) {
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

std::string instant_name(const recorded_event& e) {
    std::string out = kind_name(e.kind);
    if (!e.text.empty()) {
        out += ": " + e.text;
    }
    return out;
}

}  // namespace ractor::sim::internal
