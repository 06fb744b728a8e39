#pragma once
/// \file
/// A change of a process group's membership, as its monitors are told.

#include <cstdint>
#include <string>
#include <vector>

#include <ractor/any_actor_ref.hpp>

namespace ractor {

/// Actors joined or left a group (Erlang pg's monitor messages).
struct group_change {
    enum class kind : std::uint8_t { joined, left };
    kind what = kind::joined;
    std::string scope;
    std::string group;
    std::vector<any_actor_ref> actors;  ///< in the order given to join/leave
};

}  // namespace ractor
