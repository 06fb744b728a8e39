#pragma once
/// \file
/// Actor identity: which node, and which actor on that node.

#include <compare>
#include <cstdint>
#include <string>

namespace ractor {

/// Identifies an actor: the node that hosts it and a per-node counter (never an address).
struct actor_id {
    std::uint64_t node = 0;   ///< the hosting node's id
    std::uint64_t local = 0;  ///< counter owned by that node's actor system; 0 means "no actor"

    friend auto operator<=>(const actor_id&, const actor_id&) = default;

    /// `<node.local>`, the way Erlang prints a pid.
    std::string to_string() const {
        return "<" + std::to_string(node) + "." + std::to_string(local) + ">";
    }
};

}  // namespace ractor
