#pragma once
// The clock role of the asio backend.

#include <ractor/runtime/clock.hpp>

namespace ractor::asio_backend {

class host;

/// Steady time (nanoseconds since the steady clock's epoch) and timers run by the workers:
/// a timer started on a worker thread runs on that thread, others go to the workers in turn.
class asio_clock final : public clock {
public:
    explicit asio_clock(host& h) noexcept : host_(h) {}

    time_point now() const override;
    timer_id start_timer(time_point at, timer_callback fn) override;
    bool cancel_timer(timer_id id) override;

private:
    host& host_;
};

}  // namespace ractor::asio_backend
