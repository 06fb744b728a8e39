// The factory's priority queue and the shedding of its discard limit.
#include "job_queue.hpp"

#include <algorithm>
#include <utility>

namespace ractor::factory::detail {

job_queue::job_queue(std::uint8_t levels) : levels_(std::max<std::size_t>(levels, 1)) {}

void job_queue::push(std::unique_ptr<erased_job> job) {
    const std::size_t level = std::min<std::size_t>(job->options.priority, levels_.size() - 1);
    levels_[level].push_back(std::move(job));
    ++size_;
}

std::unique_ptr<erased_job> job_queue::pop() {
    for (auto& level : levels_) {
        if (level.empty()) continue;
        auto job = std::move(level.front());
        level.pop_front();
        --size_;
        return job;
    }
    return nullptr;
}

std::vector<std::unique_ptr<erased_job>> job_queue::shed(std::size_t limit, discard_mode mode) {
    std::vector<std::unique_ptr<erased_job>> victims;
    for (auto level = levels_.rbegin(); level != levels_.rend() && size_ > limit; ++level) {
        while (!level->empty() && size_ > limit) {
            if (mode == discard_mode::oldest) {
                victims.push_back(std::move(level->front()));
                level->pop_front();
            } else {
                victims.push_back(std::move(level->back()));
                level->pop_back();
            }
            --size_;
        }
    }
    return victims;
}

std::vector<std::unique_ptr<erased_job>> job_queue::take_all() {
    std::vector<std::unique_ptr<erased_job>> all;
    while (auto job = pop()) all.push_back(std::move(job));
    return all;
}

bool job_queue::holds_key(std::uint64_t key_hash) const {
    return std::any_of(levels_.begin(), levels_.end(), [&](const auto& level) {
        return std::any_of(level.begin(), level.end(), [&](const auto& job) { return job->key_hash == key_hash; });
    });
}

}  // namespace ractor::factory::detail
