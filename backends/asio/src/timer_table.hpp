#pragma once
// The pending timers of one worker thread.

#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <ractor/runtime/clock.hpp>

namespace ractor::asio_backend {

/// A binary heap of timers ordered by deadline (then id), plus an index by id so any thread
/// can cancel. Deadlines are nanoseconds on the steady clock. Starting and cancelling work
/// from any thread; only the owning worker takes due timers. A timer leaves the table when it
/// is taken or cancelled, so "cancel returned true" and "the callback ran" exclude each other.
class timer_table {
public:
    static constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();

    /// Names timers `seq * stride + offset` so that the id alone tells which table owns it.
    timer_table(std::uint64_t stride, std::uint64_t offset) noexcept
        : stride_(stride), offset_(offset) {}

    /// What `add` did.
    struct added {
        timer_id id;
        bool new_earliest;  ///< the deadline is now the earliest of the table
    };

    /// Adds a timer firing at `deadline_ns`.
    added add(std::int64_t deadline_ns, timer_callback fn);

    /// Removes a pending timer; false if it is unknown, fired or cancelled already.
    bool cancel(timer_id id);

    /// Forgets every pending timer; their callbacks are destroyed outside the lock, so a
    /// callback's captures may still use the table while they go.
    void clear();

    /// Moves the callbacks of every timer due at `now_ns` to `out` (owner only).
    void take_due(std::int64_t now_ns, std::vector<timer_callback>& out);

    /// The earliest deadline, or `never` (a snapshot, readable without the lock).
    std::int64_t earliest() const noexcept { return earliest_.load(std::memory_order_seq_cst); }

private:
    struct entry {
        std::int64_t deadline;
        timer_id id;
        timer_callback fn;
        std::size_t index;  // position in heap_
    };

    static bool before(const entry* a, const entry* b) noexcept {
        return a->deadline != b->deadline ? a->deadline < b->deadline : a->id < b->id;
    }
    void sift_up(std::size_t i) noexcept;
    void sift_down(std::size_t i) noexcept;
    void remove_at(std::size_t i) noexcept;
    void place(std::size_t i, entry* e) noexcept {
        heap_[i] = e;
        e->index = i;
    }
    void publish_earliest() noexcept {
        earliest_.store(heap_.empty() ? never : heap_.front()->deadline, std::memory_order_seq_cst);
    }

    std::uint64_t stride_;
    std::uint64_t offset_;
    std::mutex mutex_;
    std::uint64_t next_seq_ = 0;
    std::unordered_map<timer_id, entry> entries_;
    std::vector<entry*> heap_;
    std::atomic<std::int64_t> earliest_{never};
};

}  // namespace ractor::asio_backend
