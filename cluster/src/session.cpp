// Sessions: the handshake, the read loop with heartbeats and sequence checks, the acceptor
// and the dialler. Each runs as one long handler (post_start) of its own actor, parked in
// `receive`/`accept`/`connect` through the runtime, so a kill interrupts it.
#include <algorithm>

#include <ractor/cluster/handshake.hpp>
#include <ractor/detail/actor_cell.hpp>

#include "node_core.hpp"

namespace ractor::cluster::detail {

// ---- link -----------------------------------------------------------------------------

bool link::send(frame_type type, json body) {
    parked_replies none;
    return send_with_replies(type, std::move(body), none);
}

bool link::send_with_replies(frame_type type, json body, parked_replies& parked) {
    std::lock_guard g(mutex_);
    if (!open_) return false;
    auto bytes = encode_frame({version_, type, next_seq_, std::move(body)}, max_frame_);
    if (!bytes || conn_->send(std::move(*bytes)) != frame_send_status::sent) return false;
    ++next_seq_;
    for (auto& [tag, reply] : parked) pending_.emplace(tag, std::move(reply));
    parked.clear();
    return true;
}

bool link::add_pending(std::uint64_t tag, std::unique_ptr<pending_reply> reply) {
    {
        std::lock_guard g(mutex_);
        if (open_) {
            pending_.emplace(tag, std::move(reply));
            return true;
        }
    }
    reply->fail("the session is closed");
    return false;
}

std::unique_ptr<pending_reply> link::take_pending(std::uint64_t tag) {
    std::lock_guard g(mutex_);
    auto it = pending_.find(tag);
    if (it == pending_.end()) return nullptr;
    auto out = std::move(it->second);
    pending_.erase(it);
    return out;
}

void link::close(const std::string& reason) {
    std::map<std::uint64_t, std::unique_ptr<pending_reply>> failed;
    {
        std::lock_guard g(mutex_);
        if (!open_) return;
        open_ = false;
        failed.swap(pending_);
    }
    conn_->close();
    for (auto& [tag, reply] : failed) reply->fail("the session with the node closed: " + reason);
}

bool link::is_open() const {
    std::lock_guard g(mutex_);
    return open_;
}

void link::set_version(std::uint8_t v) {
    std::lock_guard g(mutex_);
    version_ = v;
}

// ---- session --------------------------------------------------------------------------

namespace {

/// How a session ended, which decides whether its dialler tries again.
enum class outcome : std::uint8_t {
    lost,        ///< connection trouble before or after the session was up: redial
    final,       ///< refused for a reason a redial will not fix (cookie, version, name)
    superseded,  ///< the peer is connected through another session
};

/// Thrown inside a session to end it with a reason (caught at the top of `session::run`).
struct session_end {
    outcome how;
    std::string why;
};

std::vector<std::uint8_t> bytes_of(const json& j) {
    if (!j.is_binary()) throw std::invalid_argument("expected a byte string");
    return j.get_binary();
}

class session {
public:
    session(node_core& core, std::shared_ptr<connection> conn, bool dialler)
        : core_(core),
          rt_(core.sys.runtime()),
          conn_(std::move(conn)),
          link_(std::make_shared<link>(conn_, core.opts.max_frame_size)),
          dialler_(dialler) {}

    /// Handshake, then serve until the connection ends; returns how it ended.
    outcome run(bool& was_up) {
        outcome how = outcome::lost;
        std::string why;
        // A session ends by throwing session_end (its own decisions) or a std::exception
        // (malformed bodies); capture, leave the catch, then clean up (never park in a catch).
        try {
            if (dialler_) handshake_as_dialler();
            else handshake_as_acceptor();
            was_up = true;
            serve();
        } catch (const session_end& e) {
            how = e.how;
            why = e.why;
        } catch (const std::exception& e) {
            how = outcome::lost;
            why = std::string("malformed frame: ") + e.what();
            core_.count_protocol_error();
        }
        if (why.empty()) why = "session ended";
        // The peer's refusal may be lost when it closes at once: count failed handshakes here.
        if (!was_up) core_.count_refused();
        link_->close(why);
        core_.note((peer_name_.empty() ? std::string("connection") : "session with " + peer_name_) + " closed: " + why);
        if (peer_) core_.session_ended(peer_, link_, why);
        return how;
    }

private:
    [[noreturn]] void end(outcome how, std::string why) { throw session_end{how, std::move(why)}; }
    [[noreturn]] void protocol_error(std::string why) {
        core_.count_protocol_error();
        end(outcome::lost, std::move(why));
    }

    /// The next frame in sequence, or nullopt at `deadline`. Duplicates are dropped; a gap,
    /// an undecodable frame or a close ends the session.
    std::optional<frame> next(std::optional<time_point> deadline) {
        for (;;) {
            received_frame r = conn_->receive(deadline);
            if (r.what == received_frame::kind::timed_out) return std::nullopt;
            if (r.what == received_frame::kind::closed) {
                end(outcome::lost, r.reason.empty() ? "connection closed" : "connection closed: " + r.reason);
            }
            decoded_frame d = decode_frame(r.bytes, core_.opts.max_frame_size);
            if (!d.frame) protocol_error(d.error);
            if (d.frame->seq < expected_seq_) continue;  // a duplicate the network made
            if (d.frame->seq > expected_seq_) {
                end(outcome::lost, "frame lost: expected sequence number " + std::to_string(expected_seq_) + ", got " +
                                       std::to_string(d.frame->seq));
            }
            ++expected_seq_;
            last_rx_ = rt_.clock.now();
            return std::move(d.frame);
        }
    }

    /// The next handshake frame, which must be `want` (a refusal ends the session).
    frame expect(frame_type want, time_point deadline) {
        auto f = next(deadline);
        if (!f) end(outcome::lost, std::string("handshake timed out waiting for ") + to_string(want));
        if (f->type == frame_type::refusal) {
            const std::string why = f->body.value("reason", std::string("refused"));
            const bool retry = f->body.value("retry", false);
            const bool dup = f->body.value("duplicate", false);
            end(dup ? outcome::superseded : retry ? outcome::lost : outcome::final, "refused by the peer: " + why);
        }
        if (f->type != want) {
            protocol_error(std::string("unexpected ") + to_string(f->type) + " frame before authentication");
        }
        return std::move(*f);
    }

    [[noreturn]] void refuse(std::string why, bool retry, bool duplicate = false) {
        link_->send(frame_type::refusal, json{{"reason", why}, {"retry", retry}, {"duplicate", duplicate}});
        end(duplicate ? outcome::superseded : retry ? outcome::lost : outcome::final, std::move(why));
    }

    void check_peer_name(const std::string& name) {
        if (name.empty()) refuse("empty node name", false);
        if (name == core_.opts.name) refuse("the peer uses this node's own name '" + name + "'", false);
    }

    void handshake_as_dialler() {
        const time_point deadline = rt_.clock.now() + core_.opts.connect_timeout;
        const auto mine = make_challenge(rt_.entropy);
        std::vector<std::uint8_t> versions;
        for (std::uint8_t v = oldest_wire_version; v <= wire_version; ++v) versions.push_back(v);
        link_->send(frame_type::hello, json{{"name", core_.opts.name},
                                            {"node_id", rt_.node_id},
                                            {"versions", versions},
                                            {"challenge", json::binary(mine)}});
        frame ch = expect(frame_type::challenge, deadline);
        peer_name_ = ch.body.at("name").get<std::string>();
        const auto version = ch.body.at("version").get<std::uint8_t>();
        const auto theirs = bytes_of(ch.body.at("challenge"));
        if (negotiate_version(std::span(&version, 1)) != version) refuse("unsupported version", false);
        if (!check_proof(core_.opts.cookie, mine, peer_name_, bytes_of(ch.body.at("proof")))) {
            refuse("authentication failed: the peer does not know the cookie", false);
        }
        check_peer_name(peer_name_);
        const auto proof = handshake_proof(core_.opts.cookie, theirs, core_.opts.name);
        link_->set_version(version);
        link_->send(frame_type::challenge_reply, json{{"proof", json::binary({proof.begin(), proof.end()})}});
        expect(frame_type::ack, deadline);
        std::string why;
        peer_ = core_.register_session(peer_name_, ch.body.at("node_id").get<std::uint64_t>(), link_,
                                       core_.opts.name, [] {}, why);
        if (!peer_) {
            link_->send(frame_type::goodbye, json{{"reason", why}});
            end(outcome::superseded, why);
        }
    }

    void handshake_as_acceptor() {
        const time_point deadline = rt_.clock.now() + core_.opts.connect_timeout;
        frame hello = expect(frame_type::hello, deadline);
        peer_name_ = hello.body.at("name").get<std::string>();
        const auto offered = hello.body.at("versions").get<std::vector<std::uint8_t>>();
        const auto theirs = bytes_of(hello.body.at("challenge"));
        check_peer_name(peer_name_);
        const std::uint8_t version = negotiate_version(offered);
        if (version == 0) refuse("no common wire version", false);
        const auto mine = make_challenge(rt_.entropy);
        const auto proof = handshake_proof(core_.opts.cookie, theirs, core_.opts.name);
        link_->send(frame_type::challenge, json{{"name", core_.opts.name},
                                                {"node_id", rt_.node_id},
                                                {"version", version},
                                                {"proof", json::binary({proof.begin(), proof.end()})},
                                                {"challenge", json::binary(mine)}});
        link_->set_version(version);
        frame reply = expect(frame_type::challenge_reply, deadline);
        if (!check_proof(core_.opts.cookie, mine, peer_name_, bytes_of(reply.body.at("proof")))) {
            refuse("authentication failed: wrong cookie", false);
        }
        std::string why;
        peer_ = core_.register_session(peer_name_, hello.body.at("node_id").get<std::uint64_t>(), link_,
                                       peer_name_, [&] { link_->send(frame_type::ack, json::object()); }, why);
        if (!peer_) refuse(why, false, true);
    }

    void serve() {
        const duration beat = core_.opts.heartbeat_interval;
        const duration silence = core_.opts.node_down_timeout;
        time_point next_beat = rt_.clock.now() + beat;
        for (;;) {
            const time_point deadline = std::min(next_beat, last_rx_ + silence);
            if (auto f = next(deadline)) dispatch(*f);
            const time_point now = rt_.clock.now();
            if (now >= last_rx_ + silence) {
                end(outcome::lost, "no frame from the peer for " +
                                       std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(silence).count()) +
                                       " ms");
            }
            if (now >= next_beat) {
                link_->send(frame_type::heartbeat, json::object());
                next_beat = now + beat;
            }
        }
    }

    void dispatch(const frame& f) {
        const json& b = f.body;
        switch (f.type) {
            case frame_type::heartbeat: return;
            case frame_type::message: core_.deliver(link_, b); return;
            case frame_type::reply:
                if (auto p = link_->take_pending(b.at("tag").get<std::uint64_t>())) p->complete(b.at("value"));
                return;
            case frame_type::reply_error:
                if (auto p = link_->take_pending(b.at("tag").get<std::uint64_t>())) p->fail(b.at("reason").get<std::string>());
                return;
            case frame_type::lookup: core_.answer_lookup(link_, b); return;
            case frame_type::lookup_reply:
                if (auto p = link_->take_pending(b.at("tag").get<std::uint64_t>())) p->complete(b);
                return;
            case frame_type::pg_snapshot:
            case frame_type::pg_join:
            case frame_type::pg_leave: core_.apply_pg(*peer_, f.type, b); return;
            case frame_type::monitor:
            case frame_type::demonitor:
                core_.watch(peer_name_, b.at("id").get<std::uint64_t>(), f.type == frame_type::monitor);
                return;
            case frame_type::exit:
                core_.remote_exit(*peer_, b.at("id").get<std::uint64_t>(), b.at("reason").get<std::string>());
                return;
            case frame_type::goodbye:
                end(outcome::lost, "the peer said goodbye: " + b.value("reason", std::string()));
            default:
                protocol_error(std::string("unexpected ") + to_string(f.type) + " frame in an open session");
        }
    }

    node_core& core_;
    const runtime& rt_;
    std::shared_ptr<connection> conn_;
    std::shared_ptr<link> link_;
    const bool dialler_;
    std::uint64_t expected_seq_ = 0;
    time_point last_rx_{};
    std::string peer_name_;
    peer_state* peer_ = nullptr;
};

/// Parks the calling actor for `d` on the runtime clock (a kill interrupts it).
void pause(const runtime& rt, duration d) {
    ractor::detail::park_here(rt.executor, rt.executor.prepare_park(), rt.clock.now() + d);
}

/// What a connection actor is given: an accepted connection, or an address to dial.
struct connection_args {
    node_core* core = nullptr;
    std::shared_ptr<connection> accepted;
    std::string address;
};

/// Runs one accepted connection, or one dialler (with its reconnection loop), in post_start.
struct connection_actor : actor<std::monostate, connection_args, connection_args> {
    connection_args pre_start(actor_ref<std::monostate>, connection_args args) { return args; }

    void post_start(actor_ref<std::monostate> self, connection_args& a) {
        node_core& core = *a.core;
        if (core.add_session_actor(self)) {
            if (a.accepted) {
                bool up = false;
                session(core, a.accepted, false).run(up);
            } else {
                dial_loop(core, a.address);
            }
            core.remove_session_actor(self);
        } else if (a.accepted) {
            a.accepted->close();
        }
        if (!a.accepted) core.dialer_done(a.address);
        self.stop();
    }

    void handle(actor_ref<std::monostate>, std::monostate, connection_args&) {}

    static void dial_loop(node_core& core, const std::string& address) {
        const runtime& rt = core.sys.runtime();
        duration backoff = core.opts.reconnect_backoff_min;
        while (!core.stopping()) {
            connect_result c = rt.net->connect(address, rt.clock.now() + core.opts.connect_timeout);
            if (c.connection) {
                bool up = false;
                const outcome how = session(core, std::shared_ptr<connection>(std::move(c.connection)), true).run(up);
                if (how != outcome::lost) return;
                if (up) backoff = core.opts.reconnect_backoff_min;
            } else {
                core.note("dialling " + address + " failed: " + c.error);
            }
            if (core.stopping()) return;
            // Jitter in [backoff/2, backoff] from the runtime's entropy, so sim runs replay.
            const auto half = backoff.count() / 2;
            const auto jitter = static_cast<duration::rep>(rt.entropy.next_u64() % static_cast<std::uint64_t>(half + 1));
            pause(rt, duration(half + jitter));
            backoff = std::min(backoff * 2, core.opts.reconnect_backoff_max);
        }
    }
};

/// Accepts connections until its listener closes, spawning one connection actor each.
struct acceptor_actor : actor<std::monostate, std::pair<node_core*, listener*>, std::pair<node_core*, listener*>> {
    std::pair<node_core*, listener*> pre_start(actor_ref<std::monostate>, std::pair<node_core*, listener*> a) { return a; }

    void post_start(actor_ref<std::monostate> self, std::pair<node_core*, listener*>& a) {
        auto& [core, l] = a;
        while (auto c = l->accept()) {
            if (core->stopping()) {
                c->close();
                break;
            }
            core->sys.spawn(connection_actor{}, connection_args{core, std::shared_ptr<connection>(std::move(c)), {}});
        }
        self.stop();
    }

    void handle(actor_ref<std::monostate>, std::monostate, std::pair<node_core*, listener*>&) {}
};

}  // namespace

any_actor_ref spawn_acceptor(node_core& core, listener& l) {
    return core.sys.spawn(acceptor_actor{}, {&core, &l});
}

void spawn_dialler(node_core& core, std::string address) {
    core.sys.spawn(connection_actor{}, connection_args{&core, nullptr, std::move(address)});
}

}  // namespace ractor::cluster::detail
