#pragma once
/// \file
/// Assertion sites: claims about runs that an exploration campaign checks over all its seeds.
///
/// `RACTOR_ALWAYS(cond, "name")`, `RACTOR_SOMETIMES(cond, "name")`, `RACTOR_REACHABLE("name")`,
/// `RACTOR_UNREACHABLE("name")` and `RACTOR_TRACK_MAX(value, "name")` record a hit in the run
/// of the actor whose handler is running; `ractor::record_hit(RACTOR_ASSERTION_SITE(kind,
/// "name"), rt, ...)` records it in the run of the runtime `rt` (for code that runs outside
/// a handler, such as the library's own sends and transports). On the simulator each hit is
/// recorded for the run; on asio (no `runtime::assertions`) a site costs one branch.

#include <cstdint>
#include <source_location>

#include <ractor/assertion_site.hpp>
#include <ractor/runtime/runtime.hpp>

namespace ractor {

namespace detail {

/// What a site is, as the lambda of `RACTOR_ASSERTION_SITE` returns it.
struct assertion_spec {
    assertion_kind kind;
    const char* name;
    std::source_location where;
};

/// The one site of the lambda type `Spec`.
///
/// Why a variable template over a lambda type: a function such as `sometimes(cond, name)`
/// could register its site only when first called, so a site never reached would be
/// missing from the catalogue, which is exactly the site a campaign must report. Each lambda
/// expression has a type of its own, so `registered_site<decltype([] {...})>` names one
/// variable per place in the source, and its dynamic initialisation (before `main`) adds it
/// to the catalogue whether or not the code around it ever runs. An inline function's lambda
/// is the same type in every translation unit, so a site in a header is catalogued once.
/// The lambda also carries `std::source_location::current()` evaluated at the site.
template <class Spec>
inline const assertion_site registered_site{Spec{}().kind, Spec{}().name, Spec{}().where};

/// The recorder of the run of the actor whose handler is running; null outside handlers
/// and on a backend without one.
assertion_recorder* current_assertion_recorder() noexcept;

}  // namespace detail

/// Records one hit of `site` in the run of `rt`: nothing but a test of a null pointer unless
/// the backend records assertions (the simulator does).
inline void record_hit(const assertion_site& site, const runtime& rt, bool holds = true,
                       std::int64_t value = 0) {
    if (rt.assertions != nullptr) [[unlikely]] {
        rt.assertions->record(site, holds, value);
    }
}

/// Records one hit of `site` in the run of the actor whose handler is running; nothing
/// outside handlers.
inline void record_hit(const assertion_site& site, bool holds = true, std::int64_t value = 0) {
    if (assertion_recorder::any_live()) [[unlikely]] {
        if (assertion_recorder* r = detail::current_assertion_recorder(); r != nullptr) {
            r->record(site, holds, value);
        }
    }
}

}  // namespace ractor

/// The `assertion_site` of kind `kind` (always, sometimes, reachable, unreachable,
/// track_max) called `name` (a string literal) at this place in the source.
#define RACTOR_ASSERTION_SITE(kind, name)                                             \
    (::ractor::detail::registered_site<decltype([] {                                  \
        return ::ractor::detail::assertion_spec{::ractor::assertion_kind::kind, name, \
                                                ::std::source_location::current()};   \
    })>)

/// Claims that `cond` holds every time this line runs.
#define RACTOR_ALWAYS(cond, name) \
    ::ractor::record_hit(RACTOR_ASSERTION_SITE(always, name), static_cast<bool>(cond))
/// Claims that `cond` holds at least once over a campaign (that the case it names happens).
#define RACTOR_SOMETIMES(cond, name) \
    ::ractor::record_hit(RACTOR_ASSERTION_SITE(sometimes, name), static_cast<bool>(cond))
/// Claims that this line runs at least once over a campaign.
#define RACTOR_REACHABLE(name) ::ractor::record_hit(RACTOR_ASSERTION_SITE(reachable, name))
/// Claims that this line never runs.
#define RACTOR_UNREACHABLE(name) ::ractor::record_hit(RACTOR_ASSERTION_SITE(unreachable, name))
/// Reports the largest `value` seen here (per run and over a campaign); claims nothing.
#define RACTOR_TRACK_MAX(value, name)                                  \
    ::ractor::record_hit(RACTOR_ASSERTION_SITE(track_max, name), true, \
                         static_cast<std::int64_t>(value))
