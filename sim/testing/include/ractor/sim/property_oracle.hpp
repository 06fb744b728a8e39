#pragma once
/// \file
/// The supervision oracle: what OTP semantics predict for a tree under a failure plan.

#include <set>
#include <string>
#include <vector>

#include <ractor/sim/property_case.hpp>

namespace ractor::sim {

/// What a run of a case logs and leaves running.
///
/// The log has one line per event, in order: `start <path>` when a node is started
/// (a supervisor before its children), `ignore <path>` and `refuse <path>` when a worker's
/// start returns null or throws, `stop <path>` when a worker's post_stop runs,
/// `fault <path> <kind> @<ms>` when a planned fault hits a running node, `skip <path> @<ms>`
/// when its target is not running, and `root exit` when the root supervisor ends.
struct supervision_outcome {
    std::vector<std::string> log;
    std::set<std::string> running;  ///< paths running after the last fault
};

/// Predicts the outcome of `c` from the rules of docs/supervision.md, ignoring its
/// mutation: faults are applied one at a time, each settling before the next.
supervision_outcome predict(const supervision_case& c);

}  // namespace ractor::sim
