#include "sim_network.hpp"

// The simulated network: listeners, connections and the packets between them. Its faults
// (crashes, partitions, clogs, resets, swizzles) are in sim_network_faults.cpp, its flow
// control in sim_network_flow.cpp.

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

#include "sim_transport.hpp"
#include "world_core.hpp"

namespace ractor::sim::internal {
namespace {

// Streams of the network's generators (the latency one is keyed by the world seed, the
// fault one by the applied plan's key).
constexpr std::uint64_t latency_stream = 0x6e65742d6c617465ULL;
constexpr std::uint64_t fault_stream = 0x6e65742d66617574ULL;

// An exponential jitter is capped at this many means, so one draw cannot stall a link.
constexpr double exponential_cap = 20.0;

double unit_interval(std::uint64_t r) noexcept { return static_cast<double>(r >> 11) * 0x1.0p-53; }

std::string conn_text(std::uint64_t id) {
    std::string text = "c";
    text += std::to_string(id);
    return text;
}

const char* kind_text(packet_kind k) {
    switch (k) {
    case packet_kind::data: return "frame";
    case packet_kind::open: return "connect";
    case packet_kind::accept: return "accept";
    case packet_kind::refuse: return "refuse";
    case packet_kind::close: return "close";
    }
    return "packet";
}

// Runs a clean-up unless dismissed: a kill inside an actor unwinds through a park, and a
// connect that returns without a connection gives its attempt up.
class abandon_guard {
public:
    explicit abandon_guard(std::function<void()> fn) : fn_(std::move(fn)) {}
    ~abandon_guard() {
        if (fn_) fn_();
    }
    void dismiss() noexcept { fn_ = nullptr; }
    abandon_guard(const abandon_guard&) = delete;
    abandon_guard& operator=(const abandon_guard&) = delete;

private:
    std::function<void()> fn_;
};

}  // namespace

sim_network::sim_network(world_core& core, std::uint64_t seed, const network_options& opts)
    : core_(core), opts_(opts), latency_(seed, latency_stream), faults_(seed, fault_stream), key_(mix64(seed)) {}

// Handles may outlive the world: they see a network that is gone (send false, close no-op).
sim_network::~sim_network() {
    for (auto& [id, c] : conns_) c->net = nullptr;
    for (auto& [address, l] : listeners_) l->net = nullptr;
}

// ---- the transport role ------------------------------------------------------------------

listen_result sim_network::listen(std::uint64_t node, const std::string& address) {
    if (address.empty()) return {nullptr, "cannot listen: the address is empty"};
    if (listeners_.contains(address)) return {nullptr, "cannot listen on " + address + ": address already in use"};
    auto l = std::make_shared<listener_state>();
    l->address = address;
    l->node = node;
    l->net = this;
    listeners_.emplace(address, l);
    address_book_[address] = node;
    trace_net(node, 0, "listen " + address);
    return {std::make_unique<sim_listener>(std::move(l)), {}};
}

connect_result sim_network::connect(std::uint64_t node, const std::string& address,
                                    std::optional<time_point> deadline) {
    sim_node& n = core_.node(node);
    auto c = std::make_shared<conn_state>();
    c->id = next_conn_++;
    c->net = this;
    c->address = address;
    c->ends[0].node = node;
    c->ends[0].inbox.emplace(n.executor);
    conns_.emplace(c->id, c);
    // An address never bound is routed back to the caller, who is refused after a round trip.
    const auto known = address_book_.find(address);
    const std::uint64_t dst = known == address_book_.end() ? node : known->second;
    trace_net(node, c->id, "connect " + conn_text(c->id) + " " + std::to_string(node) + "->" + address);
    transmit(packet{packet_kind::open, c->id, 1, node, dst, {}, address});
    if (!deadline) deadline = n.clock.now() + opts_.connect_timeout;
    // Whatever way the call leaves without handing out the connection (a time-out, a kill
    // unwinding from the park), the attempt is given up, or the opened end closed.
    abandon_guard guard([this, c] {
        if (c->phase == conn_phase::connecting) {
            abandon(*c);
        } else if (c->phase == conn_phase::open && !c->ends[0].done) {
            close(*c, 0);
        }
    });
    detail::no_lock single_threaded;
    const wake_reason why = c->caller.wait(n.executor, single_threaded, deadline,
                                           [&] { return c->phase != conn_phase::connecting; });
    switch (c->phase) {
    case conn_phase::open:
        guard.dismiss();
        return {std::make_unique<sim_connection>(c, 0), {}};
    case conn_phase::failed: return {nullptr, c->error};
    case conn_phase::abandoned: return {nullptr, "cannot connect to " + address + ": connection reset"};
    case conn_phase::connecting: break;
    }
    if (why == wake_reason::timed_out) return {nullptr, "cannot connect to " + address + ": connection timed out"};
    return {nullptr, "cannot connect to " + address + ": interrupted"};
}

frame_send_status sim_network::send(conn_state& c, int end, frame_bytes&& frame) {
    conn_end& self = c.ends[end];
    conn_end& peer = c.ends[1 - end];
    if (self.done || self.inbox->closed()) return frame_send_status::closed;
    if (frame.size() > opts_.max_frame_size) return frame_send_status::too_large;
    if (self.unsent_bytes > 0 && self.unsent_bytes >= opts_.send_queue_limit) return frame_send_status::busy;
    const std::uint64_t id = next_packet_++;
    trace_net(self.node, c.id,
              "send " + conn_text(c.id) + " " + std::to_string(self.node) + "->" + std::to_string(peer.node) + " " +
                  std::to_string(frame.size()) + "B",
              id);
    packet p{packet_kind::data, c.id, static_cast<std::uint8_t>(1 - end), self.node, peer.node, std::move(frame), {}, id};
    if (self.unsent.empty() && window_open(peer)) {
        transmit(std::move(p));
    } else {
        trace_net(self.node, c.id, "hold " + conn_text(c.id) + ": the receive window is full", id);
        self.unsent_bytes += p.bytes.size();
        self.unsent.push_back(std::move(p));
    }
    return frame_send_status::sent;
}

void sim_network::wake(detail::wait_list& waiters) {
    for (const park_token& t : waiters.take()) core_.unpark(t, wake_reason::unparked);
}

void sim_network::close(conn_state& c, int end) {
    trace_net(c.ends[end].node, c.id, "close " + conn_text(c.id));
    // What was sent before the close still leaves, ahead of the close notice, window or not.
    send_unsent(c, end, true);
    end_gone(c, end, "closed");
    notify_close(c, end, "closed by peer");
    forget_if_done(c);
}

std::unique_ptr<connection> sim_network::accept(listener_state& l) {
    detail::no_lock single_threaded;
    l.acceptor.wait(core_.node(l.node).executor, single_threaded, std::nullopt,
                    [&] { return !l.pending.empty() || l.net == nullptr; });
    // Interrupted with nothing pending: the runtime is shutting down.
    if (l.pending.empty()) return nullptr;
    std::shared_ptr<conn_state> c = std::move(l.pending.front());
    l.pending.pop_front();
    return std::make_unique<sim_connection>(std::move(c), 1);
}

void sim_network::close_listener(listener_state& l) {
    l.net = nullptr;
    listeners_.erase(l.address);
    trace_net(l.node, 0, "unlisten " + l.address);
    for (auto& c : l.pending) {
        end_gone(*c, 1, "listener closed");
        notify_close(*c, 1, "connection reset: listener closed");
        forget_if_done(*c);
    }
    l.pending.clear();
    wake(l.acceptor);
}

// ---- links -------------------------------------------------------------------------------

std::uint64_t sim_network::node_count() const { return core_.node_count(); }

std::vector<std::uint64_t> sim_network::expand(std::uint64_t id) const {
    if (id != 0) return {id};
    std::vector<std::uint64_t> all;
    for (std::uint64_t n = 1; n <= node_count(); ++n) all.push_back(n);
    return all;
}

bool sim_network::clogged(std::uint64_t src, std::uint64_t dst) const {
    return clogged_links_.contains({src, dst}) || clogged_nodes_.contains(src) || clogged_nodes_.contains(dst);
}

// The order of checks: a partition drops everything; loss and duplication hit data frames;
// a clog holds what got through, duplicates included.
void sim_network::transmit(packet p) {
    const std::string what = std::string(kind_text(p.kind)) + " " + conn_text(p.conn);
    if (partitioned_.contains({p.src, p.dst})) {
        trace_fault(p.src, p.conn,
                    "net drop " + what + " " + std::to_string(p.src) + "->" + std::to_string(p.dst) + ": partitioned");
        return;
    }
    const auto now_ns = core_.now().time_since_epoch();
    std::uint64_t extra_ns = 0;
    bool lost = false;
    bool duplicated = false;
    for (std::size_t i = 0; i < rules_.size(); ++i) {
        const link_fault& r = rules_[i];
        if ((r.from != 0 && r.from != p.src) || (r.to != 0 && r.to != p.dst)) continue;
        if (now_ns < r.since || (r.until && now_ns >= *r.until)) continue;
        extra_ns += static_cast<std::uint64_t>(r.delay.count());
        bool fired = r.delay.count() > 0;
        if (p.kind == packet_kind::data) {
            // Each draw happens exactly when it did before the tallies: only until one hit.
            if (!lost && draw(r.loss)) lost = fired = true;
            if (!duplicated && draw(r.duplicate)) duplicated = fired = true;
        }
        if (fired && rule_fired_) rule_fired_(i);
    }
    if (lost) {
        trace_fault(p.src, p.conn, "net lose " + what + " " + std::to_string(p.bytes.size()) + "B");
        return;
    }
    const int copies = duplicated ? 2 : 1;
    if (duplicated) trace_fault(p.src, p.conn, "net duplicate " + what);
    if (p.kind == packet_kind::data) count_in_flight(p, copies);
    for (int i = 0; i < copies; ++i) {
        packet copy = i + 1 < copies ? p : std::move(p);
        if (clogged(copy.src, copy.dst)) {
            trace_fault(copy.src, copy.conn, "net hold " + what);
            held_.emplace_back(std::move(copy), extra_ns);
        } else {
            schedule(std::move(copy), extra_ns);
        }
    }
}

void sim_network::schedule(packet p, std::uint64_t extra_ns) {
    const auto it = conns_.find(p.conn);
    if (it == conns_.end()) return;  // both ends are gone: nobody could receive it
    conn_end& end = it->second->ends[p.to_end];
    const time_point at = std::max(core_.now() + latency() + duration(static_cast<std::int64_t>(extra_ns)),
                                   end.last_arrival);
    end.last_arrival = at;
    core_.start_timer(0, at, [this, p = std::move(p)]() mutable { arrive(std::move(p)); });
}

void sim_network::arrive(packet p) {
    const auto it = conns_.find(p.conn);
    if (it == conns_.end()) return;
    const std::shared_ptr<conn_state> keep = it->second;
    conn_state& c = *keep;
    conn_end& end = c.ends[p.to_end];
    switch (p.kind) {
    case packet_kind::data: {
        const std::size_t size = p.bytes.size();
        end.in_flight_bytes -= size;
        if (end.done || !end.inbox || !end.inbox->push(std::move(p.bytes))) {
            trace_net(p.dst, c.id, "drop frame " + conn_text(c.id) + ": closed");
        } else {
            trace_net(p.dst, c.id, "deliver " + conn_text(c.id) + " " + std::to_string(size) + "B", p.id);
        }
        break;
    }
    case packet_kind::open:
        arrive_open(c, p);
        break;
    case packet_kind::accept:
        if (c.phase == conn_phase::connecting) {
            c.phase = conn_phase::open;
            trace_net(p.dst, c.id, "connected " + conn_text(c.id));
            wake(c.caller);
        }
        break;
    case packet_kind::refuse:
        if (c.phase == conn_phase::connecting) {
            c.phase = conn_phase::failed;
            c.error = "cannot connect to " + c.address + ": connection refused";
            trace_net(p.dst, c.id, "refused " + conn_text(c.id));
            end_gone(c, 0, "connection refused");
            wake(c.caller);
        }
        break;
    case packet_kind::close:
        if (!end.done && end.inbox) {
            trace_net(p.dst, c.id, "closed " + conn_text(c.id) + ": " + p.text);
            end.inbox->close(p.text);
            drop_unsent(end);  // nobody would read them
        }
        break;
    }
    forget_if_done(c);
}

void sim_network::arrive_open(conn_state& c, packet& p) {
    if (c.phase != conn_phase::connecting) return;  // the caller gave up meanwhile
    const auto l = listeners_.find(p.text);
    if (l == listeners_.end()) {
        transmit(packet{packet_kind::refuse, c.id, 0, p.dst, p.src, {}, {}});
        return;
    }
    listener_state& ls = *l->second;
    conn_end& server = c.ends[1];
    server.node = ls.node;
    server.inbox.emplace(core_.node(ls.node).executor);
    ls.pending.push_back(conns_.at(c.id));
    trace_net(ls.node, c.id, "accept " + conn_text(c.id) + " on " + ls.address);
    wake(ls.acceptor);
    transmit(packet{packet_kind::accept, c.id, 0, ls.node, c.ends[0].node, {}, {}});
}

// Tells the other end, over the link, that end `end` went away.
void sim_network::notify_close(conn_state& c, int end, std::string reason) {
    const conn_end& peer = c.ends[1 - end];
    if (peer.node == 0 || peer.done) return;
    transmit(packet{packet_kind::close, c.id, static_cast<std::uint8_t>(1 - end), c.ends[end].node, peer.node, {},
                    std::move(reason)});
}

// The end can no longer send or receive; frames it already received stay readable.
void sim_network::end_gone(conn_state& c, int end, const std::string& reason) {
    conn_end& e = c.ends[end];
    e.done = true;
    if (e.inbox) e.inbox->close(reason);
    drop_unsent(e);
}

void sim_network::abandon(conn_state& c) {
    c.phase = conn_phase::abandoned;
    end_gone(c, 0, "connect abandoned");
    notify_close(c, 0, "connection reset by peer");
    forget_if_done(c);
}

// A connection whose every existing end is done can receive nothing more: packets still in
// flight for it are dropped when they arrive.
void sim_network::forget_if_done(conn_state& c) {
    const bool server_done = c.ends[1].node == 0 || c.ends[1].done;
    if (!c.ends[0].done || !server_done) return;
    if (c.phase == conn_phase::connecting) return;  // the connect is still waiting for its answer
    c.net = nullptr;
    conns_.erase(c.id);
}

duration sim_network::latency() {
    const auto jitter = static_cast<std::uint64_t>(opts_.jitter.count());  // checked by the world
    std::uint64_t extra = 0;
    if (jitter > 0) {
        if (opts_.distribution == latency_jitter::uniform) {
            extra = latency_.below(jitter + 1);
        } else {
            const double mean = static_cast<double>(jitter);
            const double x = -std::log1p(-unit_interval(latency_.next_u64())) * mean;
            extra = static_cast<std::uint64_t>(std::min(x, exponential_cap * mean));
        }
    }
    return opts_.base_latency + duration(static_cast<std::int64_t>(extra));
}

bool sim_network::draw(double probability) {
    if (probability <= 0.0) return false;
    if (probability >= 1.0) return true;
    return unit_interval(faults_.next_u64()) < probability;
}

void sim_network::trace_net(std::uint64_t node, std::uint64_t conn, const std::string& text, std::uint64_t packet) {
    core_.record(node, trace_event{trace_kind::net, 0, packet, conn, text});
}

void sim_network::trace_fault(std::uint64_t node, std::uint64_t conn, const std::string& text) {
    core_.record(node, trace_event{trace_kind::fault, 0, 0, conn, text});
}

std::string sim_network::link_text(std::uint64_t from, std::uint64_t to, bool two_way) const {
    const auto name = [](std::uint64_t n) { return n == 0 ? std::string("*") : std::to_string(n); };
    return name(from) + (two_way ? "<->" : "->") + name(to);
}

void sim_network::set_rules(std::vector<link_fault> rules, std::uint64_t key, std::function<void(std::size_t)> fired) {
    rules_ = std::move(rules);
    rule_fired_ = std::move(fired);
    key_ = key;
    faults_ = prng(key, fault_stream);
}

}  // namespace ractor::sim::internal
