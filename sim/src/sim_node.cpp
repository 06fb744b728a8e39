#include "sim_node.hpp"

#include <utility>

#include "world_core.hpp"

namespace ractor::sim::internal {

void sim_executor::schedule(runnable& r) { core_.schedule(node_, r); }

void sim_executor::yield() { core_.yield(); }

park_token sim_executor::prepare_park() { return core_.prepare_park(); }

wake_reason sim_executor::park(park_token token, std::optional<time_point> deadline) {
    return core_.park(node_, token, deadline);
}

bool sim_executor::unpark(park_token token, wake_reason reason) {
    return core_.unpark(token, reason);
}

time_point sim_clock::now() const { return core_.now() + skew_; }

timer_id sim_clock::start_timer(time_point at, timer_callback fn) {
    return core_.start_clock_timer(node_, at - skew_, std::move(fn));
}

bool sim_clock::cancel_timer(timer_id id) { return core_.cancel_timer(id); }

void sim_trace_sink::record(const trace_event& e) { core_.record(node_, e); }

}  // namespace ractor::sim::internal
