#pragma once
/// \file
/// rapidcheck glue for supervision properties: generators of trees and failure plans, and
/// a bounded property runner that prints the reproduction. Header-only, so only programs
/// that use rapidcheck link it.

#include <cstdint>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/detail/TestListenerAdapter.h>

#include <ractor/sim/property_case.hpp>
#include <ractor/sim/property_harness.hpp>

namespace ractor::sim {

/// What generated cases may contain.
struct case_shape {
    int max_depth = 3;     ///< supervisor levels, the root included
    int max_children = 4;  ///< per supervisor, at least 1
    int max_faults = 10;
    std::vector<supervisor_strategy> strategies{supervisor_strategy::one_for_one, supervisor_strategy::one_for_all,
                                                supervisor_strategy::rest_for_one};
    std::vector<restart_type> restarts{restart_type::permanent, restart_type::transient, restart_type::temporary};
    std::vector<fault_kind> faults{fault_kind::raise, fault_kind::exit_normal, fault_kind::kill};
    int min_intensity = 0;
    int max_intensity = 3;
    bool ignores = false;         ///< some workers ignore their start (return null)
    int max_failed_restarts = 0;  ///< workers refuse up to this many restarts
};

/// Vectors of `min_count` to `max_count` elements of `element` (longer as the test size
/// grows); they shrink by dropping elements beyond the first `min_count`.
template <class T>
rc::Gen<std::vector<T>> gen_vector(rc::Gen<T> element, std::size_t min_count, std::size_t max_count) {
    auto fixed = rc::gen::container<std::vector<T>>(min_count, element);
    auto extra = rc::gen::scale(static_cast<double>(max_count - min_count) / 100.0,
                                rc::gen::container<std::vector<T>>(element));
    return rc::gen::map(rc::gen::pair(fixed, extra), [max_count](std::pair<std::vector<T>, std::vector<T>> p) {
        p.first.insert(p.first.end(), p.second.begin(), p.second.end());
        if (p.first.size() > max_count) p.first.resize(max_count);
        return p.first;
    });
}

/// A worker with a restart type, shutdown, trap_exit flag and start behaviour drawn from
/// `shape` (one in six ignores its start, if `shape.ignores`). The start behaviours are
/// drawn at full size: rapidcheck scales `inRange` with the test size, which would leave
/// the small cases without them.
inline rc::Gen<tree_node> gen_worker(const case_shape& shape) {
    auto ignore = shape.ignores ? rc::gen::resize(100, rc::gen::map(rc::gen::inRange(0, 6), [](int n) { return n == 5; }))
                                : rc::gen::just(false);
    auto refusals = rc::gen::resize(100, rc::gen::inRange(0, shape.max_failed_restarts + 1));
    return rc::gen::build<tree_node>(rc::gen::set(&tree_node::restart, rc::gen::elementOf(shape.restarts)),
                                     rc::gen::set(&tree_node::brutal_kill, rc::gen::arbitrary<bool>()),
                                     rc::gen::set(&tree_node::trap_exit, rc::gen::arbitrary<bool>()),
                                     rc::gen::set(&tree_node::ignore, ignore),
                                     rc::gen::set(&tree_node::failed_restarts, refusals));
}

/// A supervisor of at most `depth` levels whose children are workers and (below the last
/// level) supervisors.
inline rc::Gen<tree_node> gen_supervisor(const case_shape& shape, int depth) {
    auto child = depth > 1 ? rc::gen::weightedOneOf<tree_node>({{3, gen_worker(shape)}, {1, gen_supervisor(shape, depth - 1)}})
                           : gen_worker(shape);
    auto children = gen_vector(child, 1, static_cast<std::size_t>(shape.max_children));
    return rc::gen::build<tree_node>(
        rc::gen::set(&tree_node::supervisor, rc::gen::just(true)),
        rc::gen::set(&tree_node::restart, rc::gen::elementOf(shape.restarts)),
        rc::gen::set(&tree_node::brutal_kill, rc::gen::arbitrary<bool>()),
        rc::gen::set(&tree_node::strategy, rc::gen::elementOf(shape.strategies)),
        rc::gen::set(&tree_node::intensity, rc::gen::inRange(shape.min_intensity, shape.max_intensity + 1)),
        rc::gen::set(&tree_node::period_ms, rc::gen::inRange(10, 200)),
        rc::gen::set(&tree_node::children, children));
}

/// A failure plan of at most `shape.max_faults` faults, 1 to 60 ms apart.
inline rc::Gen<std::vector<fault>> gen_plan(const case_shape& shape) {
    auto one = rc::gen::build<fault>(rc::gen::set(&fault::gap_ms, rc::gen::inRange(1, 61)),
                                     rc::gen::set(&fault::target, rc::gen::inRange<std::size_t>(0, 64)),
                                     rc::gen::set(&fault::kind, rc::gen::elementOf(shape.faults)));
    return gen_vector(one, 0, static_cast<std::size_t>(shape.max_faults));
}

/// A whole case; tree and plan are drawn independently (fault targets are taken modulo
/// the node count), so rapidcheck shrinks both together and every shrink stays valid.
inline rc::Gen<supervision_case> gen_case(const case_shape& shape, supervisor_mutation mutation = supervisor_mutation::none) {
    return rc::gen::build<supervision_case>(rc::gen::set(&supervision_case::root, gen_supervisor(shape, shape.max_depth)),
                                            rc::gen::set(&supervision_case::plan, gen_plan(shape)),
                                            rc::gen::set(&supervision_case::mutation, rc::gen::just(mutation)));
}

/// How rapidcheck prints a case in a counterexample.
inline void showValue(const supervision_case& c, std::ostream& os) {
    os << "tree: " << to_string(c.root) << "\n  plan: " << to_string(c.plan);
    if (c.mutation != supervisor_mutation::none) os << "\n  mutation: " << static_cast<int>(c.mutation);
}

/// Runs `c` in a world seeded with `seed`, logging the seed and the trace hash with the
/// case (rapidcheck prints the log of a failing case).
inline supervision_run run_logged(const supervision_case& c, std::uint64_t seed) {
    supervision_run run = run_case(c, seed);
    RC_LOG() << "seed " << seed << ", trace hash 0x" << std::hex << run.trace_hash << std::dec << "\n";
    return run;
}

/// The `RC_PARAMS` value that replays the failure of property `name`.
inline std::string reproduce_params(const std::string& name, const rc::detail::FailureResult& failure) {
    rc::detail::Configuration config;
    config.reproduce[name] = failure.reproduce;
    return rc::detail::configToMinimalString(config);
}

/// What a property check did, without rapidcheck's internal types.
struct property_result {
    bool passed = false;      ///< every case held (or the reproduced case held)
    int cases = 0;            ///< cases that held before the end or the failure
    bool reproduced = false;  ///< one recorded case was replayed instead of new ones drawn
    std::string rc_params;    ///< on failure: the `RC_PARAMS` value that replays it
};

/// rapidcheck's settings for a check whose own budget is `max_success` cases: `rc_params`
/// (the text of `RC_PARAMS`, or null) overrides it, so `max_success=N` there wins.
/// Throws `std::invalid_argument` on a malformed `rc_params`.
inline rc::detail::Configuration property_config(int max_success, const char* rc_params) {
    rc::detail::Configuration config = rc::detail::configuration();
    config.testParams.maxSuccess = max_success;
    if (rc_params == nullptr) return config;
    try {
        return rc::detail::configFromString(rc_params, config);
    } catch (const rc::detail::ConfigurationException& e) {
        throw std::invalid_argument(std::string("RC_PARAMS: ") + e.what());
    }
}

/// Checks `property` on `max_success` cases, or as many as `RC_PARAMS` `max_success` says;
/// if a `reproduce=` there names `name`, replays that recorded case alone. A `reproduce=`
/// naming only other properties does not stop this one: it runs its cases as usual (and
/// says so), where rapidcheck alone would report success after 0 cases. Prints the result
/// and, on failure, the `RC_PARAMS` that replays it. `rc_params` is for tests.
template <class Testable>
property_result check_property(const std::string& name, int max_success, Testable&& property,
                               std::ostream& out = std::cerr,
                               const char* rc_params = std::getenv("RC_PARAMS")) {
    const rc::detail::Configuration config = property_config(max_success, rc_params);
    std::unordered_map<std::string, rc::detail::Reproduce> replay;
    if (const auto it = config.reproduce.find(name); it != config.reproduce.end())
        replay.insert(*it);
    rc::detail::TestMetadata metadata{name, name};
    rc::detail::TestListenerAdapter listener;
    auto result =
        rc::detail::checkProperty(rc::detail::toProperty(std::forward<Testable>(property)),
                                  metadata, config.testParams, listener, replay);
    out << "- " << name << "\n";
    if (replay.empty() && !config.reproduce.empty())
        out << "(RC_PARAMS reproduces other properties; this one runs)\n";
    rc::detail::printResultMessage(result, out);
    out << "\n";
    property_result r;
    r.reproduced = !replay.empty();
    if (result.template is<rc::detail::SuccessResult>()) {
        r.passed = true;
        r.cases = result.template get<rc::detail::SuccessResult>().numSuccess;
    } else if (result.template is<rc::detail::FailureResult>()) {
        const auto& failed = result.template get<rc::detail::FailureResult>();
        r.cases = failed.numSuccess;
        r.rc_params = reproduce_params(name, failed);
        out << "replay with: RC_PARAMS=\"" << r.rc_params << "\"\n";
    }
    return r;
}

}  // namespace ractor::sim
