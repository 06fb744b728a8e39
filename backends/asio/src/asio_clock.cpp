#include "asio_clock.hpp"

#include <chrono>
#include <utility>

#include "host.hpp"
#include "worker.hpp"

namespace ractor::asio_backend {

time_point asio_clock::now() const {
    return time_point(std::chrono::duration_cast<duration>(
        std::chrono::steady_clock::now().time_since_epoch()));
}

timer_id asio_clock::start_timer(time_point at, timer_callback fn) {
    worker* w = host_.local_worker();
    if (w == nullptr) w = &host_.next_worker();
    return w->start_timer(at.time_since_epoch().count(), std::move(fn));
}

bool asio_clock::cancel_timer(timer_id id) {
    const auto& workers = host_.workers();
    if (id == 0) return false;
    // Ids are seq * workers + index + 1 (see worker's timer_table), so the id names its worker.
    return workers[(id - 1) % workers.size()]->cancel_timer(id);
}

}  // namespace ractor::asio_backend
