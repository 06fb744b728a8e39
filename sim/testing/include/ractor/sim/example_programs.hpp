#pragma once
/// \file
/// The example actor programs built into `ractor-sim` (and used by the simulator's tests).

#include <string_view>
#include <vector>

#include <ractor/sim/program.hpp>

namespace ractor::sim {

/// The built-in programs, in `ractor-sim list` order:
///
/// * `ping-pong`: two actors bounce a ball 1,000 times (message-heavy).
/// * `ping-pong-100k`: the same with 100,000 bounces, for throughput figures.
/// * `worker-pool`: a one_for_one supervisor with four workers; every fifth job crashes
///   its worker, which the supervisor restarts; the caller sees the crashed jobs fail and
///   all others succeed.
/// * `one-call`: one actor answers one call; the run fails if the call does, so with a
///   fault rate r (one handler invocation per run) a fraction r of the seeds fails.
/// * `bank`: a planted bug. A transfer withdraws from one account and deposits into
///   another one hop later, through a clearing house; an auditor meanwhile sums all the
///   balances through calls. Schedules that delay that hop past the audit see money
///   missing and fail the run: rare under the random strategy, common under PCT.
/// * `acked-write`: a planted bug. A store acknowledges each put in the step that casts it
///   to its disk writer; a crash of the store between that step and the writer's loses an
///   acknowledged put. The crash is planned "some time in [0, 8 ms]" (window form), so the
///   strategy places it between two steps and exploration finds the loss.
/// * `acked-write-exact`: the same with the crash at exactly 3 ms, where the world is idle:
///   no seed ever loses a put, which is why faults need to be scheduling choices.
/// * `late-reply`: a planted bug. A client gives a lookup up after 10 ms, but reports an
///   answer that arrives after that too. The program turns the cost model on (handlers take
///   up to 15 ms, timers are scheduling choices), so answers can be late.
/// * `late-reply-no-cost`: the same without the cost model, where every answer comes at the
///   instant of its question: no seed ever catches it.
/// * `ticker`: ten actors on two nodes with periodic timers over ten virtual seconds
///   (timer-heavy).
/// * `stuck-call`: a caller waits for a reply that never comes (a liveness failure).
/// * `livelock`: two actors bounce a message forever (fails on the step budget).
const std::vector<named_program>& example_programs();

/// The example program called `name`, or null.
const named_program* find_example_program(std::string_view name);

}  // namespace ractor::sim
