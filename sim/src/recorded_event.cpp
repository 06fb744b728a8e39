#include <ractor/sim/recorded_event.hpp>

namespace ractor::sim {

const char* kind_name(trace_kind kind) noexcept {
    switch (kind) {
    case trace_kind::spawn: return "spawn";
    case trace_kind::start: return "start";
    case trace_kind::spawn_failed: return "spawn_failed";
    case trace_kind::send: return "send";
    case trace_kind::receive: return "receive";
    case trace_kind::signal: return "signal";
    case trace_kind::supervision: return "supervision";
    case trace_kind::fail: return "fail";
    case trace_kind::stop: return "stop";
    case trace_kind::terminate: return "terminate";
    case trace_kind::link: return "link";
    case trace_kind::unlink: return "unlink";
    case trace_kind::monitor: return "monitor";
    case trace_kind::timer: return "timer";
    case trace_kind::park: return "park";
    case trace_kind::wake: return "wake";
    case trace_kind::fault: return "fault";
    case trace_kind::user: return "user";
    case trace_kind::net: return "net";
    }
    return "unknown";
}

std::string to_string(const recorded_event& e) {
    std::string out = "step " + std::to_string(e.step) + " t=" + std::to_string(e.time_ns) +
                      "ns node " + std::to_string(e.node) + " " + kind_name(e.kind);
    if (e.actor != 0) {
        out += " actor=" + std::to_string(e.actor);
    }
    if (e.peer != 0) {
        out += " peer=" + std::to_string(e.peer);
    }
    if (e.value != 0) {
        out += " value=" + std::to_string(e.value);
    }
    if (!e.text.empty()) {
        out += " text=\"" + e.text + "\"";
    }
    return out;
}

}  // namespace ractor::sim
