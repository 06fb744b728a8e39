// The actors that own connections: the acceptor, and one connection actor per accepted
// connection or dialled address. Each runs as one long post_start, parked in
// `accept`/`connect`/`receive` through the runtime, so a kill interrupts it.
#include <ractor/detail/actor_cell.hpp>

#include "node_core.hpp"
#include "session.hpp"

namespace ractor::cluster::detail {

void pause(const runtime& rt, duration d) {
    ractor::detail::park_here(rt.executor, rt.executor.prepare_park(), rt.clock.now() + d);
}

namespace {

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
                run_session(core, a.accepted, false, up);
            } else {
                dial_loop(core, a.address);
            }
            core.remove_session_actor(self);
        } else if (a.accepted) {
            a.accepted->close();
            core.end_handshake_slot();
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
                const session_outcome how = run_session(core, std::shared_ptr<connection>(std::move(c.connection)), true, up);
                if (how != session_outcome::lost) return;
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

/// Accepts connections until its listener closes, spawning one connection actor each while
/// fewer than `max_pending_handshakes` are unauthenticated; beyond that a connection is
/// closed at once (counted, logged), so a flood of idle connections cannot pin the node.
struct acceptor_actor : actor<std::monostate, std::pair<node_core*, listener*>, std::pair<node_core*, listener*>> {
    std::pair<node_core*, listener*> pre_start(actor_ref<std::monostate>, std::pair<node_core*, listener*> a) { return a; }

    void post_start(actor_ref<std::monostate> self, std::pair<node_core*, listener*>& a) {
        auto& [core, l] = a;
        while (auto c = l->accept()) {
            if (core->stopping()) {
                c->close();
                break;
            }
            if (!core->begin_handshake_slot()) {
                c->close();
                core->count_refusal(handshake_failure::limit);
                core->note("connection refused: " + std::to_string(core->opts.max_pending_handshakes) +
                           " handshakes are in progress already");
                continue;
            }
            core->sys.spawn(connection_actor{}, connection_args{core, std::shared_ptr<connection>(std::move(c)), {}});
        }
        self.stop();
    }

    void handle(actor_ref<std::monostate>, std::monostate, std::pair<node_core*, listener*>&) {}
};

}  // namespace

any_actor_ref spawn_acceptor(node_core& core, listener& l) { return core.sys.spawn(acceptor_actor{}, {&core, &l}); }

void spawn_dialler(node_core& core, std::string address) {
    core.sys.spawn(connection_actor{}, connection_args{&core, nullptr, std::move(address)});
}

}  // namespace ractor::cluster::detail
