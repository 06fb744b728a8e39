#pragma once
// The state behind a runtime_host: worker threads, the shared roles and the nodes.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <ractor/asio_backend/host_options.hpp>
#include <ractor/asio_backend/node_network_options.hpp>
#include <ractor/asio_backend/recording_trace_sink.hpp>
#include <ractor/runtime/runtime.hpp>

#include "asio_clock.hpp"
#include "fiber_executor.hpp"
#include "link_faults.hpp"
#include "os_entropy.hpp"
#include "waiter.hpp"

namespace ractor::asio_backend {

class tcp_transport;
class worker;

/// Everything a runtime_host owns. Workers, waiters and nodes live until it is destroyed.
class host {
public:
    explicit host(host_options opts);
    ~host();

    host(const host&) = delete;
    host& operator=(const host&) = delete;

    ractor::runtime& add_node(std::string name, const node_network_options& net);
    /// See `runtime_host::partition`.
    void partition(std::uint64_t a, std::uint64_t b);
    /// See `runtime_host::heal`.
    void heal(std::uint64_t a, std::uint64_t b);
    /// The partitions between this host's nodes, consulted by their connections.
    link_faults& faults() noexcept { return faults_; }
    void shutdown();
    unsigned threads() const noexcept { return static_cast<unsigned>(workers_.size()); }

    /// Whether shutdown has begun (then nothing new is scheduled, and parks are interrupted).
    bool stopping() const noexcept { return stopping_.load(std::memory_order_seq_cst); }
    std::size_t budget() const noexcept { return opts_.batch_budget; }
    const std::vector<std::unique_ptr<worker>>& workers() const noexcept { return workers_; }

    /// The worker a thread outside this host should hand a runnable to: an idle one if any.
    worker& pick_worker() noexcept;
    /// The next worker in turn, for timers started outside this host's threads.
    worker& next_worker() noexcept;
    /// The worker of the calling thread if it belongs to this host, else null.
    worker* local_worker() const noexcept;
    /// Wakes one sleeping worker, if one sleeps.
    void wake_one_sleeper() noexcept;

    /// The waiter of the calling (non-worker) thread; reused by a later thread of the same id.
    thread_waiter& waiter_of_this_thread();
    /// Blocks the calling non-worker thread on its waiter (see `executor::park`).
    wake_reason park_thread(thread_waiter& w, park_token token, std::optional<time_point> deadline);

    std::atomic<unsigned> sleepers_{0};  ///< workers sleeping in their io_context
    std::atomic<unsigned> spinners_{0};  ///< workers spinning for work

private:
    struct node {
        std::string name;
        std::unique_ptr<recording_trace_sink> trace;
        std::unique_ptr<tcp_transport> net;
        ractor::runtime runtime;
    };

    host_options opts_;
    const std::uint64_t serial_;  // tells hosts apart in the threads' waiter caches
    fiber_executor executor_;
    asio_clock clock_;
    os_entropy entropy_;
    link_faults faults_;
    std::vector<std::unique_ptr<worker>> workers_;
    std::atomic<bool> stopping_{false};
    std::atomic<unsigned> turn_{0};

    std::mutex nodes_mutex_;
    std::deque<node> nodes_;

    std::mutex threads_mutex_;
    std::unordered_map<std::thread::id, std::unique_ptr<thread_waiter>> thread_waiters_;
    std::vector<thread_waiter*> parked_threads_;

    std::mutex shutdown_mutex_;
    bool shut_down_ = false;
};

}  // namespace ractor::asio_backend
