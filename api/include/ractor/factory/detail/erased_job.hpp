#pragma once
/// \file
/// A job with its types erased, as the factory core queues and routes it.

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include <ractor/factory/job.hpp>
#include <ractor/runtime/time.hpp>

namespace ractor::factory::detail {

/// What the factory core needs of a job: its key's hash, its options, when it arrived.
struct erased_job {
    virtual ~erased_job() = default;
    std::uint64_t key_hash = 0;
    job_options options{};
    time_point arrived{};  ///< set by the factory when the job reaches it
};

/// The typed job inside an `erased_job`; the worker and the discard handler downcast to it.
template <class Key, class Msg>
struct typed_job final : erased_job {
    explicit typed_job(job<Key, Msg> j) : value(std::move(j)) {
        key_hash = static_cast<std::uint64_t>(std::hash<Key>{}(value.key));
        options = value.options;
    }
    job<Key, Msg> value;
};

/// A worker's one message: the job it is to handle.
struct worker_job {
    std::unique_ptr<erased_job> job;
};

}  // namespace ractor::factory::detail
