#pragma once
/// \file
/// The determinism self-check: run a program twice and name the first event that differs.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <ractor/sim/program.hpp>
#include <ractor/sim/recorded_event.hpp>
#include <ractor/sim/run_program.hpp>

namespace ractor::sim {

/// What `self_check` found.
struct self_check_result {
    bool deterministic = true;     ///< same events, same hash, same outcome both times
    std::uint64_t first_hash = 0;  ///< trace hash of the first run
    std::uint64_t second_hash = 0; ///< trace hash of the second run
    /// Index of the first differing event (or of the first event only one run has);
    /// empty when the traces are equal.
    std::optional<std::size_t> index;
    std::optional<recorded_event> first;   ///< that event in the first run, if it has one
    std::optional<recorded_event> second;  ///< that event in the second run, if it has one
    std::string first_outcome;   ///< outcome and message of the first run
    std::string second_outcome;  ///< outcome and message of the second run

    /// A readable account: "deterministic (hash ...)" or the first divergence with both
    /// events (step, virtual time, node, actor, kind, text).
    std::string describe() const;
};

/// Runs `p` twice with `opts` (events kept) and compares the two traces event by event.
/// A difference means the program depends on something outside the world: a global,
/// an address, the wall clock, another thread.
self_check_result self_check(const program& p, const run_options& opts);

/// `self_check` with default options and `seed`.
self_check_result self_check(const program& p, std::uint64_t seed);

}  // namespace ractor::sim
