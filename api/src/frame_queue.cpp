#include <ractor/detail/frame_queue.hpp>

#include <utility>

namespace ractor::detail {

received_frame frame_queue::receive(std::optional<time_point> deadline) {
    auto p = frames_.pop(deadline);
    using kind = parking_queue<frame_bytes>::popped::kind;
    switch (p.what) {
        case kind::item: return {received_frame::kind::frame, std::move(*p.item), {}};
        case kind::timed_out: return {received_frame::kind::timed_out, {}, {}};
        case kind::interrupted: return {received_frame::kind::closed, {}, "interrupted: the runtime is shutting down"};
        default: return {received_frame::kind::closed, {}, std::move(p.reason)};
    }
}

}  // namespace ractor::detail
