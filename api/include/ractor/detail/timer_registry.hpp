#pragma once
/// \file
/// The pending timers of one node's actors, so an actor's exit cancels the timers aimed at it.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace ractor::detail {

struct timer_state;

/// Pending timers by target actor. A timer registers when it starts and unregisters when it
/// fires its last time or is cancelled; when its target stops, the rest are cancelled, so a
/// dead actor's timers release their messages at once instead of when they come due.
class timer_registry {
public:
    /// Registers `t`, aimed at actor `owner`; returns its key.
    std::uint64_t add(std::uint64_t owner, const std::shared_ptr<timer_state>& t);
    /// Unregisters a timer that finished.
    void remove(std::uint64_t owner, std::uint64_t key);
    /// Cancels every timer still aimed at `owner`.
    void cancel_all(std::uint64_t owner);
    /// Cancels every pending timer (the node is going away).
    void cancel_everything();

private:
    std::mutex mutex_;
    std::uint64_t next_key_ = 1;
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::weak_ptr<timer_state>> pending_;
};

}  // namespace ractor::detail
