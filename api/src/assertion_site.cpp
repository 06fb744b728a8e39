// The catalogue of assertion sites: every site registers here before main.
#include <ractor/assertion_site.hpp>

#include <mutex>

#include <ractor/assertions.hpp>
#include <ractor/detail/actor_cell.hpp>

namespace ractor {
namespace {

/// The catalogue. A function-local static, so that it exists before the first site of any
/// translation unit registers, whatever the order of their initialisation.
struct catalogue {
    std::mutex lock;  ///< a shared library loaded later registers while threads may run
    std::vector<const assertion_site*> sites;
};

catalogue& the_catalogue() {
    static catalogue c;
    return c;
}

}  // namespace

const char* to_string(assertion_kind k) noexcept {
    switch (k) {
        case assertion_kind::always:
            return "always";
        case assertion_kind::sometimes:
            return "sometimes";
        case assertion_kind::reachable:
            return "reachable";
        case assertion_kind::unreachable:
            return "unreachable";
        case assertion_kind::track_max:
            return "track_max";
    }
    return "unknown";
}

assertion_site::assertion_site(assertion_kind kind, const char* name, std::source_location where)
    : kind_(kind), name_(name), where_(where) {
    catalogue& c = the_catalogue();
    const std::lock_guard hold(c.lock);
    id_ = c.sites.size();
    c.sites.push_back(this);
}

std::vector<const assertion_site*> assertion_catalogue() {
    catalogue& c = the_catalogue();
    const std::lock_guard hold(c.lock);
    return c.sites;
}

assertion_recorder* detail::current_assertion_recorder() noexcept {
    const cell_base* me = current_cell();
    return me != nullptr ? me->rt().assertions : nullptr;
}

}  // namespace ractor
