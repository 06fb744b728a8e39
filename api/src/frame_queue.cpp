#include <ractor/detail/frame_queue.hpp>

#include <utility>

namespace ractor::detail {

bool frame_queue::push(frame_bytes frame) {
    // Counted before it is visible, so that a receive never subtracts what was not added.
    const std::size_t size = frame.size();
    bytes_.fetch_add(size, std::memory_order_acq_rel);
    if (frames_.push(std::move(frame))) return true;
    bytes_.fetch_sub(size, std::memory_order_acq_rel);
    return false;
}

received_frame frame_queue::receive(std::optional<time_point> deadline) {
    auto p = frames_.pop(deadline);
    using kind = parking_queue<frame_bytes>::popped::kind;
    switch (p.what) {
        case kind::item:
            bytes_.fetch_sub(p.item->size(), std::memory_order_acq_rel);
            return {received_frame::kind::frame, std::move(*p.item), {}};
        case kind::timed_out: return {received_frame::kind::timed_out, {}, {}};
        case kind::interrupted: return {received_frame::kind::closed, {}, "interrupted: the runtime is shutting down"};
        default: return {received_frame::kind::closed, {}, std::move(p.reason)};
    }
}

}  // namespace ractor::detail
