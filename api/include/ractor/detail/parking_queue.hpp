#pragma once
/// \file
/// A queue whose one consumer parks through the executor until an item, a close or a deadline.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ractor/detail/spinlock.hpp>
#include <ractor/detail/wait_list.hpp>
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
        std::vector<park_token> woken;
        {
            std::lock_guard g(lock_);
            if (closed_) return false;
            items_.push_back(std::move(item));
            woken = consumer_.take();
        }
        unpark_all(exec_, woken);
        return true;
    }

    /// Refuses further items and wakes the consumer; the first reason wins. Items queued
    /// before the close are still popped, unless `take_all` takes them.
    void close(std::string reason = {}) {
        std::vector<park_token> woken;
        {
            std::lock_guard g(lock_);
            if (closed_) return;
            closed_ = true;
            reason_ = std::move(reason);
            woken = consumer_.take();
        }
        unpark_all(exec_, woken);
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
        const wake_reason why =
            consumer_.wait(exec_, lock_, deadline, [this] { return !items_.empty() || closed_; });
        std::lock_guard g(lock_);
        if (!items_.empty()) {
            popped p{popped::kind::item, std::move(items_.front()), {}};
            items_.pop_front();
            return p;
        }
        if (closed_) return {popped::kind::closed, std::nullopt, reason_};
        return {why == wake_reason::timed_out ? popped::kind::timed_out : popped::kind::interrupted, std::nullopt, {}};
    }

private:
    executor& exec_;
    mutable spinlock lock_;
    std::deque<T> items_;
    bool closed_ = false;
    std::string reason_;
    wait_list consumer_;  // the one consumer, while it waits
};

}  // namespace ractor::detail
