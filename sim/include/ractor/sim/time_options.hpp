#pragma once
/// \file
/// How a world explores time: timers as scheduling choices and a cost model for handlers.

#include <string>
#include <utility>
#include <vector>

#include <ractor/runtime/time.hpp>

namespace ractor::sim {

/// What a world does with time beyond firing timers in order when it is idle; all off by
/// default, because each changes the traces of existing programs. Everything stays a
/// function of the seed: the same seed gives the same trace.
struct time_options {
    /// Due timers are scheduling choices: while work is ready and a timer's time has come,
    /// the strategy chooses between ready work and firing it (`candidate_kind::timer`), and
    /// timers due at one instant fire in an order the strategy chooses.
    bool timers_as_choices = false;
    /// Virtual time every message handler invocation takes before its effects (the handler
    /// reads the clock after it, and what it sends leaves then); overridden by `per_kind`.
    duration handler_fixed{0};
    /// Plus a uniform draw in [0, `handler_random_up_to`] per invocation, seeded.
    duration handler_random_up_to{0};
    /// The fixed cost of a behaviour kind (demangled type name or suffix after `::`, as in
    /// fault plans) instead of `handler_fixed`; the first match wins.
    std::vector<std::pair<std::string, duration>> per_kind{};

    /// Whether any handler may take virtual time.
    bool has_cost() const noexcept {
        return handler_fixed > duration::zero() || handler_random_up_to > duration::zero() || !per_kind.empty();
    }
};

}  // namespace ractor::sim
