#pragma once
/// \file
/// Options of `actor_system::spawn`.

#include <cstddef>
#include <optional>
#include <string>

#include <ractor/any_actor_ref.hpp>

namespace ractor {

struct runtime;

/// How to spawn an actor. Use designated initializers: `{.name = "db", .supervisor = self}`.
struct spawn_options {
    /// A name unique on the node; spawning fails if it is taken.
    std::optional<std::string> name{};
    /// Link the new actor to this supervisor, which then gets a `started` event.
    any_actor_ref supervisor{};
    /// Bound of the message queue; 0 means unbounded. A cast to a full mailbox is refused
    /// with `send_status::mailbox_full`.
    std::size_t mailbox_capacity = 0;
    /// Erlang's `trap_exit` flag, for the stop its supervisor sends on shutdown. True (the
    /// default): the actor stops with reason `shutdown` and its post_stop runs, within the
    /// child's shutdown time. False: it dies at once with reason `shutdown`, without
    /// post_stop, like an OTP worker that does not trap exits. Any other stop or kill is
    /// unaffected.
    bool trap_exit = true;
    /// Runs the actor on this view of the system's runtime: the same executor and clock, but
    /// its own node id and trace sink. For actors that stand in for another node's actors
    /// (cluster proxies): their ids name that node, yet they belong to this system and die
    /// with it. Like any runtime it must outlive the system (a stopped actor may still touch
    /// it), so attach it to the system; null: the system's runtime.
    const runtime* runtime_view = nullptr;
};

}  // namespace ractor
