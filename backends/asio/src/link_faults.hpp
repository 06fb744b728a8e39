#pragma once
// Partitions between the nodes of one host, and which node is at each end of a connection.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

namespace ractor::asio_backend {

/// The partitions between nodes of one host, consulted by every connection of its nodes.
///
/// The table tells which node of the host is at the other end of a TCP connection from the
/// endpoints alone: every listener of the host registers its bound endpoint, and every
/// connection a node opens registers its (local, remote) endpoint pair, which is unique on the
/// machine while the socket exists. A connection a node opened leads to node X when its remote
/// endpoint is a listener of X (a listener on a wildcard address matches when both ends of the
/// connection have the same IP address, that is when the connection stays on this machine);
/// a connection a node accepted leads to node X when X opened its other end. Connections to
/// or from anything else (another process, another machine) lead to no node and are never cut.
/// Every member is callable from any thread.
class link_faults {
public:
    using endpoint = boost::asio::ip::tcp::endpoint;

    /// One end of a connection: its node and, once known, the host's node at the other end.
    class link {
    public:
        link() = default;
        link(link&& other) noexcept;
        link& operator=(link&& other) noexcept;
        ~link();

        /// Whether frames sent from this end are dropped now: a partition separates the two.
        bool cut() const;

        /// Whether this end, accepted while a partition is in force, may still learn its peer:
        /// the connection stays on this machine and its opener is not registered (yet).
        bool peer_pending() const;

        /// If a partition separates the two ends, keeps `release` until it heals (or the
        /// table drops what it holds) and returns true; else returns false at once.
        bool hold_until_heal(std::function<void()> release) const;

    private:
        friend class link_faults;

        std::uint64_t peer() const;

        link_faults* faults_ = nullptr;
        std::uint64_t node_ = 0;
        // The node at the other end; an accepted connection may learn it late (its opener
        // registers on its own thread), so it is looked up again while still 0.
        mutable std::atomic<std::uint64_t> peer_{0};
        bool accepted_ = false;
        endpoint local_;
        endpoint remote_;
        std::uint64_t registration_ = 0;  // of an opened connection's endpoints, else 0
    };

    /// Registers a listener of `node` bound to `bound`; returns the id `remove_listener` takes.
    std::uint64_t add_listener(std::uint64_t node, const endpoint& bound);
    /// Forgets a listener; idempotent.
    void remove_listener(std::uint64_t id);

    /// The link of a connection `node` opened; registers its endpoints until it is destroyed.
    link opened(std::uint64_t node, const endpoint& local, const endpoint& remote);
    /// The link of a connection `node` accepted.
    link accepted(std::uint64_t node, const endpoint& local, const endpoint& remote);

    /// Cuts the links between nodes `a` and `b` both ways, for every pair of distinct ids among
    /// `a` and `b` expanded (0 stands for every node of `nodes`, the ids 1..nodes).
    void partition(std::uint64_t a, std::uint64_t b, std::uint64_t nodes);
    /// Removes the partitions between `a` and `b` (0: any node), and calls the releases held
    /// for node pairs no longer separated.
    void heal(std::uint64_t a, std::uint64_t b);
    /// Destroys the releases still held, uncalled (the host does it before its io_contexts go).
    void drop_held();

private:
    bool separated(std::uint64_t a, std::uint64_t b) const;
    std::uint64_t peer_of(const link& l) const;
    void forget(const link& l);

    struct listener_entry {
        std::uint64_t node;
        endpoint bound;
    };
    struct opened_entry {
        std::uint64_t node;
        std::uint64_t id;
    };
    struct held_release {
        std::uint64_t a;
        std::uint64_t b;
        std::function<void()> release;
    };

    mutable std::mutex mutex_;
    // Lets every send skip the lock while nothing is partitioned (the usual case).
    std::atomic<bool> any_partition_{false};
    std::set<std::pair<std::uint64_t, std::uint64_t>> partitioned_;  // both orders stored
    std::map<std::uint64_t, listener_entry> listeners_;
    std::map<std::pair<endpoint, endpoint>, opened_entry> opened_;  // (local, remote)
    std::vector<held_release> held_;
    std::uint64_t next_id_ = 1;
};

}  // namespace ractor::asio_backend
