#include "run_queue.hpp"

namespace ractor::asio_backend {

void run_queue::chain::push_back(runnable* first, runnable* last) noexcept {
    if (tail != nullptr) {
        tail->queue_next = first;
    } else {
        head = first;
    }
    tail = last;
}

void run_queue::chain::push_front(runnable& r) noexcept {
    r.queue_next = head;
    head = &r;
    if (tail == nullptr) tail = &r;
}

runnable* run_queue::chain::pop_front() noexcept {
    runnable* r = head;
    if (r == nullptr) return nullptr;
    head = r->queue_next;
    if (head == nullptr) tail = nullptr;
    r->queue_next = nullptr;
    return r;
}

std::size_t run_queue::chain::take_front(std::size_t max, chain& out) noexcept {
    if (head == nullptr || max == 0) return 0;
    runnable* first = head;
    runnable* last = head;
    std::size_t n = 1;
    while (n < max && last->queue_next != nullptr) {
        last = last->queue_next;
        ++n;
    }
    head = last->queue_next;
    if (head == nullptr) tail = nullptr;
    last->queue_next = nullptr;
    out.push_back(first, last);
    return n;
}

std::size_t run_queue::push(runnable& r, queue_place where) noexcept {
    r.queue_next = nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    if (where == queue_place::fresh) {
        fresh_.push_front(r);
    } else {
        fifo_.push_back(&r, &r);
    }
    const std::size_t n = size_.load(std::memory_order_relaxed) + 1;
    size_.store(n, std::memory_order_seq_cst);
    return n;
}

runnable* run_queue::pop() noexcept {
    if (size_.load(std::memory_order_relaxed) == 0) return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    runnable* r = nullptr;
    if (fresh_.head != nullptr && (fresh_streak_ < fifo_turn || fifo_.head == nullptr)) {
        ++fresh_streak_;
        r = fresh_.pop_front();
    } else {
        fresh_streak_ = 0;
        r = fifo_.pop_front();
    }
    if (r == nullptr) return nullptr;
    size_.store(size_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    return r;
}

std::size_t run_queue::steal_into(run_queue& to, std::size_t max) noexcept {
    chain taken;
    std::size_t n = 0;
    {
        std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
        if (!lock.owns_lock()) return 0;
        n = fifo_.take_front(max, taken);
        // The fresh stack's top is what its owner runs next; a thief takes from there too,
        // since a singly linked stack has no cheap bottom, and the owner keeps the rest.
        n += fresh_.take_front(max - n, taken);
        if (n == 0) return 0;
        size_.store(size_.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
    }
    to.append_chain(taken, n);
    return n;
}

void run_queue::append_chain(chain c, std::size_t n) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    fifo_.push_back(c.head, c.tail);
    size_.store(size_.load(std::memory_order_relaxed) + n, std::memory_order_seq_cst);
}

void run_queue::discard_all() noexcept {
    chain all;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        all = fifo_;
        if (fresh_.head != nullptr) all.push_back(fresh_.head, fresh_.tail);
        fifo_ = {};
        fresh_ = {};
        size_.store(0, std::memory_order_seq_cst);
    }
    // Outside the lock: a discard may free a cell, whose messages may wake other fibers.
    runnable* r = all.head;
    while (r != nullptr) {
        runnable* next = r->queue_next;
        r->queue_next = nullptr;
        r->discard();
        r = next;
    }
}

}  // namespace ractor::asio_backend
