#pragma once
/// \file
/// An intrusive, lock-free, multi-producer single-consumer FIFO queue.

#include <atomic>

namespace ractor::detail {

/// The link every queued item carries.
struct mpsc_node {
    std::atomic<mpsc_node*> next_mpsc{nullptr};
};

/// Vyukov's intrusive MPSC queue: `push` is one exchange plus one store and is wait-free;
/// `pop` is for the single consumer. Items pushed by one producer pop in push order.
/// The queue never owns its items.
class mpsc_queue {
public:
    mpsc_queue() noexcept : head_(&stub_), tail_(&stub_) {}
    mpsc_queue(const mpsc_queue&) = delete;
    mpsc_queue& operator=(const mpsc_queue&) = delete;

    /// Appends `n`. Any thread.
    void push(mpsc_node* n) noexcept {
        n->next_mpsc.store(nullptr, std::memory_order_relaxed);
        mpsc_node* prev = head_.exchange(n, std::memory_order_acq_rel);
        prev->next_mpsc.store(n, std::memory_order_release);
    }

    /// Removes the oldest item, or returns null if the queue is empty or its next item is
    /// still being linked by a producer (that producer notifies the consumer afterwards).
    mpsc_node* pop() noexcept {
        mpsc_node* tail = tail_;
        mpsc_node* next = tail->next_mpsc.load(std::memory_order_acquire);
        if (tail == &stub_) {
            if (next == nullptr) return nullptr;
            tail_ = next;
            tail = next;
            next = next->next_mpsc.load(std::memory_order_acquire);
        }
        if (next != nullptr) {
            tail_ = next;
            return tail;
        }
        if (tail != head_.load(std::memory_order_acquire)) return nullptr;
        push(&stub_);
        next = tail->next_mpsc.load(std::memory_order_acquire);
        if (next != nullptr) {
            tail_ = next;
            return tail;
        }
        return nullptr;
    }

    /// True if nothing has been pushed that was not popped. Consumer only; a push in
    /// progress counts as "not empty".
    bool empty() const noexcept {
        // tail_ is the next item to pop unless it is the stub.
        return tail_ == &stub_ && stub_.next_mpsc.load(std::memory_order_acquire) == nullptr &&
               head_.load(std::memory_order_acquire) == &stub_;
    }

    /// True if something was pushed since the consumer last drained the queue. Reads only the
    /// producers' atomic end, so it is safe after the consumer gave up its role: a drained
    /// queue's head is the stub until the next push.
    bool pushed_since_drained() const noexcept { return head_.load(std::memory_order_acquire) != &stub_; }

private:
    std::atomic<mpsc_node*> head_;
    mpsc_node* tail_;
    mpsc_node stub_;
};

}  // namespace ractor::detail
