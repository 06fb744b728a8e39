#pragma once
// The simulated network of a world: listeners, connections and the links between nodes, in
// virtual time, with seeded latencies and the network faults of the fault plan.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <ractor/detail/frame_queue.hpp>
#include <ractor/detail/wait_list.hpp>
#include <ractor/prng.hpp>
#include <ractor/runtime/executor.hpp>
#include <ractor/runtime/transport.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/network_options.hpp>

namespace ractor::sim::internal {

class world_core;
class sim_network;

/// What travels on a link.
enum class packet_kind : std::uint8_t { data, open, accept, refuse, close };

/// One packet in flight: a frame or a control notice of connection `conn` for end `to_end`.
struct packet {
    packet_kind kind = packet_kind::data;
    std::uint64_t conn = 0;
    std::uint8_t to_end = 0;
    std::uint64_t src = 0;  ///< sending node
    std::uint64_t dst = 0;  ///< receiving node
    frame_bytes bytes;
    std::string text;  ///< open: the address; close: the reason
    std::uint64_t id = 0;  ///< data frames: numbered per network; a duplicate keeps the number
};

/// One end of a simulated connection: end 0 is the connecting side, end 1 the accepting one.
///
/// Flow control, as TCP's: the frames in flight to an end plus those in its inbox form its
/// receive window; while that reaches `network_options::receive_queue_limit` the peer's frames
/// wait in the peer's send queue (`unsent`), whose size `send` bounds.
struct conn_end {
    std::uint64_t node = 0;  ///< 0 until the end exists (the accepting end: when the connect arrives)
    std::optional<detail::frame_queue> inbox;
    bool done = false;  ///< closed by its owner, reset, or its node crashed
    /// Arrival time of the last packet scheduled for this end: later ones never arrive before.
    time_point last_arrival{};
    /// Bytes of data packets on their way to this end (scheduled or held by a clog).
    std::size_t in_flight_bytes = 0;
    /// Frames this end sent that wait for the peer's window to open, oldest first.
    std::deque<packet> unsent;
    std::size_t unsent_bytes = 0;
    /// Fibers of this end in `wait_writable`.
    detail::wait_list writers;
};

/// Where the connecting side of a connection is.
enum class conn_phase : std::uint8_t { connecting, open, failed, abandoned };

/// A connection between two ends, shared by the network and the handles of its ends.
struct conn_state {
    std::uint64_t id = 0;
    sim_network* net = nullptr;  ///< null once the network dropped it (or is gone)
    std::string address;
    conn_end ends[2];
    conn_phase phase = conn_phase::connecting;
    std::string error;     ///< why the connect failed
    detail::wait_list caller;  ///< the connecting fiber, while it waits
};

/// A bound address and the connections that arrived on it but were not accepted yet.
struct listener_state {
    std::string address;
    std::uint64_t node = 0;
    sim_network* net = nullptr;  ///< null once closed
    std::deque<std::shared_ptr<conn_state>> pending;
    detail::wait_list acceptor;  ///< the accepting fiber, while it waits
};

/// The network of one world. Single-threaded, like the world; every packet's arrival is a
/// world timer (of node 0, so that a crash never drops it), so traffic interleaves
/// deterministically with everything else.
class sim_network {
public:
    sim_network(world_core& core, std::uint64_t seed, const network_options& opts);
    ~sim_network();

    sim_network(const sim_network&) = delete;
    sim_network& operator=(const sim_network&) = delete;

    // --- the transport role of node `node`
    listen_result listen(std::uint64_t node, const std::string& address);
    connect_result connect(std::uint64_t node, const std::string& address,
                           std::optional<time_point> deadline);
    frame_send_status send(conn_state& c, int end, frame_bytes&& frame);
    writable_status wait_writable(conn_state& c, int end, std::optional<time_point> deadline);
    /// Tells the network that end `end` took a frame from its inbox: its window opens.
    void frame_taken(conn_state& c, int end);
    void close(conn_state& c, int end);
    std::unique_ptr<connection> accept(listener_state& l);
    void close_listener(listener_state& l);

    // --- the world's controls
    void node_crashed(std::uint64_t node, const std::string& name);
    void partition(std::uint64_t from, std::uint64_t to, bool two_way);
    void heal(std::uint64_t from, std::uint64_t to);
    void clog(std::uint64_t from, std::uint64_t to, bool two_way);
    void release(std::uint64_t from, std::uint64_t to);
    void reset(std::uint64_t from, std::uint64_t to);
    void swizzle(std::vector<std::uint64_t> nodes, duration interval);
    /// Installs the link rules of an applied plan and restarts the fault streams from `key`.
    /// Installs the plan's link rules; `fired(i)` is told each time rule `i` lost, duplicated
    /// or delayed a packet (the fault tallies).
    void set_rules(std::vector<link_fault> rules, std::uint64_t key, std::function<void(std::size_t)> fired);

private:
    using link = std::pair<std::uint64_t, std::uint64_t>;

    /// Every node `id` stands for: itself, or (0) every node of the world.
    std::vector<std::uint64_t> expand(std::uint64_t id) const;
    std::uint64_t node_count() const;
    bool clogged(std::uint64_t src, std::uint64_t dst) const;
    void transmit(packet p);
    /// Transmits the oldest unsent frames of end `sender` while the peer's window allows
    /// (all of them when `flush`), then wakes its writers if its send queue has room.
    void send_unsent(conn_state& c, int sender, bool flush);
    /// Drops the unsent frames of an end that can no longer send, and wakes its writers.
    void drop_unsent(conn_end& e);
    bool window_open(const conn_end& receiver) const;
    void wake_writers(conn_end& e);
    /// Wakes every fiber parked in `waiters`.
    void wake(detail::wait_list& waiters);
    void count_in_flight(const packet& p, int copies);
    void schedule(packet p, std::uint64_t extra_ns);
    void arrive(packet p);
    void arrive_open(conn_state& c, packet& p);
    void notify_close(conn_state& c, int end, std::string reason);
    void end_gone(conn_state& c, int end, const std::string& reason);
    void abandon(conn_state& c);
    void forget_if_done(conn_state& c);
    void flush_held();
    duration latency();
    bool draw(double probability);
    /// Records a `net` event; `packet` is the data frame's id (0 for connection events).
    void trace_net(std::uint64_t node, std::uint64_t conn, const std::string& text, std::uint64_t packet = 0);
    void trace_fault(std::uint64_t node, std::uint64_t conn, const std::string& text);
    std::string link_text(std::uint64_t from, std::uint64_t to, bool two_way) const;

    world_core& core_;
    const network_options opts_;
    prng latency_;
    prng faults_;
    std::uint64_t key_;
    std::uint64_t swizzles_ = 0;  ///< swizzles started: each draws its own release order
    std::uint64_t next_conn_ = 1;
    std::uint64_t next_packet_ = 1;
    std::map<std::uint64_t, std::shared_ptr<conn_state>> conns_;
    std::map<std::string, std::shared_ptr<listener_state>, std::less<>> listeners_;
    /// The node each address was last bound on: where a connect to it is routed.
    std::map<std::string, std::uint64_t, std::less<>> address_book_;
    std::vector<link_fault> rules_;
    std::function<void(std::size_t)> rule_fired_;
    std::set<link> partitioned_;
    std::set<link> clogged_links_;
    std::set<std::uint64_t> clogged_nodes_;
    /// Packets held by clogs, in the order they were sent, each with its rule's extra delay.
    std::deque<std::pair<packet, std::uint64_t>> held_;
};

}  // namespace ractor::sim::internal
