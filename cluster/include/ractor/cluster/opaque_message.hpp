#pragma once
/// \file
/// The message type of proxies for remote actors whose message type this node does not know.

namespace ractor::cluster {

/// The message type of a proxy for a remote actor whose message type is not registered here
/// (or not registered on its own node), as process-group sync creates them.
///
/// Such a proxy is a full member of the local process groups and can be monitored, linked and
/// stopped like any proxy, but nothing can be sent through it: no value of this type can be
/// made, so `actor_ref<opaque_message>::cast` does not compile, and `as<Msg>()` of a registered
/// `Msg` throws `wrong_message_type`. To talk to the actor, register its type on both nodes
/// and look it up with `node::where_is`.
class opaque_message {
public:
    opaque_message(const opaque_message&) = default;
    opaque_message(opaque_message&&) = default;
    opaque_message& operator=(const opaque_message&) = default;
    opaque_message& operator=(opaque_message&&) = default;

private:
    opaque_message() = default;
};

}  // namespace ractor::cluster
