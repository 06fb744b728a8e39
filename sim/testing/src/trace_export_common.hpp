#pragma once
// What the trace exports share: message matching, tracks, display times and actor labels.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ractor/sim/recorded_event.hpp>
#include <ractor/sim/trace_export.hpp>

namespace ractor::sim::internal {

inline constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

/// An actor's track: the node it lives on and its local id (0: code outside actors).
using track = std::pair<std::uint64_t, std::uint64_t>;

/// Which receive each send became: `receive_of[i]` for a send event i (none: dropped, e.g.
/// queued when the receiver stopped), and `send_of[j]` for a receive event j.
///
/// Both ends are recorded by the receiver's node (send: actor = target, peer = sender;
/// receive: actor = receiver, peer = sender), and messages from one sender arrive in the
/// order sent, so the k-th receive of a (sender, receiver) pair is its k-th send.
struct message_matching {
    std::vector<std::size_t> receive_of;
    std::vector<std::size_t> send_of;
};

message_matching match_messages(std::span<const recorded_event> events);

/// The track an event is drawn on: a send on its sender's, everything else on its actor's.
track track_of(const recorded_event& e);

/// For a simulated network frame's `send` (+1) or `deliver` (-1), its direction; 0 for
/// every other event. Both carry the frame's packet id as `peer`.
int frame_direction(const recorded_event& e);

/// Scheduling internals (fiber parks and wakes) that the diagrams leave out.
bool is_internal(const recorded_event& e);

/// Display time of every event in nanoseconds: virtual time plus `width` per step plus one
/// per earlier event of the same step, so that the order of events is kept on the axis.
std::vector<std::int64_t> display_times(std::span<const recorded_event> events, std::int64_t width);

std::string node_label(const export_info& info, std::uint64_t node);

/// `type` without namespace qualifiers, anonymous namespaces included:
/// "std::variant<int, app::(anonymous namespace)::get>" reads "variant<int, get>".
std::string unqualified(std::string_view type);

/// The kind of `e` and its text, if any: "fault: drop ...".
std::string instant_name(const recorded_event& e);

/// What the `spawn` events say about each actor ("kind=K; message=M[; name=N]"): a label
/// for its track, the message type it receives, and whether it is a library actor: one of
/// the cluster layer's own (sessions, proxies, the acceptor, the agent).
class actor_directory {
public:
    explicit actor_directory(std::span<const recorded_event> events) {
        for (const auto& e : events) {
            if (e.kind == trace_kind::spawn && !e.text.empty()) {
                actors_[{e.node, e.actor}] = parse(e.text);
            }
        }
    }

    /// "ping #1" for a registered actor, "player #4" (its kind) for another, "actor 7" for
    /// one whose spawn is not in the trace, "outside actors" for a node's own code.
    std::string label(const track& t) const {
        if (t.second == 0) {
            return "outside actors";
        }
        const auto it = actors_.find(t);
        if (it == actors_.end() || (it->second.name.empty() && it->second.kind.empty())) {
            return "actor " + std::to_string(t.second);
        }
        const identity& a = it->second;
        return (a.name.empty() ? unqualified(a.kind) : a.name) + " #" + std::to_string(t.second);
    }

    /// The unqualified message type of the actor on `t` ("ball"), cut to 48 characters (a
    /// variant of many requests); empty if unknown.
    std::string message(const track& t) const {
        const auto it = actors_.find(t);
        std::string m = it == actors_.end() ? std::string() : unqualified(it->second.message);
        return m.size() > 48 ? m.substr(0, 45) + "..." : m;
    }

    /// True for the cluster layer's own actors, which users did not spawn.
    bool library(const track& t) const {
        const auto it = actors_.find(t);
        return it != actors_.end() && it->second.kind.starts_with("ractor::cluster::");
    }

private:
    struct identity {
        std::string kind;
        std::string message;
        std::string name;
    };

    /// The fields of a spawn text; a text of another form is taken as the name.
    static identity parse(std::string_view text) {
        identity a;
        if (!text.starts_with("kind=")) {
            a.name = text;
            return a;
        }
        const std::size_t message = text.find("; message=");
        const std::size_t name =
            text.find("; name=", message == std::string_view::npos ? 0 : message);
        a.kind = text.substr(5, std::min(message, name) - 5);
        if (message != std::string_view::npos) {
            a.message = text.substr(message + 10,
                                    name == std::string_view::npos ? name : name - message - 10);
        }
        if (name != std::string_view::npos) {
            a.name = text.substr(name + 7);
        }
        return a;
    }

    std::map<track, identity> actors_;
};

}  // namespace ractor::sim::internal
