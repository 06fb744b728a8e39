// Refilling and taking from the rate-limited router's bucket.
#include "leaky_bucket.hpp"

#include <algorithm>

namespace ractor::factory::detail {

leaky_bucket::leaky_bucket(rate_limit limit, time_point now) noexcept
    : limit_(limit), tokens_(limit.capacity), last_refill_(now) {}

bool leaky_bucket::take(time_point now) noexcept {
    if (now > last_refill_) {
        const auto periods = static_cast<std::size_t>((now - last_refill_) / limit_.interval);
        if (periods > 0) {
            // Compared before multiplying, so a long quiet spell cannot overflow the count.
            const std::size_t room = limit_.capacity - tokens_;
            const bool fills = limit_.refill == 0 ? false : periods >= room / limit_.refill + 1;
            tokens_ = fills ? limit_.capacity : std::min(limit_.capacity, tokens_ + periods * limit_.refill);
            last_refill_ += limit_.interval * static_cast<duration::rep>(periods);
        }
    }
    if (tokens_ == 0) return false;
    --tokens_;
    return true;
}

}  // namespace ractor::factory::detail
