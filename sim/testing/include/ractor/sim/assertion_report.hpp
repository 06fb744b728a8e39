#pragma once
/// \file
/// The assertion sites of the catalogue over a campaign: what each saw, and which claims failed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <ractor/assertion_site.hpp>
#include <ractor/sim/assertion_tally.hpp>

namespace ractor::sim {

/// "sometimes 'cache.evicted' at src/cache.cpp:42": how reports name a site.
std::string describe_site(const assertion_site& site);

/// What makes the run of `tallies` fail by its assertion sites alone: an `always` whose
/// condition was false or an `unreachable` that was hit, one line per site ("always site was
/// false: ..."); empty when there is none.
std::vector<std::string> assertion_violations(const std::vector<assertion_tally>& tallies);

/// One site of the catalogue over a campaign.
struct site_total {
    const assertion_site* site = nullptr;
    std::uint64_t hits = 0;
    std::uint64_t held = 0;                        ///< hits whose condition held
    std::uint64_t runs_hit = 0;                    ///< runs that hit it at least once
    std::optional<std::uint64_t> first_seed;       ///< the lowest seed that hit it
    std::optional<std::uint64_t> first_held_seed;  ///< the lowest seed where its condition held
    /// The lowest seed where it failed its claim: an `always` was false, an `unreachable` hit.
    std::optional<std::uint64_t> first_violation_seed;
    std::optional<std::int64_t> max_value;  ///< `track_max`: the largest value over the campaign
    /// A `sometimes` or `reachable` site that the campaign must see hit (`required_sites`).
    bool required = false;
};

/// Every site of the catalogue over the runs added to it, ordered by file and line.
///
/// Which `sometimes` and `reachable` sites must be hit is the campaign's choice: the catalogue
/// holds every site linked into the program, the library's own (named "ractor.") and those
/// of programs a campaign does not run, which no campaign could hit all of. `always` and
/// `unreachable` claims are checked for every site.
class assertion_report {
public:
    /// A report over the current catalogue that requires no site.
    assertion_report() : assertion_report(std::vector<std::string>{}) {}
    /// A report over the current catalogue; `required_sites` are name prefixes ("" is every
    /// site).
    explicit assertion_report(std::vector<std::string> required_sites);

    /// Adds the tallies of the run of `seed`.
    void add(std::uint64_t seed, const std::vector<assertion_tally>& tallies);

    const std::vector<site_total>& sites() const noexcept { return sites_; }
    const std::vector<std::string>& required_sites() const noexcept { return required_; }

    /// One line per failed claim: "always site was false: ... (first at seed 7)", "unreachable
    /// site was reached: ...", "sometimes site never hit: ...", "sometimes site never hit
    /// (never true): ...", "reachable site never hit: ..."; empty when every claim held.
    std::vector<std::string> failures() const;
    bool passed() const { return failures().empty(); }

    /// Every site, one line each (kind, name, file:line, hits, runs, first seed), then the
    /// failed claims.
    std::string describe() const;

private:
    std::vector<std::string> required_;
    std::vector<site_total> sites_;
    std::vector<std::size_t> index_;  ///< site id -> position in `sites_`
};

}  // namespace ractor::sim
