// The handshake state machine: checks every field before acting on it, proves second as
// acceptor, and leaves session admission to the node.
#include <ractor/cluster/handshake_machine.hpp>

#include <algorithm>
#include <vector>

#include "fields.hpp"

namespace ractor::cluster {

namespace {

using json = nlohmann::json;
using step = handshake_machine::step;

/// Refusal reasons longer than this are cut, not trusted.
constexpr std::size_t max_reason_size = 1024;
/// A hello lists at most this many versions.
constexpr std::size_t max_versions = 16;

frame frame_of(frame_type type, json body) { return frame{wire_version, type, 0, std::move(body)}; }

json binary(std::span<const std::uint8_t> bytes) { return json::binary({bytes.begin(), bytes.end()}); }

void copy_challenge(const json& body, challenge_bytes& out) {
    const auto bytes = detail::as_bytes(detail::field(body, "challenge"), "challenge", challenge_size);
    std::copy(bytes.begin(), bytes.end(), out.begin());
}

}  // namespace

const char* to_string(handshake_machine::state s) noexcept {
    using st = handshake_machine::state;
    switch (s) {
        case st::awaiting_challenge: return "awaiting challenge";
        case st::awaiting_ack: return "awaiting ack";
        case st::awaiting_hello: return "awaiting hello";
        case st::awaiting_reply: return "awaiting challenge reply";
        case st::deciding: return "deciding";
        case st::awaiting_confirm: return "awaiting confirm";
        case st::established: return "established";
        case st::failed: return "failed";
    }
    return "unknown";
}

handshake_machine::handshake_machine(handshake_self self, const challenge_bytes& mine, bool dialler)
    : self_(std::move(self)),
      mine_(mine),
      dialler_(dialler),
      state_(dialler ? state::awaiting_challenge : state::awaiting_hello) {}

handshake_machine handshake_machine::dialler(handshake_self self, const challenge_bytes& mine) {
    return handshake_machine(std::move(self), mine, true);
}

handshake_machine handshake_machine::acceptor(handshake_self self, const challenge_bytes& mine) {
    return handshake_machine(std::move(self), mine, false);
}

frame handshake_machine::hello() const {
    std::vector<std::uint8_t> versions;
    for (std::uint8_t v = oldest_wire_version; v <= wire_version; ++v) versions.push_back(v);
    return frame_of(frame_type::hello, json{{"name", self_.name},
                                            {"node_id", self_.node_id},
                                            {"incarnation", self_.incarnation},
                                            {"versions", versions},
                                            {"challenge", binary(mine_)}});
}

handshake_transcript handshake_machine::transcript() const {
    handshake_transcript t;
    t.dialler = dialler_ ? std::string_view(self_.name) : std::string_view(peer_.name);
    t.acceptor = dialler_ ? std::string_view(peer_.name) : std::string_view(self_.name);
    t.dialler_challenge = dialler_ ? std::span<const std::uint8_t>(mine_) : std::span<const std::uint8_t>(theirs_);
    t.acceptor_challenge = dialler_ ? std::span<const std::uint8_t>(theirs_) : std::span<const std::uint8_t>(mine_);
    t.version = version_;
    t.dialler_incarnation = dialler_ ? self_.incarnation : peer_.incarnation;
    t.acceptor_incarnation = dialler_ ? peer_.incarnation : self_.incarnation;
    return t;
}

/// Reads and checks the peer's name, node id and incarnation (hello and challenge carry them).
void handshake_machine::read_peer(const json& body) {
    const std::string& name = detail::string_field(body, "name", max_node_name_size);
    if (auto problem = node_name_problem(name); !problem.empty()) throw detail::bad_field(std::string(problem));
    peer_.name = name;
    peer_.node_id = detail::u64_field(body, "node_id");
    peer_.incarnation = detail::u64_field(body, "incarnation");
    copy_challenge(body, theirs_);
}

step handshake_machine::fail(std::string reason, handshake_failure kind, bool retry, bool duplicate,
                             std::optional<frame> out) {
    state_ = state::failed;
    step s;
    s.what = step::result::failed;
    s.out = std::move(out);
    s.error = std::move(reason);
    s.why = kind;
    s.retry = retry;
    s.duplicate = duplicate;
    return s;
}

step handshake_machine::refusal_to_send(std::string reason, handshake_failure kind, bool retry) {
    const bool duplicate = kind == handshake_failure::duplicate;
    frame out = frame_of(frame_type::refusal, json{{"reason", reason}, {"retry", retry}, {"duplicate", duplicate}});
    return fail(std::move(reason), kind, retry, duplicate, std::move(out));
}

step handshake_machine::on_frame(const frame& f) {
    try {
        if (f.type == frame_type::refusal && state_ != state::failed && state_ != state::established) return on_refusal(f);
        switch (state_) {
            case state::awaiting_challenge:
                if (f.type == frame_type::challenge) return on_challenge(f);
                break;
            case state::awaiting_ack:
                if (f.type == frame_type::ack) return on_ack(f);
                break;
            case state::awaiting_hello:
                if (f.type == frame_type::hello) return on_hello(f);
                break;
            case state::awaiting_reply:
                if (f.type == frame_type::challenge_reply) return on_reply(f);
                break;
            case state::awaiting_confirm:
                if (f.type == frame_type::confirm) {
                    state_ = state::established;
                    step s;
                    s.what = step::result::established;
                    return s;
                }
                break;
            case state::deciding:
            case state::established:
            case state::failed: break;
        }
        return protocol(std::string("unexpected ") + to_string(f.type) + " frame while " + to_string(state_));
    } catch (const detail::bad_field& e) {
        return protocol(std::string("malformed ") + to_string(f.type) + ": " + e.what());
    }
}

step handshake_machine::on_refusal(const frame& f) {
    std::string reason = detail::as_string(detail::field(f.body, "reason"), "reason", max_reason_size);
    const bool retry = detail::as_bool(detail::field(f.body, "retry"), "retry");
    const bool duplicate = detail::as_bool(detail::field(f.body, "duplicate"), "duplicate");
    return fail("refused by the peer: " + reason, handshake_failure::by_peer, retry, duplicate);
}

step handshake_machine::on_hello(const frame& f) {
    read_peer(f.body);
    const json& offered = detail::as_array(detail::field(f.body, "versions"), "versions", max_versions);
    std::vector<std::uint8_t> versions;
    for (const auto& v : offered) {
        const std::uint64_t n = detail::as_u64(v, "versions");
        if (n <= 255) versions.push_back(static_cast<std::uint8_t>(n));
    }
    if (peer_.name == self_.name) return refusal_to_send("the peer uses this node's own name '" + peer_.name + "'", handshake_failure::name);
    version_ = negotiate_version(versions);
    if (version_ == 0) return refusal_to_send("no common wire version", handshake_failure::version);
    state_ = state::awaiting_reply;
    step s;
    s.out = frame_of(frame_type::challenge, json{{"name", self_.name},
                                                 {"node_id", self_.node_id},
                                                 {"incarnation", self_.incarnation},
                                                 {"version", version_},
                                                 {"challenge", binary(mine_)}});
    return s;
}

step handshake_machine::on_challenge(const frame& f) {
    read_peer(f.body);
    const std::uint64_t v = detail::u64_field(f.body, "version");
    if (v < oldest_wire_version || v > wire_version) return refusal_to_send("unsupported version", handshake_failure::version);
    version_ = static_cast<std::uint8_t>(v);
    if (peer_.name == self_.name) return refusal_to_send("the peer uses this node's own name '" + peer_.name + "'", handshake_failure::name);
    const proof mine = transcript_proof(self_.cookie, handshake_role::dialler, transcript());
    state_ = state::awaiting_ack;
    step s;
    s.out = frame_of(frame_type::challenge_reply, json{{"proof", binary(mine)}});
    return s;
}

step handshake_machine::on_reply(const frame& f) {
    return check_peer_proof(f, "authentication failed: wrong cookie");
}

step handshake_machine::on_ack(const frame& f) {
    return check_peer_proof(f, "authentication failed: the peer does not know the cookie");
}

/// The peer's proof covers the transcript in the peer's role; only then may the node decide.
step handshake_machine::check_peer_proof(const frame& f, std::string refusal) {
    const auto theirs = detail::as_bytes(detail::field(f.body, "proof"), "proof", std::tuple_size_v<proof>);
    const handshake_role peer_role = dialler_ ? handshake_role::acceptor : handshake_role::dialler;
    if (!check_transcript_proof(self_.cookie, peer_role, transcript(), theirs)) {
        return refusal_to_send(std::move(refusal), handshake_failure::cookie);
    }
    state_ = state::deciding;
    step s;
    s.what = step::result::decide;
    return s;
}

step handshake_machine::accept() {
    if (state_ != state::deciding) return protocol(std::string("accept while ") + to_string(state_));
    step s;
    if (dialler_) {
        state_ = state::established;
        s.what = step::result::established;
        s.out = frame_of(frame_type::confirm, json::object());
    } else {
        state_ = state::awaiting_confirm;
        const proof mine = transcript_proof(self_.cookie, handshake_role::acceptor, transcript());
        s.out = frame_of(frame_type::ack, json{{"proof", binary(mine)}});
    }
    return s;
}

step handshake_machine::refuse(std::string reason, handshake_failure kind, bool retry) {
    if (state_ != state::deciding) return protocol(std::string("refuse while ") + to_string(state_));
    return refusal_to_send(std::move(reason), kind, retry);
}

}  // namespace ractor::cluster
