#pragma once
/// \file
/// The scheduling strategy role of the simulator: which ready candidate runs next.

#include <cstddef>
#include <cstdint>
#include <span>

namespace ractor::sim {

/// What a scheduling candidate is.
enum class candidate_kind : std::uint8_t {
    runnable,  ///< a scheduled runnable that has not started: it will run on a pooled worker fiber
    fiber,     ///< a worker fiber that was parked (or yielded) and may now continue
    fault,     ///< an armed fault of a plan's window or trigger form, which may fire now
    timer,     ///< fire a timer: the next one (task 0), or the due timer whose id is `task` minus bit 62
};

/// One thing the world could run next, described by stable, deterministic ids (never addresses).
///
/// An armed fault gets a task id of its own when it is armed. The `timer` choice that stands
/// for "the next timer" has task 0; with `time_options::timers_as_choices`, the timers due at
/// one instant are offered on their own, each with its timer id plus bit 62 as task.
///
/// A strategy that keeps per-task state (for example PCT priorities) keys it by `task`:
/// a task is one `executor::schedule` call and lasts until that runnable's `run` returns,
/// across every park and resume of the fiber running it.
struct candidate {
    candidate_kind kind = candidate_kind::runnable;
    std::uint64_t task = 0;   ///< 1, 2, 3...: sequence number of the `schedule` call it came from
    std::uint64_t fiber = 0;  ///< worker fiber id (1, 2, 3...) running the task; 0 if not started
    std::uint64_t node = 0;   ///< node whose executor the task was scheduled on
};

/// Decides the order in which the world runs ready work; installed with `world::set_strategy`.
///
/// The world calls `pick` on its thread once per step that runs a candidate, even when
/// there is only one. Candidates are listed in a deterministic order: the order they became
/// ready, except that when one is taken the last one moves into its place. Timers are not
/// candidates: they fire, in time order, only when nothing is ready; but when the only
/// candidates are armed faults and a timer is pending (or, with
/// `time_options::timers_as_choices`, whenever a timer is due), a `timer` candidate is
/// offered last, so that the strategy chooses between the ready work and the next timer.
class scheduling_strategy {
public:
    virtual ~scheduling_strategy() = default;

    /// Returns the index in `choices` (never empty) of the candidate to run now.
    virtual std::size_t pick(std::span<const candidate> choices) = 0;
};

}  // namespace ractor::sim
