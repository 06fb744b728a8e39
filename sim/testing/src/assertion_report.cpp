#include <ractor/sim/assertion_report.hpp>

#include <algorithm>
#include <cstring>
#include <source_location>
#include <string_view>
#include <utility>

namespace ractor::sim {
namespace {

std::string seed_text(const std::optional<std::uint64_t>& seed) {
    return seed ? std::to_string(*seed) : std::string("-");
}

/// `file` as reports show it: relative to this source tree for the library's own sites,
/// whether the build named them by absolute or by relative path ("api/src/actor_cell.cpp").
std::string shown_path(std::string_view file) {
    std::string_view self = std::source_location::current().file_name();
    self.remove_suffix(std::string_view("sim/testing/src/assertion_report.cpp").size());
    if (!self.empty() && file.starts_with(self)) file.remove_prefix(self.size());
    while (file.starts_with("../") || file.starts_with("./"))
        file.remove_prefix(file.find('/') + 1);
    return std::string(file);
}

void lower(std::optional<std::uint64_t>& first, std::uint64_t seed) {
    first = first ? std::min(*first, seed) : seed;
}

/// True if the hits of `t` break the claim of a site of `kind`.
bool violated(assertion_kind kind, const assertion_tally& t) {
    return (kind == assertion_kind::always && t.held < t.hits) ||
           (kind == assertion_kind::unreachable && t.hits > 0);
}

std::string violation_line(const assertion_site& site) {
    return site.kind() == assertion_kind::always
               ? "always site was false: " + describe_site(site)
               : "unreachable site was reached: " + describe_site(site);
}

}  // namespace

std::string describe_site(const assertion_site& site) {
    return std::string(to_string(site.kind())) + " '" + site.name() + "' at " +
           shown_path(site.where().file_name()) + ":" + std::to_string(site.where().line());
}

std::vector<std::string> assertion_violations(const std::vector<assertion_tally>& tallies) {
    const std::vector<const assertion_site*> catalogue = assertion_catalogue();
    std::vector<std::string> out;
    for (const assertion_tally& t : tallies) {
        const assertion_site& site = *catalogue.at(t.site);
        if (violated(site.kind(), t)) out.push_back(violation_line(site));
    }
    return out;
}

assertion_report::assertion_report(std::vector<std::string> required_sites)
    : required_(std::move(required_sites)) {
    const std::vector<const assertion_site*> catalogue = assertion_catalogue();
    for (const assertion_site* s : catalogue) {
        const bool claims_hits =
            s->kind() == assertion_kind::sometimes || s->kind() == assertion_kind::reachable;
        const bool named =
            std::any_of(required_.begin(), required_.end(), [s](const std::string& p) {
                return std::strncmp(s->name(), p.c_str(), p.size()) == 0;
            });
        site_total t;
        t.site = s;
        t.required = claims_hits && named;
        sites_.push_back(t);
    }
    std::sort(sites_.begin(), sites_.end(), [](const site_total& a, const site_total& b) {
        const int file = std::strcmp(a.site->where().file_name(), b.site->where().file_name());
        return file != 0 ? file < 0 : a.site->where().line() < b.site->where().line();
    });
    index_.resize(sites_.size());
    for (std::size_t i = 0; i < sites_.size(); ++i) index_[sites_[i].site->id()] = i;
}

void assertion_report::add(std::uint64_t seed, const std::vector<assertion_tally>& tallies) {
    for (const assertion_tally& t : tallies) {
        site_total& s = sites_.at(index_.at(t.site));
        s.hits += t.hits;
        s.held += t.held;
        ++s.runs_hit;
        lower(s.first_seed, seed);
        if (t.held > 0) lower(s.first_held_seed, seed);
        if (violated(s.site->kind(), t)) lower(s.first_violation_seed, seed);
        if (s.site->kind() == assertion_kind::track_max) {
            s.max_value = s.max_value ? std::max(*s.max_value, t.max_value) : t.max_value;
        }
    }
}

std::vector<std::string> assertion_report::failures() const {
    std::vector<std::string> out;
    for (const site_total& s : sites_) {
        if (s.first_violation_seed) {
            out.push_back(violation_line(*s.site) + " (first at seed " +
                          std::to_string(*s.first_violation_seed) + ")");
        } else if (s.required && s.hits == 0) {
            out.push_back(std::string(to_string(s.site->kind())) +
                          " site never hit: " + describe_site(*s.site));
        } else if (s.required && s.held == 0) {
            out.push_back("sometimes site never hit (never true): " + describe_site(*s.site) +
                          " (hit " + std::to_string(s.hits) + " times, always false)");
        }
    }
    return out;
}

std::string assertion_report::describe() const {
    if (sites_.empty()) return {};
    std::string out = "assertion sites (" + std::to_string(sites_.size()) + " in the catalogue):\n";
    for (const site_total& s : sites_) {
        out += "  " + describe_site(*s.site) + ": " + std::to_string(s.hits) + " hits (" +
               std::to_string(s.held) + " true) in " + std::to_string(s.runs_hit) +
               " runs, first seed " + seed_text(s.first_seed);
        if (s.site->kind() == assertion_kind::sometimes) {
            out += ", first true at seed " + seed_text(s.first_held_seed);
        }
        if (s.max_value) out += ", max " + std::to_string(*s.max_value);
        if (s.required) out += " [required]";
        out += "\n";
    }
    const std::vector<std::string> failed = failures();
    if (!failed.empty()) {
        out += "assertion failures:\n";
        for (const std::string& f : failed) out += "  " + f + "\n";
    }
    return out;
}

}  // namespace ractor::sim
