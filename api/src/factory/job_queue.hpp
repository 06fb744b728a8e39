#pragma once
// A queue of factory jobs by priority, with the shedding of a discard limit.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include <ractor/factory/detail/erased_job.hpp>
#include <ractor/factory/discard.hpp>

namespace ractor::factory::detail {

/// Jobs in priority levels, FIFO within a level; the highest priority (level 0) leaves first.
class job_queue {
public:
    /// A queue of `levels` priority levels (at least one).
    explicit job_queue(std::uint8_t levels = 1);

    /// Appends `job` at the end of its priority level.
    void push(std::unique_ptr<erased_job> job);
    /// The first job of the highest non-empty level; null if the queue is empty.
    std::unique_ptr<erased_job> pop();
    /// Removes jobs of the lowest non-empty levels (oldest or newest first) until at most
    /// `limit` remain, and returns them.
    std::vector<std::unique_ptr<erased_job>> shed(std::size_t limit, discard_mode mode);
    /// Removes and returns every job, highest priority first.
    std::vector<std::unique_ptr<erased_job>> take_all();
    /// True if a queued job has a key with hash `key_hash`.
    bool holds_key(std::uint64_t key_hash) const;

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

private:
    std::vector<std::deque<std::unique_ptr<erased_job>>> levels_;
    std::size_t size_ = 0;
};

}  // namespace ractor::factory::detail
