#include "connection_queue.hpp"

#include <mutex>
#include <utility>

#include <ractor/detail/actor_cell.hpp>

namespace ractor::asio_backend {

void connection_queue::push(std::unique_ptr<connection> c) {
    park_token waiter;
    {
        std::lock_guard g(lock_);
        if (closed_) return;  // `c` is dropped outside the lock
        ready_.push_back(std::move(c));
        waiter = std::exchange(waiter_, park_token{});
    }
    if (waiter.waiter) exec_.unpark(waiter);
}

void connection_queue::close() {
    park_token waiter;
    std::deque<std::unique_ptr<connection>> dropped;
    {
        std::lock_guard g(lock_);
        if (closed_) return;
        closed_ = true;
        dropped.swap(ready_);
        waiter = std::exchange(waiter_, park_token{});
    }
    if (waiter.waiter) exec_.unpark(waiter);
}

std::unique_ptr<connection> connection_queue::pop() {
    for (;;) {
        park_token token;
        {
            std::lock_guard g(lock_);
            if (!ready_.empty()) {
                auto c = std::move(ready_.front());
                ready_.pop_front();
                return c;
            }
            if (closed_) return nullptr;
            token = exec_.prepare_park();
            waiter_ = token;
        }
        const wake_reason why = detail::park_here(exec_, token, std::nullopt);
        std::lock_guard g(lock_);
        if (waiter_.waiter == token.waiter && waiter_.epoch == token.epoch) waiter_ = {};
        if (why == wake_reason::interrupted && ready_.empty()) return nullptr;
    }
}

}  // namespace ractor::asio_backend
