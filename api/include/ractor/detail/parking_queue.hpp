#pragma once
/// \file
/// A queue whose one consumer parks through the executor until an item, a close or a deadline.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <ractor/detail/actor_cell.hpp>
#include <ractor/detail/spinlock.hpp>
#include <ractor/runtime/executor.hpp>

namespace ractor::detail {

/// Items produced on any thread (a socket's completion handler, a simulated delivery) for
/// one consuming fiber. The wait goes through the executor, so it is virtual in the
/// simulator and a kill interrupts it inside an actor. The transports build their receive
/// (`frame_queue`) and accept queues on it.
template <class T>
class parking_queue {
public:
    /// What `pop` returned.
    struct popped {
        enum class kind : std::uint8_t {
            item,         ///< `item` holds the next item
            closed,       ///< closed and drained; `reason` says why
            timed_out,    ///< the deadline passed first
            interrupted,  ///< the runtime interrupted the wait (shutting down)
        };
        kind what = kind::closed;
        std::optional<T> item;
        std::string reason;
    };

    explicit parking_queue(executor& ex) noexcept : exec_(ex) {}

    /// Appends `item` and wakes the consumer; false (item dropped) once closed.
    bool push(T item) {
        park_token waiter;
        {
            std::lock_guard g(lock_);
            if (closed_) return false;
            items_.push_back(std::move(item));
            waiter = std::exchange(waiter_, park_token{});
        }
        if (waiter.waiter) exec_.unpark(waiter);
        return true;
    }

    /// Refuses further items and wakes the consumer; the first reason wins. Items queued
    /// before the close are still popped, unless `take_all` takes them.
    void close(std::string reason = {}) {
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

    /// Takes every queued item out (to drop them outside the lock).
    std::deque<T> take_all() {
        std::lock_guard g(lock_);
        return std::exchange(items_, {});
    }

    /// True once `close` was called.
    bool closed() const {
        std::lock_guard g(lock_);
        return closed_;
    }

    /// The next item, the close, an interruption or a time-out at `deadline`.
    popped pop(std::optional<time_point> deadline) {
        for (;;) {
            park_token token;
            {
                std::lock_guard g(lock_);
                if (!items_.empty()) {
                    popped p{popped::kind::item, std::move(items_.front()), {}};
                    items_.pop_front();
                    return p;
                }
                if (closed_) return {popped::kind::closed, std::nullopt, reason_};
                token = exec_.prepare_park();
                waiter_ = token;
            }
            // park_here throws actor_killed inside a killed actor; the waiter is then stale,
            // and a stale token is harmless to unpark.
            const wake_reason why = park_here(exec_, token, deadline);
            std::lock_guard g(lock_);
            if (waiter_.waiter == token.waiter && waiter_.epoch == token.epoch) waiter_ = {};
            if (items_.empty() && !closed_) {
                if (why == wake_reason::timed_out) return {popped::kind::timed_out, std::nullopt, {}};
                if (why == wake_reason::interrupted) return {popped::kind::interrupted, std::nullopt, {}};
            }
        }
    }

private:
    executor& exec_;
    mutable spinlock lock_;
    std::deque<T> items_;
    bool closed_ = false;
    std::string reason_;
    park_token waiter_{};
};

}  // namespace ractor::detail
