#pragma once
// The token bucket of the rate-limited router, refilled from the runtime clock.

#include <cstddef>

#include <ractor/factory/routing.hpp>
#include <ractor/runtime/time.hpp>

namespace ractor::factory::detail {

/// A leaky bucket: starts full, `refill` tokens come back every whole `interval` since the
/// last refill, up to `capacity`. The interval must be positive (the factory checks it).
class leaky_bucket {
public:
    leaky_bucket(rate_limit limit, time_point now) noexcept;
    /// Takes one token at time `now`; false if there was none.
    bool take(time_point now) noexcept;

private:
    rate_limit limit_;
    std::size_t tokens_;
    time_point last_refill_;
};

}  // namespace ractor::factory::detail
