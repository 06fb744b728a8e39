#pragma once
/// \file
/// What `which_children` and `count_children` report about a supervisor's children.

#include <cstddef>
#include <string>

#include <ractor/child_spec.hpp>

namespace ractor {

/// One child as `which_children` lists it.
struct supervisor_child_info {
    std::string id;
    any_actor_ref actor;  ///< the running incarnation; null if not running (or restarting)
    restart_type restart = restart_type::permanent;
    child_type type = child_type::worker;
    bool restarting = false;  ///< waiting for its restart (backoff)
};

/// Counts as `count_children` reports them.
struct supervisor_child_counts {
    std::size_t specs = 0;        ///< children known, running or not
    std::size_t active = 0;       ///< children running
    std::size_t supervisors = 0;  ///< children of type supervisor
    std::size_t workers = 0;      ///< children of type worker
};

}  // namespace ractor
