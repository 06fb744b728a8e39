#pragma once
/// \file
/// Lets a `reply_port<R>` cross the wire inside a message, so remote calls work.

#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include <ractor/cluster/detail/remote_io.hpp>
#include <ractor/reply_port.hpp>

namespace nlohmann {

/// Encoding a reply port (only a cluster proxy does that) moves it into the session's
/// table of pending replies and writes its tag; decoding one (only a session does that)
/// builds a port whose reply, or drop, travels back to the caller's node as a frame.
template <class R>
struct adl_serializer<ractor::reply_port<R>> {
    template <class BasicJsonType>
    static void to_json(BasicJsonType& j, const ractor::reply_port<R>& port) {
        auto* ctx = ractor::cluster::detail::current_encode();
        if (ctx == nullptr) throw std::logic_error("a reply_port can only be encoded by a cluster proxy");
        const std::uint64_t tag = ractor::cluster::detail::next_reply_tag(*ctx->peer);
        // The proxy owns the message and destroys it after encoding: taking the port is safe.
        auto& owned = const_cast<ractor::reply_port<R>&>(port);
        ctx->parked.emplace_back(tag, std::make_unique<ractor::cluster::detail::port_pending_reply<R>>(std::move(owned)));
        j = BasicJsonType{{"$reply", tag}};
    }

    template <class BasicJsonType>
    static ractor::reply_port<R> from_json(const BasicJsonType& j) {
        auto* ctx = ractor::cluster::detail::current_decode();
        if (ctx == nullptr) throw std::logic_error("a reply_port can only be decoded by a cluster session");
        const std::uint64_t tag = j.at("$reply").template get<std::uint64_t>();
        auto slot = std::make_shared<ractor::detail::reply_slot<R>>();
        auto* raw = slot.get();  // the slot outlives its own completion callback
        slot->on_complete = [via = ctx->via, tag, raw] {
            if (raw->state.load(std::memory_order_acquire) != ractor::detail::reply_slot_base::done) {
                ractor::cluster::detail::send_reply_error(via, tag, raw->drop_reason);
                return;
            }
            nlohmann::json value;
            std::string error;
            try {
                value = *raw->value;
            } catch (const std::exception& e) {
                error = std::string("cannot encode the reply: ") + e.what();
            }
            if (error.empty()) ractor::cluster::detail::send_reply(via, tag, std::move(value));
            else ractor::cluster::detail::send_reply_error(via, tag, std::move(error));
        };
        return ractor::reply_port<R>(std::move(slot));
    }
};

}  // namespace nlohmann
