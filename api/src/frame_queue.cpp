#include <ractor/detail/frame_queue.hpp>

#include <mutex>
#include <utility>

#include <ractor/detail/actor_cell.hpp>

namespace ractor::detail {

bool frame_queue::push(frame_bytes frame) {
    park_token waiter;
    {
        std::lock_guard g(lock_);
        if (closed_) return false;
        frames_.push_back(std::move(frame));
        waiter = std::exchange(waiter_, park_token{});
    }
    if (waiter.waiter) exec_.unpark(waiter);
    return true;
}

void frame_queue::close(std::string reason) {
    park_token waiter;
    {
        std::lock_guard g(lock_);
        if (closed_) return;
        closed_ = true;
        reason_ = std::move(reason);
        waiter = std::exchange(waiter_, park_token{});
    }
    if (waiter.waiter) exec_.unpark(waiter);
}

bool frame_queue::closed() const {
    std::lock_guard g(lock_);
    return closed_;
}

received_frame frame_queue::receive(std::optional<time_point> deadline) {
    for (;;) {
        park_token token;
        {
            std::lock_guard g(lock_);
            if (!frames_.empty()) {
                received_frame r{received_frame::kind::frame, std::move(frames_.front()), {}};
                frames_.pop_front();
                return r;
            }
            if (closed_) return {received_frame::kind::closed, {}, reason_};
            token = exec_.prepare_park();
            waiter_ = token;
        }
        // park_here throws actor_killed inside a killed actor; the waiter is then stale,
        // and a stale token is harmless to unpark.
        const wake_reason why = park_here(exec_, token, deadline);
        std::lock_guard g(lock_);
        if (waiter_.waiter == token.waiter && waiter_.epoch == token.epoch) waiter_ = {};
        if (why == wake_reason::timed_out && frames_.empty() && !closed_) {
            return {received_frame::kind::timed_out, {}, {}};
        }
        if (why == wake_reason::interrupted && frames_.empty() && !closed_) {
            return {received_frame::kind::closed, {}, "interrupted: the runtime is shutting down"};
        }
    }
}

}  // namespace ractor::detail
