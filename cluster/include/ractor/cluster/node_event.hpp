#pragma once
/// \file
/// A peer node came up or went down, as node monitors are told.

#include <cstdint>
#include <string>

namespace ractor::cluster {

/// What `node::monitor_nodes` watchers receive (Erlang's nodeup / nodedown).
struct node_event {
    enum class kind : std::uint8_t { up, down };
    kind what = kind::up;
    std::string node;    ///< the peer's name
    std::string reason;  ///< why it went down (empty for up)
};

}  // namespace ractor::cluster
