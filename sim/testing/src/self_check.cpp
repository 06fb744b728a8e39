#include <ractor/sim/self_check.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include <ractor/sim/hex.hpp>

namespace ractor::sim {
namespace {

std::string outcome_text(const run_report& r) {
    std::string out = to_string(r.outcome);
    if (!r.message.empty()) {
        out += ": " + r.message;
    }
    return out;
}

}  // namespace

self_check_result self_check(const program& p, const run_options& opts) {
    run_options o = opts;
    o.keep_events = true;
    const run_report a = run_program(p, o);
    // The second run uses the calibrated PCT step count of the first, so it does not
    // depend on a second calibration run.
    const run_report b = run_program(p, a.options);
    self_check_result r;
    r.first_hash = a.trace_hash;
    r.second_hash = b.trace_hash;
    r.first_outcome = outcome_text(a);
    r.second_outcome = outcome_text(b);
    const std::size_t common = std::min(a.events.size(), b.events.size());
    std::size_t i = 0;
    while (i < common && a.events[i] == b.events[i]) {
        ++i;
    }
    if (i < a.events.size() || i < b.events.size()) {
        r.index = i;
        if (i < a.events.size()) {
            r.first = a.events[i];
        }
        if (i < b.events.size()) {
            r.second = b.events[i];
        }
    }
    r.deterministic = !r.index && a.trace_hash == b.trace_hash &&
                      r.first_outcome == r.second_outcome;
    return r;
}

self_check_result self_check(const program& p, std::uint64_t seed) {
    run_options o;
    o.seed = seed;
    return self_check(p, o);
}

std::string self_check_result::describe() const {
    if (deterministic) {
        return "deterministic: both runs have trace hash " + hex(first_hash);
    }
    std::string out = "NOT deterministic: trace hashes " + hex(first_hash) + " and " +
                      hex(second_hash) + "\n";
    if (index) {
        out += "  first difference at event #" + std::to_string(*index) + "\n";
        out += "    run 1: " + (first ? to_string(*first) : std::string("(trace ended)")) + "\n";
        out += "    run 2: " + (second ? to_string(*second) : std::string("(trace ended)")) + "\n";
    }
    if (first_outcome != second_outcome) {
        out += "  outcomes differ: run 1 " + first_outcome + "; run 2 " + second_outcome + "\n";
    }
    return out;
}

}  // namespace ractor::sim
