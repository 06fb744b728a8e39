#include "timer_table.hpp"

#include <utility>

namespace ractor::asio_backend {

namespace {

constexpr std::uint64_t slot_bits = 32;

/// Grows `v` geometrically so that one more element fits without a reallocation later.
template <class T>
void make_room(std::vector<T>& v) {
    if (v.size() == v.capacity()) v.reserve(v.empty() ? 64 : 2 * v.capacity());
}

}  // namespace

timer_table::timer_table(std::uint64_t stride, std::uint64_t offset) noexcept
    : stride_(stride),
      offset_(offset),
      gen_limit_(std::numeric_limits<std::uint64_t>::max() / stride / (std::uint64_t{1} << slot_bits)) {}

timer_table::added timer_table::add(std::int64_t deadline_ns, timer_callback fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Everything that can throw comes first: below, nothing allocates.
    make_room(heap_);
    std::uint32_t s;
    if (free_.empty()) {
        make_room(slots_);
        free_.reserve(slots_.capacity());  // room for every slot: freeing one never allocates
        s = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    } else {
        s = free_.back();
        free_.pop_back();
    }
    slot& sl = slots_[s];
    sl.fn = std::move(fn);
    sl.pending = true;
    const timer_id id = ((std::uint64_t{sl.gen} << slot_bits) | s) * stride_ + offset_;
    heap_.push_back({deadline_ns, next_seq_++, s});
    sl.pos = static_cast<std::uint32_t>(heap_.size() - 1);
    sift_up(sl.pos);
    const bool first = sl.pos == 0;
    if (first) publish_earliest();
    return {id, first};
}

bool timer_table::cancel(timer_id id) {
    timer_callback doomed;  // destroyed after the lock is released
    std::lock_guard<std::mutex> lock(mutex_);
    if (id < offset_ || (id - offset_) % stride_ != 0) return false;
    const std::uint64_t key = (id - offset_) / stride_;
    const std::uint64_t s = key & ((std::uint64_t{1} << slot_bits) - 1);
    if (s >= slots_.size()) return false;
    const slot& sl = slots_[s];
    if (!sl.pending || sl.gen != (key >> slot_bits)) return false;
    const bool was_first = sl.pos == 0;
    doomed = remove_at(sl.pos);
    if (was_first) publish_earliest();
    return true;
}

void timer_table::take_due(std::int64_t now_ns, std::size_t max, std::vector<timer_callback>& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    bool taken = false;
    for (std::size_t n = 0; n < max && !heap_.empty() && heap_.front().deadline <= now_ns; ++n) {
        make_room(out);  // before the timer leaves the table, so an allocation failure loses none
        out.push_back(remove_at(0));
        taken = true;
    }
    if (taken) publish_earliest();
}

void timer_table::clear() {
    for (;;) {
        std::vector<timer_callback> doomed;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (heap_.empty()) return;
            doomed.reserve(heap_.size());
            // The last entry of a heap leaves without any sifting.
            while (!heap_.empty()) doomed.push_back(remove_at(heap_.size() - 1));
            publish_earliest();
        }
    }
}

void timer_table::sift_up(std::size_t i) noexcept {
    const heap_entry e = heap_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!before(e, heap_[parent])) break;
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, e);
}

void timer_table::sift_down(std::size_t i) noexcept {
    const heap_entry e = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
        if (!before(heap_[child], e)) break;
        place(i, heap_[child]);
        i = child;
    }
    place(i, e);
}

timer_callback timer_table::remove_at(std::size_t i) noexcept {
    const std::uint32_t s = heap_[i].slot;
    slot& sl = slots_[s];
    timer_callback fn = std::move(sl.fn);
    sl.fn = nullptr;
    sl.pending = false;
    sl.gen = sl.gen + 1 == gen_limit_ ? 0 : static_cast<std::uint32_t>(sl.gen + 1);
    free_.push_back(s);  // capacity was reserved when the slot was made
    const heap_entry last = heap_.back();
    heap_.pop_back();
    if (i < heap_.size()) {
        place(i, last);
        if (i > 0 && before(last, heap_[(i - 1) / 2])) {
            sift_up(i);
        } else {
            sift_down(i);
        }
    }
    return fn;
}

}  // namespace ractor::asio_backend
