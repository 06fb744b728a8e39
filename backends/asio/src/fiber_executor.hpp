#pragma once
// The executor role of the asio backend.

#include <optional>

#include <ractor/runtime/executor.hpp>

namespace ractor::asio_backend {

class host;

/// Runs runnables on the worker fibers of a host; parks fibers, or threads outside the host.
///
/// A park on a worker fiber suspends only that fiber (its thread goes on with other
/// runnables); a park on any other thread blocks that thread on a condition variable. A park
/// from a worker thread outside any worker fiber (a timer callback) never blocks: it returns
/// at once with `interrupted` unless its token was already unparked.
class fiber_executor final : public executor {
public:
    explicit fiber_executor(host& h) noexcept : host_(h) {}

    void schedule(runnable& r) override;
    /// On a worker of this host, onto that worker's fresh stack; elsewhere as `schedule`.
    void schedule_fresh(runnable& r) override;
    void yield() override;
    park_token prepare_park() override;
    wake_reason park(park_token token, std::optional<time_point> deadline) override;
    bool unpark(park_token token, wake_reason reason = wake_reason::unparked) override;

private:
    host& host_;
};

}  // namespace ractor::asio_backend
