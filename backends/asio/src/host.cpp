#include "host.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <stdexcept>

#include "tcp_transport.hpp"
#include "worker.hpp"

namespace ractor::asio_backend {

namespace {

std::atomic<std::uint64_t> next_host_serial{1};

/// The waiter the calling thread used last, and for which host.
struct waiter_cache {
    std::uint64_t host_serial = 0;
    thread_waiter* waiter = nullptr;
};
thread_local waiter_cache this_thread_waiter;

unsigned thread_count(const host_options& opts) {
    if (opts.threads != 0) return opts.threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

/// Throws `std::invalid_argument` unless `a` and `b` are 0 or ids of the host's `nodes` nodes.
void check_node_ids(const char* what, std::uint64_t a, std::uint64_t b, std::size_t nodes) {
    for (const std::uint64_t id : {a, b}) {
        if (id > nodes) {
            throw std::invalid_argument(std::string(what) + ": no node " + std::to_string(id) + " (the host has " +
                                        std::to_string(nodes) + " nodes)");
        }
    }
}

}  // namespace

host::host(host_options opts)
    : opts_(opts),
      serial_(next_host_serial.fetch_add(1, std::memory_order_relaxed)),
      executor_(*this),
      clock_(*this) {
    const unsigned n = thread_count(opts_);
    workers_.reserve(n);
    for (unsigned i = 0; i < n; ++i) workers_.push_back(std::make_unique<worker>(*this, i, n));
    // Every worker exists before any thread starts, since threads look at each other.
    try {
        for (auto& w : workers_) w->start();
    } catch (...) {
        shutdown();
        throw;
    }
}

host::~host() {
    shutdown();
    // Only a host destroyed on one of its own threads still has a thread to let go.
    for (auto& w : workers_) w->join();
    // Timers that never fired go while every worker and node still exists: their callbacks'
    // captures may reach the clock or a node's trace sink as they are destroyed.
    for (auto& w : workers_) w->drop_timers();
    // Sockets kept open across a partition, too.
    faults_.drop_held();
    // The io_contexts go next, while the nodes and the rest of the host still exist: their
    // pending socket handlers hold connections, whose teardown asks the host whether it stops.
    workers_.clear();
}

ractor::runtime& host::add_node(std::string name, const node_network_options& net) {
    std::lock_guard<std::mutex> lock(nodes_mutex_);
    const std::uint64_t id = nodes_.size() + 1;
    auto transport = std::make_unique<tcp_transport>(*this, id, executor_, opts_.max_frame_size, net);
    auto trace = opts_.trace ? std::make_unique<recording_trace_sink>() : nullptr;
    trace_sink* sink = trace.get();
    tcp_transport* network = transport.get();
    nodes_.push_back(node{std::move(name), std::move(trace), std::move(transport),
                          ractor::runtime{
                              .executor = executor_,
                              .clock = clock_,
                              .entropy = entropy_,
                              .trace = sink,
                              .node_id = id,
                              .batch_budget = opts_.batch_budget,
                              .net = network,
                          }});
    return nodes_.back().runtime;
}

void host::partition(std::uint64_t a, std::uint64_t b) {
    std::lock_guard<std::mutex> lock(nodes_mutex_);
    check_node_ids("runtime_host::partition", a, b, nodes_.size());
    faults_.partition(a, b, nodes_.size());
}

void host::heal(std::uint64_t a, std::uint64_t b) {
    {
        std::lock_guard<std::mutex> lock(nodes_mutex_);
        check_node_ids("runtime_host::heal", a, b, nodes_.size());
    }
    faults_.heal(a, b);  // runs the held closes: not under the nodes' lock
}

void host::shutdown() {
    std::lock_guard<std::mutex> guard(shutdown_mutex_);
    if (!shut_down_) {
        std::vector<thread_waiter*> parked;
        {
            // Under the same lock as park_thread's check, so no thread parks after this.
            std::lock_guard<std::mutex> lock(threads_mutex_);
            stopping_.store(true, std::memory_order_seq_cst);
            parked = parked_threads_;
        }
        for (thread_waiter* w : parked) {
            unpark_token(park_token{w, waiter::epoch_of(w->load())}, wake_reason::interrupted);
        }
        for (auto& w : workers_) w->wake();
        shut_down_ = true;
    }
    for (auto& w : workers_) {
        if (!w->is_current_thread()) w->join();
    }
}

worker& host::pick_worker() noexcept {
    const std::size_t n = workers_.size();
    const std::size_t start = turn_.fetch_add(1, std::memory_order_relaxed) % n;
    worker* sleeper = nullptr;
    for (std::size_t k = 0; k < n; ++k) {
        worker& w = *workers_[(start + k) % n];
        if (!w.idle()) continue;
        if (!w.sleeping()) return w;  // spinning: takes it without a wake-up
        if (sleeper == nullptr) sleeper = &w;
    }
    return sleeper != nullptr ? *sleeper : *workers_[start];
}

worker& host::next_worker() noexcept {
    return *workers_[turn_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

worker* host::local_worker() const noexcept {
    worker* w = worker::current();
    return w != nullptr && &w->owner_host() == this ? w : nullptr;
}

void host::wake_one_sleeper() noexcept {
    for (auto& w : workers_) {
        if (w->sleeping()) {
            w->wake();
            return;
        }
    }
}

thread_waiter& host::waiter_of_this_thread() {
    if (this_thread_waiter.host_serial == serial_) return *this_thread_waiter.waiter;
    std::lock_guard<std::mutex> lock(threads_mutex_);
    auto& slot = thread_waiters_[std::this_thread::get_id()];
    if (!slot) slot = std::make_unique<thread_waiter>();
    this_thread_waiter = waiter_cache{serial_, slot.get()};
    return *slot;
}

wake_reason host::park_thread(thread_waiter& w, park_token token,
                              std::optional<time_point> deadline) {
    const std::uint64_t seen = w.load();
    if (waiter::epoch_of(seen) != token.epoch) return wake_reason::interrupted;  // not our park
    if (waiter::phase_of(seen) == waiter::phase::woken) return waiter::reason_of(seen);
    {
        std::lock_guard<std::mutex> lock(threads_mutex_);
        if (stopping()) {
            w.try_wake(token.epoch, wake_reason::interrupted, false);
            return waiter::reason_of(w.load());
        }
        parked_threads_.push_back(&w);
    }
    {
        std::unique_lock<std::mutex> lock(w.mutex_);
        if (w.try_park(token.epoch)) {
            // The runtime clock is the steady clock, so a deadline converts by its epoch.
            const auto until = std::chrono::steady_clock::time_point(
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    deadline.value_or(time_point::max()).time_since_epoch()));
            while (waiter::phase_of(w.load()) == waiter::phase::parked) {
                if (!deadline) {
                    w.cv_.wait(lock);
                } else if (w.cv_.wait_until(lock, until) == std::cv_status::timeout) {
                    w.try_wake(token.epoch, wake_reason::timed_out, false);
                }
            }
        }
    }
    {
        std::lock_guard<std::mutex> lock(threads_mutex_);
        parked_threads_.erase(std::find(parked_threads_.begin(), parked_threads_.end(), &w));
    }
    return waiter::reason_of(w.load());
}

}  // namespace ractor::asio_backend
