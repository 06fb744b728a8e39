#include "run_queue.hpp"

namespace ractor::asio_backend {

std::size_t run_queue::push(runnable& r) noexcept {
    r.queue_next = nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    if (tail_ != nullptr) {
        tail_->queue_next = &r;
    } else {
        head_ = &r;
    }
    tail_ = &r;
    const std::size_t n = size_.load(std::memory_order_relaxed) + 1;
    size_.store(n, std::memory_order_seq_cst);
    return n;
}

runnable* run_queue::pop() noexcept {
    if (size_.load(std::memory_order_relaxed) == 0) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    runnable* r = head_;
    if (r == nullptr) return nullptr;
    head_ = r->queue_next;
    if (head_ == nullptr) tail_ = nullptr;
    r->queue_next = nullptr;
    size_.store(size_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    return r;
}

std::size_t run_queue::steal_into(run_queue& to, std::size_t max) noexcept {
    runnable* head = nullptr;
    runnable* tail = nullptr;
    std::size_t n = 0;
    {
        std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
        if (!lock.owns_lock() || head_ == nullptr) return 0;
        head = head_;
        tail = head_;
        n = 1;
        while (n < max && tail->queue_next != nullptr) {
            tail = tail->queue_next;
            ++n;
        }
        head_ = tail->queue_next;
        if (head_ == nullptr) tail_ = nullptr;
        tail->queue_next = nullptr;
        size_.store(size_.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
    }
    to.append_chain(head, tail, n);
    return n;
}

void run_queue::append_chain(runnable* head, runnable* tail, std::size_t n) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tail_ != nullptr) {
        tail_->queue_next = head;
    } else {
        head_ = head;
    }
    tail_ = tail;
    size_.store(size_.load(std::memory_order_relaxed) + n, std::memory_order_seq_cst);
}

void run_queue::discard_all() noexcept {
    runnable* r = nullptr;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        r = head_;
        head_ = nullptr;
        tail_ = nullptr;
        size_.store(0, std::memory_order_seq_cst);
    }
    // Outside the lock: a discard may free a cell, whose messages may wake other fibers.
    while (r != nullptr) {
        runnable* next = r->queue_next;
        r->queue_next = nullptr;
        r->discard();
        r = next;
    }
}

}  // namespace ractor::asio_backend
