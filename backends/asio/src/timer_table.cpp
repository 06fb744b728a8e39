#include "timer_table.hpp"

#include <utility>

namespace ractor::asio_backend {

timer_table::added timer_table::add(std::int64_t deadline_ns, timer_callback fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Grow geometrically before inserting, so nothing below the insertion can throw (a
    // reserve of size()+1 would reallocate, and copy the heap, on every add).
    if (heap_.size() == heap_.capacity()) heap_.reserve(heap_.empty() ? 64 : 2 * heap_.capacity());
    const timer_id id = next_seq_++ * stride_ + offset_;
    auto [it, inserted] = entries_.try_emplace(id, entry{deadline_ns, id, std::move(fn), 0});
    entry* e = &it->second;
    heap_.push_back(e);
    e->index = heap_.size() - 1;
    sift_up(e->index);
    const bool first = heap_.front() == e;
    if (first) publish_earliest();
    return {id, first};
}

bool timer_table::cancel(timer_id id) {
    timer_callback doomed;  // destroyed after the lock is released
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return false;
    const bool was_first = it->second.index == 0;
    remove_at(it->second.index);
    doomed = std::move(it->second.fn);
    entries_.erase(it);
    if (was_first) publish_earliest();
    return true;
}

void timer_table::take_due(std::int64_t now_ns, std::vector<timer_callback>& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    bool taken = false;
    while (!heap_.empty() && heap_.front()->deadline <= now_ns) {
        entry* e = heap_.front();
        out.push_back(std::move(e->fn));
        remove_at(0);
        entries_.erase(e->id);
        taken = true;
    }
    if (taken) publish_earliest();
}

void timer_table::clear() {
    for (;;) {
        std::unordered_map<timer_id, entry> doomed;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (entries_.empty()) return;
            doomed.swap(entries_);
            heap_.clear();
            publish_earliest();
        }
    }
}

void timer_table::sift_up(std::size_t i) noexcept {
    entry* e = heap_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!before(e, heap_[parent])) break;
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, e);
}

void timer_table::sift_down(std::size_t i) noexcept {
    entry* e = heap_[i];
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

void timer_table::remove_at(std::size_t i) noexcept {
    entry* last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;
    place(i, last);
    if (i > 0 && before(last, heap_[(i - 1) / 2])) {
        sift_up(i);
    } else {
        sift_down(i);
    }
}

}  // namespace ractor::asio_backend
