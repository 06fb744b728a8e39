#pragma once
/// \file
/// What one assertion site saw in one simulated run.

#include <cstddef>
#include <cstdint>

namespace ractor::sim {

/// The hits of one assertion site in one run (sites never hit in the run have none).
struct assertion_tally {
    std::size_t site = 0;        ///< the site's `assertion_site::id()`
    std::uint64_t hits = 0;      ///< times the site ran
    std::uint64_t held = 0;      ///< hits whose condition held (every hit of a site without one)
    std::int64_t max_value = 0;  ///< the largest value given to a `track_max` site

    friend bool operator==(const assertion_tally&, const assertion_tally&) = default;
};

}  // namespace ractor::sim
