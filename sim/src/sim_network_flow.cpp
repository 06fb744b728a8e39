// Flow control of the simulated network: each end's receive window and send queue, and the
// writers waiting for room (see `conn_end`).

#include <cstddef>
#include <optional>

#include "sim_network.hpp"
#include "world_core.hpp"

namespace ractor::sim::internal {

writable_status sim_network::wait_writable(conn_state& c, int end, std::optional<time_point> deadline) {
    conn_end& self = c.ends[end];
    const auto shut = [&] { return c.net == nullptr || self.done || self.inbox->closed(); };
    const auto room = [&] {
        return shut() || self.unsent_bytes == 0 || self.unsent_bytes < opts_.send_queue_limit;
    };
    detail::no_lock single_threaded;
    const wake_reason why = self.writers.wait(core_.node(self.node).executor, single_threaded, deadline, room);
    if (shut()) return writable_status::closed;
    if (why == wake_reason::unparked) return writable_status::ready;
    return why == wake_reason::timed_out ? writable_status::timed_out : writable_status::closed;
}

void sim_network::frame_taken(conn_state& c, int end) { send_unsent(c, 1 - end, false); }

// The window of an empty end is always open, so that a zero limit still lets frames through.
bool sim_network::window_open(const conn_end& receiver) const {
    const std::size_t used = receiver.in_flight_bytes + receiver.inbox->queued_bytes();
    return used == 0 || used < opts_.receive_queue_limit;
}

void sim_network::send_unsent(conn_state& c, int sender, bool flush) {
    conn_end& self = c.ends[sender];
    const conn_end& peer = c.ends[1 - sender];
    if (self.unsent.empty()) return;
    while (!self.unsent.empty() && (flush || window_open(peer))) {
        packet p = std::move(self.unsent.front());
        self.unsent.pop_front();
        self.unsent_bytes -= p.bytes.size();
        transmit(std::move(p));
    }
    wake_writers(self);
}

void sim_network::drop_unsent(conn_end& e) {
    e.unsent.clear();
    e.unsent_bytes = 0;
    wake_writers(e);
}

void sim_network::wake_writers(conn_end& e) {
    if (e.unsent_bytes > 0 && e.unsent_bytes >= opts_.send_queue_limit) return;
    wake(e.writers);
}

// Every copy on its way counts against the receiver's window until it arrives.
void sim_network::count_in_flight(const packet& p, int copies) {
    const auto it = conns_.find(p.conn);
    if (it != conns_.end()) it->second->ends[p.to_end].in_flight_bytes += p.bytes.size() * static_cast<std::size_t>(copies);
}

}  // namespace ractor::sim::internal
