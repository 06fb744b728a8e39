#pragma once
// Private: one session over one connection, from the handshake to its end.

#include <memory>

#include <ractor/runtime/transport.hpp>

namespace ractor::cluster::detail {

class node_core;

/// How a session ended, which decides whether its dialler tries again.
enum class session_outcome : std::uint8_t {
    lost,        ///< connection trouble before or after the session was up: redial
    final,       ///< refused for a reason a redial will not fix (cookie, version, name)
    superseded,  ///< the peer is connected, or being connected, through another session
};

/// Runs the handshake on `conn` (as dialler or acceptor), then serves the session until the
/// connection ends; `was_up` tells whether it got past the handshake.
session_outcome run_session(node_core& core, std::shared_ptr<connection> conn, bool dialler, bool& was_up);

}  // namespace ractor::cluster::detail
