#pragma once
// The pending timers of one worker thread.

#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <vector>

#include <ractor/runtime/clock.hpp>

namespace ractor::asio_backend {

/// A binary heap of timers ordered by deadline (then start order), over a slot array that
/// holds the callbacks, so any thread can cancel by id. Deadlines are nanoseconds on the
/// steady clock. Starting and cancelling work from any thread; only the owning worker takes
/// due timers. A timer leaves the table when it is taken or cancelled, so "cancel returned
/// true" and "the callback ran" exclude each other.
///
/// Nothing is allocated per timer once the arrays have grown: the heap holds small values
/// (deadline, sequence, slot), freed slots are reused, and an id names its slot and the
/// slot's generation, so a stale id never cancels the timer that reuses its slot.
class timer_table {
public:
    static constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();

    /// Names timers `key * stride + offset` so that the id alone tells which table owns it.
    timer_table(std::uint64_t stride, std::uint64_t offset) noexcept;

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

    /// Moves the callbacks of the timers due at `now_ns` to `out`, at most `max` of them,
    /// earliest first (owner only).
    void take_due(std::int64_t now_ns, std::size_t max, std::vector<timer_callback>& out);

    /// The earliest deadline, or `never` (a snapshot, readable without the lock).
    std::int64_t earliest() const noexcept { return earliest_.load(std::memory_order_seq_cst); }

private:
    struct heap_entry {
        std::int64_t deadline;
        std::uint64_t seq;   // start order, breaks ties between equal deadlines
        std::uint32_t slot;  // index into slots_
    };
    struct slot {
        timer_callback fn;
        std::uint32_t pos = 0;  // index into heap_ while pending
        std::uint32_t gen = 0;  // bumped each time the slot is freed
        bool pending = false;
    };

    static bool before(const heap_entry& a, const heap_entry& b) noexcept {
        return a.deadline != b.deadline ? a.deadline < b.deadline : a.seq < b.seq;
    }
    void sift_up(std::size_t i) noexcept;
    void sift_down(std::size_t i) noexcept;
    /// Removes heap_[i] and frees its slot; returns the slot's callback.
    timer_callback remove_at(std::size_t i) noexcept;
    void place(std::size_t i, const heap_entry& e) noexcept {
        heap_[i] = e;
        slots_[e.slot].pos = static_cast<std::uint32_t>(i);
    }
    void publish_earliest() noexcept {
        earliest_.store(heap_.empty() ? never : heap_.front().deadline, std::memory_order_seq_cst);
    }

    const std::uint64_t stride_;
    const std::uint64_t offset_;
    const std::uint64_t gen_limit_;  // generations wrap here, so that ids never overflow
    std::mutex mutex_;
    std::uint64_t next_seq_ = 0;
    std::vector<heap_entry> heap_;
    std::vector<slot> slots_;
    std::vector<std::uint32_t> free_;  // unused slots
    std::atomic<std::int64_t> earliest_{never};
};

}  // namespace ractor::asio_backend
