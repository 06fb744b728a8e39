#include "link_faults.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

namespace ractor::asio_backend {

namespace {

/// `e` with an IPv4-mapped IPv6 address as plain IPv4: a dual-stack socket reports the peer
/// that way, while the peer itself sees IPv4.
link_faults::endpoint normalized(const link_faults::endpoint& e) {
    const auto a = e.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        return {boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()), e.port()};
    }
    return e;
}

std::vector<std::uint64_t> expand(std::uint64_t id, std::uint64_t nodes) {
    if (id != 0) return {id};
    std::vector<std::uint64_t> all;
    for (std::uint64_t n = 1; n <= nodes; ++n) all.push_back(n);
    return all;
}

}  // namespace

link_faults::link::link(link&& other) noexcept
    : faults_(std::exchange(other.faults_, nullptr)),
      node_(other.node_),
      peer_(other.peer_.load(std::memory_order_relaxed)),
      accepted_(other.accepted_),
      local_(other.local_),
      remote_(other.remote_),
      registration_(std::exchange(other.registration_, 0)) {}

link_faults::link& link_faults::link::operator=(link&& other) noexcept {
    if (this != &other) {
        if (faults_ != nullptr && registration_ != 0) faults_->forget(*this);
        faults_ = std::exchange(other.faults_, nullptr);
        node_ = other.node_;
        peer_.store(other.peer_.load(std::memory_order_relaxed), std::memory_order_relaxed);
        accepted_ = other.accepted_;
        local_ = other.local_;
        remote_ = other.remote_;
        registration_ = std::exchange(other.registration_, 0);
    }
    return *this;
}

link_faults::link::~link() {
    if (faults_ != nullptr && registration_ != 0) faults_->forget(*this);
}

bool link_faults::link::cut() const {
    if (faults_ == nullptr || !faults_->any_partition_.load(std::memory_order_acquire)) return false;
    const std::uint64_t p = peer();
    return p != 0 && faults_->separated(node_, p);
}

bool link_faults::link::peer_pending() const {
    if (faults_ == nullptr || !accepted_ || !faults_->any_partition_.load(std::memory_order_acquire)) return false;
    // A connection within one machine has the same address at both ends.
    return peer() == 0 && local_.address() == remote_.address();
}

bool link_faults::link::hold_until_heal(std::function<void()> release) const {
    if (faults_ == nullptr || !faults_->any_partition_.load(std::memory_order_acquire)) return false;
    const std::uint64_t p = peer();
    if (p == 0) return false;
    std::lock_guard<std::mutex> lock(faults_->mutex_);
    // Checked under the lock so that a heal cannot slip in between and leave it held.
    if (!faults_->partitioned_.contains({node_, p})) return false;
    faults_->held_.push_back(held_release{node_, p, std::move(release)});
    return true;
}

std::uint64_t link_faults::link::peer() const {
    std::uint64_t p = peer_.load(std::memory_order_relaxed);
    if (p == 0 && accepted_) {
        p = faults_->peer_of(*this);
        if (p != 0) peer_.store(p, std::memory_order_relaxed);
    }
    return p;
}

std::uint64_t link_faults::add_listener(std::uint64_t node, const endpoint& bound) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::uint64_t id = next_id_++;
    listeners_.emplace(id, listener_entry{node, normalized(bound)});
    return id;
}

void link_faults::remove_listener(std::uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    listeners_.erase(id);
}

link_faults::link link_faults::opened(std::uint64_t node, const endpoint& local, const endpoint& remote) {
    link l;
    l.faults_ = this;
    l.node_ = node;
    l.local_ = normalized(local);
    l.remote_ = normalized(remote);
    std::lock_guard<std::mutex> lock(mutex_);
    l.registration_ = next_id_++;
    // A stale entry of a closed socket may hold the same endpoints: the new socket wins.
    opened_.insert_or_assign({l.local_, l.remote_}, opened_entry{node, l.registration_});
    for (const auto& [id, entry] : listeners_) {
        const bool exact = entry.bound == l.remote_;
        const bool wildcard = entry.bound.address().is_unspecified() && entry.bound.port() == l.remote_.port() &&
                              l.local_.address() == l.remote_.address();
        if (exact || wildcard) {
            l.peer_.store(entry.node, std::memory_order_relaxed);
            break;
        }
    }
    return l;
}

link_faults::link link_faults::accepted(std::uint64_t node, const endpoint& local, const endpoint& remote) {
    link l;
    l.faults_ = this;
    l.node_ = node;
    l.accepted_ = true;
    l.local_ = normalized(local);
    l.remote_ = normalized(remote);
    l.peer_.store(peer_of(l), std::memory_order_relaxed);
    return l;
}

void link_faults::partition(std::uint64_t a, std::uint64_t b, std::uint64_t nodes) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::uint64_t x : expand(a, nodes)) {
        for (const std::uint64_t y : expand(b, nodes)) {
            if (x == y) continue;
            partitioned_.insert({x, y});
            partitioned_.insert({y, x});
        }
    }
    any_partition_.store(!partitioned_.empty(), std::memory_order_release);
}

void link_faults::heal(std::uint64_t a, std::uint64_t b) {
    const auto matches = [&](std::uint64_t x, std::uint64_t y) { return (a == 0 || x == a) && (b == 0 || y == b); };
    std::vector<held_release> released;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        std::erase_if(partitioned_, [&](const std::pair<std::uint64_t, std::uint64_t>& p) {
            return matches(p.first, p.second) || matches(p.second, p.first);
        });
        any_partition_.store(!partitioned_.empty(), std::memory_order_release);
        const auto still_held = std::stable_partition(held_.begin(), held_.end(), [&](const held_release& h) {
            return partitioned_.contains({h.a, h.b});
        });
        released.assign(std::make_move_iterator(still_held), std::make_move_iterator(held_.end()));
        held_.erase(still_held, held_.end());
    }
    // Outside the lock: a release may end a connection, whose link then leaves the table.
    for (auto& h : released) h.release();
}

void link_faults::drop_held() {
    std::vector<held_release> dropped;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        dropped.swap(held_);
    }
}

bool link_faults::separated(std::uint64_t a, std::uint64_t b) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return partitioned_.contains({a, b});
}

std::uint64_t link_faults::peer_of(const link& l) const {
    std::lock_guard<std::mutex> lock(mutex_);
    // The other end of an accepted connection was opened with these endpoints swapped.
    const auto it = opened_.find({l.remote_, l.local_});
    return it == opened_.end() ? 0 : it->second.node;
}

void link_faults::forget(const link& l) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = opened_.find({l.local_, l.remote_});
    if (it != opened_.end() && it->second.id == l.registration_) opened_.erase(it);
}

}  // namespace ractor::asio_backend
