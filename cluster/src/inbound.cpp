// Frames that ask this node to act: messages for local actors (with the reply ports inside
// them), replies travelling back, and name lookups; and the per-thread codec contexts.
#include <algorithm>

#include "fields.hpp"
#include "node_core.hpp"

namespace ractor::cluster::detail {

encode_context*& current_encode() noexcept {
    thread_local encode_context* encoding = nullptr;
    return encoding;
}

decode_context*& current_decode() noexcept {
    thread_local decode_context* decoding = nullptr;
    return decoding;
}
std::uint64_t next_reply_tag(peer_state& peer) noexcept { return peer.next_tag.fetch_add(1, std::memory_order_relaxed); }

void send_reply(const std::shared_ptr<link>& via, std::uint64_t tag, nlohmann::json value) {
    via->send(frame_type::reply, json{{"tag", tag}, {"value", std::move(value)}});
}

void send_reply_error(const std::shared_ptr<link>& via, std::uint64_t tag, std::string reason) {
    via->send(frame_type::reply_error, json{{"tag", tag}, {"reason", std::move(reason)}});
}

bool node_core::deliver(const std::shared_ptr<link>& via, const json& body) {
    const auto target_id = u64_field(body, "to");
    const auto& type = string_field(body, "type", max_type_name_size);
    const json& msg = field(body, "msg");
    // Checked before any delivery, so that every tag can be answered below if it is refused.
    const json& tags = as_array(field(body, "replies"), "replies", max_reply_tags);
    for (const auto& t : tags) as_u64(t, "replies");
    std::string error;
    auto codec = codec_named(type);
    auto target = sys.find(target_id);
    // Proxies share the local id space; only this node's own actors are addressable.
    if (target && target->id().node != sys.node_id()) target.reset();
    if (!codec) error = "message type '" + type + "' is not registered on node " + opts.name;
    else if (!target) error = "no actor " + std::to_string(target_id) + " on node " + opts.name;
    else if (target->cell()->message_type() != *codec->type) {
        error = "actor " + target->id().to_string() + " on node " + opts.name + " does not accept '" + type + "'";
    } else if (!target->cell()->has_room()) {
        return false;  // the session holds the frame and asks again
    } else {
        decode_context ctx{via};
        context_scope scope(current_decode(), &ctx);
        send_status sent = send_status::ok;
        try {
            sent = codec->deliver(msg, target->cell());
        } catch (const std::exception& e) {
            error = "cannot decode '" + type + "' on node " + opts.name + ": " + e.what();
        }
        // A refused cast destroyed the message: its reply ports told their callers already.
        if (error.empty() && sent != send_status::ok) error = "delivery failed: " + std::string(to_string(sent));
    }
    if (error.empty()) return true;
    count_undelivered();
    note(error);
    for (const auto& tag : tags) send_reply_error(via, as_u64(tag, "replies"), error);
    return true;
}

void node_core::answer_lookup(const std::shared_ptr<link>& via, const json& body) {
    json reply{{"tag", u64_field(body, "tag")}, {"found", false}};
    if (auto a = sys.where_is(string_field(body, "name", max_actor_name_size)); a && a->id().node == sys.node_id()) {
        reply["found"] = true;
        reply["id"] = a->id().local;
        reply["type"] = type_name_of(a->cell()->message_type());
    }
    via->send(frame_type::lookup_reply, std::move(reply));
}

}  // namespace ractor::cluster::detail
