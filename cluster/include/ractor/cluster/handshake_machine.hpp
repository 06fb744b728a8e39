#pragma once
/// \file
/// One side of the session handshake as a state machine over frames, with no I/O.

#include <cstdint>
#include <optional>
#include <string>

#include <ractor/cluster/handshake.hpp>
#include <ractor/cluster/wire.hpp>

namespace ractor::cluster {

/// Who this node is, for one handshake.
struct handshake_self {
    std::string name;
    std::string cookie;
    std::uint64_t node_id = 0;
    std::uint64_t incarnation = 0;  ///< drawn once per node start: a restarted peer differs
};

/// Who the peer says it is, once its frame has been checked.
struct handshake_peer {
    std::string name;
    std::uint64_t node_id = 0;
    std::uint64_t incarnation = 0;
};

/// Why a handshake failed, for counters and for whether to redial.
enum class handshake_failure : std::uint8_t {
    none,
    protocol,   ///< the peer sent something malformed or unexpected
    cookie,     ///< a proof did not check: the other side does not know the cookie
    version,    ///< no common wire version
    name,       ///< the peer claims this node's own name
    identity,   ///< the peer's TLS certificate does not name the node it claims to be
    duplicate,  ///< a session between the two nodes exists or is being made
    limit,      ///< this node is at a limit (too many handshakes) or shutting down
    timeout,    ///< the handshake did not finish in time
    by_peer,    ///< the peer refused us, or closed the connection
};

/// One side of the handshake of docs/wire.md, fed frames and told decisions; the session
/// sends what it returns. Kept free of I/O so that tests and the fuzzer drive it directly.
///
/// The dialler proves first: the acceptor signs nothing before the dialler proved the cookie,
/// so no node can be made to sign for a party that has not. Both proofs bind the whole
/// transcript and the role. Whether an authenticated connection may become the session with
/// its peer (duplicates, restarts) is the node's decision, asked for by `result::decide`.
class handshake_machine {
public:
    enum class state : std::uint8_t {
        awaiting_challenge,  ///< dialler: hello sent
        awaiting_ack,        ///< dialler: proof sent
        awaiting_hello,      ///< acceptor: nothing received yet
        awaiting_reply,      ///< acceptor: challenge sent
        deciding,            ///< both: the peer proved the cookie; the node decides
        awaiting_confirm,    ///< acceptor: ack sent
        established,         ///< the session is up on this side
        failed,
    };

    /// What the session must do after an input.
    struct step {
        enum class result : std::uint8_t {
            wait,         ///< send `out` if set, then feed the next frame
            decide,       ///< the peer is authenticated: call `accept` or `refuse`
            established,  ///< send `out` if set; the session is up
            failed,       ///< send `out` if set, then close
        };
        result what = result::wait;
        std::optional<frame> out;  ///< the frame to send (its `seq` is the session's business)
        std::string error;         ///< why it failed
        handshake_failure why = handshake_failure::none;  ///< failed: the kind of failure
        bool retry = false;        ///< failed: a redial may succeed
        bool duplicate = false;    ///< failed: a session between the two nodes exists or is being made
    };

    /// The dialling side; send `hello()` first.
    static handshake_machine dialler(handshake_self self, const challenge_bytes& mine);
    /// The accepting side.
    static handshake_machine acceptor(handshake_self self, const challenge_bytes& mine);

    /// The dialler's first frame.
    frame hello() const;
    /// Feeds one received frame.
    step on_frame(const frame& f);
    /// After `decide`: take the session (acceptor: send the ack and await the confirm;
    /// dialler: send the confirm, the session is up).
    step accept();
    /// After `decide`: refuse with `reason` (`kind` duplicate or limit).
    step refuse(std::string reason, handshake_failure kind, bool retry);

    state current() const noexcept { return state_; }
    bool is_dialler() const noexcept { return dialler_; }
    /// The peer, once its first frame was checked.
    const handshake_peer& peer() const noexcept { return peer_; }
    /// The negotiated wire version (0 before it is known).
    std::uint8_t version() const noexcept { return version_; }

private:
    handshake_machine(handshake_self self, const challenge_bytes& mine, bool dialler);

    step on_challenge(const frame& f);
    step on_ack(const frame& f);
    step on_hello(const frame& f);
    step on_reply(const frame& f);
    step on_refusal(const frame& f);
    step check_peer_proof(const frame& f, std::string refusal);
    handshake_transcript transcript() const;
    void read_peer(const nlohmann::json& body);
    step fail(std::string reason, handshake_failure kind, bool retry, bool duplicate, std::optional<frame> out = std::nullopt);
    step protocol(std::string reason) { return fail(std::move(reason), handshake_failure::protocol, false, false); }
    step refusal_to_send(std::string reason, handshake_failure kind, bool retry = false);

    handshake_self self_;
    challenge_bytes mine_;
    challenge_bytes theirs_{};
    bool dialler_;
    state state_;
    handshake_peer peer_;
    std::uint8_t version_ = 0;
};

/// The name of a handshake state, for logs.
const char* to_string(handshake_machine::state s) noexcept;

}  // namespace ractor::cluster
