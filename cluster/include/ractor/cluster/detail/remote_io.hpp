#pragma once
/// \file
/// The compiled hooks the cluster's templates call: reply parking, message forwarding,
/// and the per-type codec a node keeps for every registered message type.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/actor.hpp>
#include <ractor/actor_system.hpp>
#include <ractor/reply_port.hpp>

namespace ractor::cluster::detail {

struct peer_state;
class link;

/// A reply this node waits for from a peer: completed by a reply frame or failed.
class pending_reply {
public:
    virtual ~pending_reply() = default;
    /// A reply frame arrived with `value`.
    virtual void complete(const nlohmann::json& value) = 0;
    /// No reply will come; the caller gets a sender error saying `reason`.
    virtual void fail(std::string reason) = 0;
};

/// A pending reply that answers a local `reply_port<R>` (decoding `R` from the frame).
template <class R>
class port_pending_reply final : public pending_reply {
public:
    explicit port_pending_reply(reply_port<R> port) : port_(std::move(port)) {}
    void complete(const nlohmann::json& value) override {
        std::optional<R> decoded;
        std::string error;
        try {
            decoded.emplace(value.template get<R>());
        } catch (const std::exception& e) {
            error = std::string("cannot decode the reply: ") + e.what();
        }
        if (decoded) port_.send(std::move(*decoded));
        else port_.fail(std::move(error));
    }
    void fail(std::string reason) override { port_.fail(std::move(reason)); }

private:
    reply_port<R> port_;
};

/// Reply ports parked while a proxy encodes one message, with the tags written for them.
struct encode_context {
    peer_state* peer = nullptr;
    std::vector<std::pair<std::uint64_t, std::unique_ptr<pending_reply>>> parked;
};

/// The session a message is being decoded from: reply ports inside answer through it.
struct decode_context {
    std::shared_ptr<link> via;
};

/// The encode context of the calling thread (set only while a proxy encodes; never across a park).
encode_context*& current_encode() noexcept;
/// The decode context of the calling thread (set only while a session decodes).
decode_context*& current_decode() noexcept;
/// A fresh reply tag of `peer`'s sessions.
std::uint64_t next_reply_tag(peer_state& peer) noexcept;
/// Sends the reply `value` for `tag` back through `via` (dropped if it closed meanwhile).
void send_reply(const std::shared_ptr<link>& via, std::uint64_t tag, nlohmann::json value);
/// Tells the caller of `tag` through `via` that no reply will come.
void send_reply_error(const std::shared_ptr<link>& via, std::uint64_t tag, std::string reason);
/// Encodes a message with `encode` (parking its reply ports) and sends it to actor
/// `target` of `peer`; failures are counted and fail the parked ports, never thrown.
void forward(peer_state& peer, std::uint64_t target, const std::string& type_name,
             const std::function<nlohmann::json()>& encode);

/// The stand-in, on this node, for an actor of another node: every message it receives is
/// encoded and sent there. Its id names the peer (its node part is the peer's id here).
template <class Msg>
struct remote_actor final : actor<Msg> {
    peer_state* peer = nullptr;  ///< owned by the node, which stops its proxies before freeing it
    std::uint64_t target = 0;
    std::string type_name;

    void handle(actor_ref<Msg>, Msg msg, std::monostate&) {
        forward(*peer, target, type_name, [&] { return nlohmann::json(std::move(msg)); });
    }
};

/// What a node knows about one registered message type.
struct message_codec {
    std::string name;
    const std::type_info* type = nullptr;
    /// Decodes `body` as the type and casts it to `target` (which accepts the type); throws
    /// if the body does not decode.
    send_status (*deliver)(const nlohmann::json& body, const ractor::detail::cell_ptr& target) = nullptr;
    /// Spawns a proxy for actor `target` of `peer` in `system`, running on `view` (whose node
    /// id is the peer's), with a mailbox of `capacity` messages.
    any_actor_ref (*make_proxy)(actor_system& system, const runtime& view, peer_state* peer, std::uint64_t target,
                                const std::string& type_name, std::size_t capacity) = nullptr;
};

/// The codec of `Msg` under `name`.
template <class Msg>
message_codec make_codec(std::string name) {
    message_codec c;
    c.name = std::move(name);
    c.type = &typeid(Msg);
    c.deliver = [](const nlohmann::json& body, const ractor::detail::cell_ptr& target) {
        return actor_ref<Msg>(target).cast(body.template get<Msg>());
    };
    c.make_proxy = [](actor_system& system, const runtime& view, peer_state* peer, std::uint64_t target,
                      const std::string& type_name, std::size_t capacity) -> any_actor_ref {
        remote_actor<Msg> proxy;
        proxy.peer = peer;
        proxy.target = target;
        proxy.type_name = type_name;
        return system.spawn(std::move(proxy), {}, {.mailbox_capacity = capacity, .runtime_view = &view});
    };
    return c;
}

}  // namespace ractor::cluster::detail
