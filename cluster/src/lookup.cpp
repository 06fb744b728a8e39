// Name lookups: this node's own registry, one peer's (a lookup frame and its reply), or the
// first connected node that has the name.
#include <ractor/detail/actor_cell.hpp>

#include <algorithm>

#include "fields.hpp"
#include "node_core.hpp"

namespace ractor::cluster::detail {

namespace {

/// The runtime of the calling actor (or the system's, outside actors): a lookup parks there.
const runtime& caller_rt(const actor_system& sys) {
    const auto* cell = ractor::detail::current_cell();
    return cell ? cell->rt() : sys.runtime();
}

}  // namespace

raw_lookup node_core::lookup_local(std::string_view actor_name, const std::type_info& type) const {
    auto a = sys.where_is(actor_name);
    if (!a) return {lookup_status::unknown_name, {}, "no actor named '" + std::string(actor_name) + "' on node " + opts.name};
    if (a->cell()->message_type() != type) {
        return {lookup_status::wrong_type, {}, "actor '" + std::string(actor_name) + "' on node " + opts.name +
                                                   " accepts another message type"};
    }
    return {lookup_status::found, *a, {}};
}

raw_lookup node_core::lookup(std::string_view node_name, std::string_view actor_name, const std::type_info& type,
                             std::optional<duration> timeout) {
    if (node_name == opts.name) return lookup_local(actor_name, type);
    const std::string wanted = type_name_of(type);
    if (wanted.empty()) return {lookup_status::unregistered, {}, "the message type was not registered with register_message"};
    peer_state* peer = nullptr;
    std::shared_ptr<link> via;
    {
        std::lock_guard g(mutex_);
        auto it = peers_.find(node_name);
        if (it != peers_.end() && it->second->current) {
            peer = it->second.get();
            via = peer->current;
        }
    }
    if (!via) return {lookup_status::unknown_node, {}, "not connected to node " + std::string(node_name)};
    const runtime& rt = caller_rt(sys);
    auto slot = std::make_shared<ractor::detail::reply_slot<json>>();
    slot->exec = &rt.executor;
    slot->token = rt.executor.prepare_park();
    const std::uint64_t tag = next_reply_tag(*peer);
    via->add_pending(tag, std::make_unique<port_pending_reply<json>>(reply_port<json>(slot)));
    via->send(frame_type::lookup, json{{"tag", tag}, {"name", actor_name}});
    const int state = ractor::detail::await_reply(*slot, rt.clock.now() + timeout.value_or(opts.lookup_timeout));
    if (state == ractor::detail::reply_slot_base::dropped) return {lookup_status::timeout, {}, slot->drop_reason};
    if (state != ractor::detail::reply_slot_base::done) {
        return {lookup_status::timeout, {}, "node " + std::string(node_name) + " did not answer the lookup in time"};
    }
    const json& answer = *slot->value;
    if (!answer.value("found", false)) {
        return {lookup_status::unknown_name, {}, "no actor named '" + std::string(actor_name) + "' on node " + std::string(node_name)};
    }
    const auto remote_type = answer.value("type", std::string());
    if (remote_type != wanted) {
        return {lookup_status::wrong_type, {}, "actor '" + std::string(actor_name) + "' on node " + std::string(node_name) +
                                                   " accepts " + (remote_type.empty() ? "an unregistered type" : "'" + remote_type + "'") +
                                                   ", not '" + wanted + "'"};
    }
    std::lock_guard g(mutex_);
    if (!peer->current) return {lookup_status::unknown_node, {}, "node " + std::string(node_name) + " went down"};
    auto proxy = proxy_for(*peer, answer.at("id").get<std::uint64_t>(), remote_type);
    if (!proxy) return {lookup_status::timeout, {}, "this node keeps the most proxies it may for node " + peer->name};
    return {lookup_status::found, std::move(proxy), {}};
}

raw_lookup node_core::lookup_anywhere(std::string_view actor_name, const std::type_info& type) {
    raw_lookup best = lookup_local(actor_name, type);
    if (best.status == lookup_status::found) return best;
    for (const auto& peer : nodes()) {
        raw_lookup r = lookup(peer, actor_name, type, std::nullopt);
        if (r.status == lookup_status::found) return r;
        if (r.status == lookup_status::wrong_type) best = r;
    }
    if (best.status == lookup_status::unknown_name) best.error = "no actor named '" + std::string(actor_name) + "' in the cluster";
    return best;
}

}  // namespace ractor::cluster::detail
