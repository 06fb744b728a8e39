#pragma once
/// \file
/// The trace role: a record of what happened, hashed by the simulator for determinism checks.

#include <cstdint>
#include <string_view>

namespace ractor {

/// What kind of thing a trace event records.
enum class trace_kind : std::uint16_t {
    spawn,           ///< actor created (peer: supervisor or 0; text: "kind=K; message=M[; name=N]")
    start,           ///< pre_start succeeded
    spawn_failed,    ///< pre_start threw (text: exception text)
    send,            ///< message queued (actor: target, peer: sender)
    receive,         ///< handler invoked for a message (actor: receiver, peer: sender)
    signal,          ///< stop/kill/drain requested (text: which)
    supervision,     ///< supervision event delivered (peer: the child, text: kind)
    fail,            ///< a callback threw (text: exception text)
    stop,            ///< actor entered stopping (text: reason)
    terminate,       ///< actor reached stopped
    link,            ///< actor linked to supervisor peer
    unlink,          ///< actor unlinked from supervisor peer
    monitor,         ///< actor started monitoring peer
    timer,           ///< a timer fired (value: timer id)
    park,            ///< a handler parked
    wake,            ///< a parked handler woke (value: wake_reason)
    fault,           ///< the simulator injected a fault (text: which)
    user,            ///< user-defined event
    /// the simulated network moved a frame or a connection (value: connection id; peer: the
    /// packet id, which a frame's `send` and its `deliver`s share; text: what)
    net,
};

/// One recorded event. `text` is only valid during `record`.
struct trace_event {
    trace_kind kind;
    std::uint64_t actor = 0;  ///< actor id this event is about (0: none)
    std::uint64_t peer = 0;   ///< the other actor involved (0: none)
    std::uint64_t value = 0;  ///< kind-specific number
    std::string_view text{};  ///< kind-specific text
};

/// Receives trace events. The simulator records and hashes every event; asio records
/// only when asked to. Only the owning node's code calls `record`.
class trace_sink {
public:
    virtual ~trace_sink() = default;

    /// Records one event.
    virtual void record(const trace_event& e) = 0;
};

}  // namespace ractor
