// A session: the handshake driven through `handshake_machine`, then the read loop with
// heartbeats and sequence checks, dispatching each frame to the node.
#include "session.hpp"

#include <algorithm>

#include <ractor/cluster/handshake_machine.hpp>

#include "fields.hpp"
#include "node_core.hpp"

namespace ractor::cluster::detail {

namespace {

/// Thrown inside a session to end it with a reason (caught at the top of `session::run`).
struct session_end {
    session_outcome how;
    std::string why;
};

/// A reason a peer gives is logged, not trusted: cut to this many bytes.
constexpr std::size_t max_reason_size = 1024;

/// How often a session held back by a full mailbox looks again (no wake-up on room exists).
constexpr duration room_poll_interval = std::chrono::milliseconds(1);

class session {
public:
    session(node_core& core, std::shared_ptr<connection> conn, bool dialler)
        : core_(core),
          rt_(core.sys.runtime()),
          conn_(std::move(conn)),
          link_(std::make_shared<link>(conn_, core.opts.max_frame_size)),
          dialler_(dialler) {}

    /// Handshake, then serve until the connection ends; returns how it ended.
    session_outcome run(bool& was_up) {
        session_outcome how = session_outcome::lost;
        std::string why;
        // A session ends by throwing session_end (its own decisions) or a std::exception
        // (malformed bodies); capture, leave the catch, then clean up (never park in a catch).
        try {
            handshake();
            release_handshake_slot();
            was_up = true;
            serve();
        } catch (const session_end& e) {
            how = e.how;
            why = e.why;
        } catch (const std::exception& e) {
            how = session_outcome::lost;
            why = std::string("malformed frame: ") + e.what();
            core_.count_protocol_error();
        }
        if (why.empty()) why = "session ended";
        if (!was_up) core_.count_refusal(failure_);
        release_handshake_slot();
        link_->close(why);
        if (tentative_) core_.drop_tentative(peer_name_, link_);
        core_.note((peer_name_.empty() ? std::string("connection") : "session with " + peer_name_) + " closed: " + why);
        if (peer_) core_.session_ended(peer_, link_, why);
        return how;
    }

private:
    [[noreturn]] void end(session_outcome how, std::string why) { throw session_end{how, std::move(why)}; }
    [[noreturn]] void protocol_error(std::string why) {
        core_.count_protocol_error();
        end(session_outcome::lost, std::move(why));
    }

    /// The next frame in sequence, or nullopt at `deadline`. Duplicates are dropped; a gap,
    /// an undecodable frame or a close ends the session.
    std::optional<frame> next(std::optional<time_point> deadline) {
        for (;;) {
            received_frame r = conn_->receive(deadline);
            if (r.what == received_frame::kind::timed_out) return std::nullopt;
            if (r.what == received_frame::kind::closed) {
                end(session_outcome::lost, r.reason.empty() ? "connection closed" : "connection closed: " + r.reason);
            }
            decoded_frame d = decode_frame(r.bytes, core_.opts.max_frame_size);
            if (!d.frame) protocol_error(d.error);
            if (d.frame->seq < expected_seq_) continue;  // a duplicate the network made
            if (d.frame->seq > expected_seq_) {
                end(session_outcome::lost, "frame lost: expected sequence number " + std::to_string(expected_seq_) +
                                               ", got " + std::to_string(d.frame->seq));
            }
            ++expected_seq_;
            last_rx_ = rt_.clock.now();
            return std::move(d.frame);
        }
    }

    /// An accepted connection holds one of the node's slots for unauthenticated connections
    /// (taken by the acceptor) until its handshake ends.
    void release_handshake_slot() {
        if (dialler_ || slot_released_) return;
        slot_released_ = true;
        core_.end_handshake_slot();
    }

    void send(const std::optional<frame>& f) {
        if (f) link_->send(f->type, f->body);
    }

    // ---- the handshake ----------------------------------------------------------------

    void handshake() {
        const time_point deadline = rt_.clock.now() + core_.opts.connect_timeout;
        handshake_self self{core_.opts.name, core_.opts.cookie, rt_.node_id, core_.incarnation()};
        handshake_machine m = dialler_ ? handshake_machine::dialler(self, make_challenge(rt_.entropy))
                                       : handshake_machine::acceptor(self, make_challenge(rt_.entropy));
        if (dialler_) send(m.hello());
        for (;;) {
            auto f = next(deadline);
            if (!f) {
                failure_ = handshake_failure::timeout;
                end(session_outcome::lost, std::string("handshake timed out while ") + to_string(m.current()));
            }
            handshake_machine::step s = m.on_frame(*f);
            if (!m.peer().name.empty()) peer_name_ = m.peer().name;
            if (s.what == handshake_machine::step::result::decide) s = decide(m);
            send(s.out);
            if (s.what == handshake_machine::step::result::failed) fail(s);
            if (s.what == handshake_machine::step::result::established) break;
        }
        link_->set_version(m.version());
        if (!dialler_) establish_incoming(m.peer());
    }

    /// Empty if the transport verified nothing or verified the name `claimed`, else why not.
    std::string identity_problem(const std::string& claimed) const {
        if (!core_.opts.check_tls_identity) return {};
        const std::vector<std::string> names = conn_->peer_identity();
        if (names.empty() || std::find(names.begin(), names.end(), claimed) != names.end()) return {};
        std::string listed;
        for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n.substr(0, 64);
        return "the peer's certificate names " + listed + ", not " + claimed;
    }

    /// The peer proved the cookie: ask the node whether this connection may be the session.
    handshake_machine::step decide(handshake_machine& m) {
        if (auto problem = identity_problem(m.peer().name); !problem.empty()) {
            return m.refuse(problem, handshake_failure::identity, false);
        }
        if (dialler_) {
            // The confirm goes out under the node's lock, before anyone else can send here.
            admission verdict;
            peer_ = core_.establish_outgoing(m.peer(), link_, [&] { send(m.accept().out); }, verdict);
            if (peer_) {
                handshake_machine::step up;
                up.what = handshake_machine::step::result::established;
                return up;
            }
            return m.refuse(verdict.why, verdict.kind, verdict.retry);
        }
        admission verdict = core_.admit_incoming(m.peer(), link_);
        if (!verdict.accepted) return m.refuse(verdict.why, verdict.kind, verdict.retry);
        tentative_ = true;
        return m.accept();
    }

    void establish_incoming(const handshake_peer& peer) {
        std::string why;
        tentative_ = false;
        peer_ = core_.establish_incoming(peer, link_, why);
        if (!peer_) {
            link_->send(frame_type::goodbye, json{{"reason", why}});
            end(session_outcome::superseded, why);
        }
    }

    [[noreturn]] void fail(const handshake_machine::step& s) {
        failure_ = s.why;
        if (s.why == handshake_failure::protocol) protocol_error(s.error);
        if (s.duplicate) {
            // Refused because a session exists or is being made: stop dialling if this node
            // has it, else try again (the peer may still hold a session it lost on our side).
            end(core_.has_session_or_pending(peer_name_) ? session_outcome::superseded : session_outcome::lost, s.error);
        }
        end(s.retry ? session_outcome::lost : session_outcome::final, s.error);
    }

    // ---- the open session ---------------------------------------------------------------

    void serve() {
        const duration silence = core_.opts.node_down_timeout;
        next_beat_ = rt_.clock.now() + core_.opts.heartbeat_interval;
        for (;;) {
            const time_point deadline = std::min(next_beat_, last_rx_ + silence);
            const std::optional<frame> f = next(deadline);
            if (f) dispatch(*f);
            const time_point now = rt_.clock.now();
            // Only a receive that timed out is silence: a frame taken late, after a slow
            // delivery here, shows a peer that is alive, however old `last_rx_` looks.
            if (!f && now >= last_rx_ + silence) {
                end(session_outcome::lost,
                    "no frame from the peer for " +
                        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(silence).count()) + " ms");
            }
            beat_if_due(now);
        }
    }

    void beat_if_due(time_point now) {
        if (now < next_beat_) return;
        link_->send(frame_type::heartbeat, json::object());
        next_beat_ = now + core_.opts.heartbeat_interval;
    }

    /// Back-pressure from a full mailbox to the peer: holds the message, and so stops
    /// reading, until its actor has room, rather than dropping a cast the peer was told
    /// was sent. The peer's queue then fills and its senders wait or are refused. The
    /// session keeps beating meanwhile, so the peer sees a busy node, not a dead one.
    void deliver_when_room(const json& body) {
        while (!core_.deliver(link_, body)) {
            beat_if_due(rt_.clock.now());
            pause(rt_, room_poll_interval);
        }
    }

    void dispatch(const frame& f) {
        const json& b = f.body;
        switch (f.type) {
            case frame_type::heartbeat: return;
            case frame_type::message:
                deliver_when_room(b);
                return;
            case frame_type::reply:
                if (auto p = link_->take_pending(u64_field(b, "tag"))) p->complete(field(b, "value"));
                return;
            case frame_type::reply_error:
                if (auto p = link_->take_pending(u64_field(b, "tag"))) p->fail(string_field(b, "reason", max_reason_size));
                return;
            case frame_type::lookup: core_.answer_lookup(link_, b); return;
            case frame_type::lookup_reply: answer_of_lookup(b); return;
            case frame_type::pg_snapshot:
            case frame_type::pg_join:
            case frame_type::pg_leave: core_.apply_pg(*peer_, f.type, b); return;
            case frame_type::monitor:
            case frame_type::demonitor: core_.watch(peer_name_, u64_field(b, "id"), f.type == frame_type::monitor); return;
            case frame_type::exit:
                core_.remote_exit(*peer_, u64_field(b, "id"), string_field(b, "reason", max_reason_size));
                return;
            case frame_type::goodbye:
                end(session_outcome::lost, "the peer said goodbye: " + string_field(b, "reason", max_reason_size));
            default: protocol_error(std::string("unexpected ") + to_string(f.type) + " frame in an open session");
        }
    }

    /// Completes a pending lookup with the checked fields of its answer only.
    void answer_of_lookup(const json& b) {
        const std::uint64_t tag = u64_field(b, "tag");
        const bool found = as_bool(field(b, "found"), "found");
        json answer{{"found", found}};
        if (found) {
            answer["id"] = u64_field(b, "id");
            answer["type"] = string_field(b, "type", max_type_name_size);
        }
        if (auto p = link_->take_pending(tag)) p->complete(answer);
    }

    node_core& core_;
    const runtime& rt_;
    std::shared_ptr<connection> conn_;
    std::shared_ptr<link> link_;
    const bool dialler_;
    bool tentative_ = false;  ///< acceptor: admitted, awaiting the dialler's confirm
    bool slot_released_ = false;
    /// Why the handshake failed, if it does: closed by the peer unless something else is known.
    handshake_failure failure_ = handshake_failure::by_peer;
    std::uint64_t expected_seq_ = 0;
    time_point last_rx_{};
    time_point next_beat_{};
    std::string peer_name_;
    peer_state* peer_ = nullptr;
};

}  // namespace

session_outcome run_session(node_core& core, std::shared_ptr<connection> conn, bool dialler, bool& was_up) {
    return session(core, std::move(conn), dialler).run(was_up);
}

}  // namespace ractor::cluster::detail
