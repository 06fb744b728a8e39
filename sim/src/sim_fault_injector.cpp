#include "sim_fault_injector.hpp"

#include <ractor/detail/type_name.hpp>

#include "world_core.hpp"

namespace ractor::sim::internal {
namespace {

// Stream numbers of one node; the node id occupies the bits above them.
enum : std::uint64_t { failure_stream = 1, buggify_stream = 2, delay_stream = 3, site_stream = 4 };

std::uint64_t stream_of(std::uint64_t node, std::uint64_t purpose) noexcept { return (node << 4) | purpose; }

// FNV-1a: a site's activation depends on its name only, not on the order sites are asked.
std::uint64_t hash_name(std::string_view s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

bool site_matches(std::string_view site, std::string_view pattern) {
    if (pattern.ends_with('*')) return site.starts_with(pattern.substr(0, pattern.size() - 1));
    return site == pattern;
}

// A uniform value in [0, 1) from the top 53 bits.
double unit_interval(std::uint64_t r) noexcept { return static_cast<double>(r >> 11) * 0x1.0p-53; }

}  // namespace

bool kind_matches(std::string_view type, std::string_view kind) {
    if (type == kind) return true;
    return type.size() > kind.size() + 2 && type.ends_with(kind) &&
           type.substr(type.size() - kind.size() - 2, 2) == "::";
}

std::uint64_t fault_key(std::uint64_t world_seed, std::uint64_t plan_seed) noexcept {
    return mix64(world_seed ^ mix64(plan_seed ^ 0x6661756c74706c61ULL));
}

sim_fault_injector::sim_fault_injector(world_core& core, std::uint64_t node) noexcept
    : core_(core),
      node_(node),
      failures_(0, stream_of(node, failure_stream)),
      buggify_(0, stream_of(node, buggify_stream)),
      delays_(0, stream_of(node, delay_stream)) {}

void sim_fault_injector::reseed(std::uint64_t key) noexcept {
    key_ = key;
    // The first incarnation draws from the key itself, later ones from the key and the count.
    const std::uint64_t k = incarnation_ == 0 ? key : mix64(key ^ mix64(incarnation_));
    failures_ = prng(k, stream_of(node_, failure_stream));
    buggify_ = prng(k, stream_of(node_, buggify_stream));
    delays_ = prng(k, stream_of(node_, delay_stream));
}

void sim_fault_injector::next_incarnation() noexcept {
    ++incarnation_;
    reseed(key_);
}

bool sim_fault_injector::draw(prng& rng, double probability) noexcept {
    if (probability <= 0.0) return false;
    if (probability >= 1.0) return true;
    return unit_interval(rng.next_u64()) < probability;
}

const std::string& sim_fault_injector::type_name(const std::type_info& type) {
    auto& names = core_.rules().type_names;
    auto it = names.find(std::type_index(type));
    if (it != names.end()) return it->second;
    return names.emplace(std::type_index(type), ractor::detail::type_name(type)).first->second;
}

void sim_fault_injector::note_handled(std::uint64_t actor, const std::type_info& behaviour) {
    auto& triggers = core_.triggers();
    for (std::size_t i = 0; i < triggers.size();) {
        fault_trigger& t = triggers[i];
        const bool counts = t.when.node == node_ && (t.when.actor == 0 || t.when.actor == actor) &&
                            (t.when.kind.empty() || kind_matches(type_name(behaviour), t.when.kind));
        if (counts && ++t.seen == t.when.handled) {
            std::function<void()> fire = std::move(t.fire);
            triggers.erase(triggers.begin() + static_cast<std::ptrdiff_t>(i));
            core_.arm_fault(std::move(fire), std::nullopt);
            continue;
        }
        ++i;
    }
}

bool sim_fault_injector::fail_invocation(std::uint64_t actor, const std::type_info& behaviour,
                                         std::uint64_t invocation) {
    if (core_.charges_handlers()) core_.charge_handler(type_name(behaviour));
    if (!core_.triggers().empty()) note_handled(actor, behaviour);
    const fault_rules& rules = core_.rules();
    for (std::size_t i = 0; i < rules.failures.size(); ++i) {
        const invocation_failure& rule = rules.failures[i];
        if (rule.node != 0 && rule.node != node_) continue;
        if (rule.actor != 0 && rule.actor != actor) continue;
        if (!rule.kind.empty() && !kind_matches(type_name(behaviour), rule.kind)) continue;
        const bool fire =
            rule.at_invocation != 0 ? invocation == rule.at_invocation : draw(failures_, rule.probability);
        if (fire) {
            const std::string text =
                "fail actor " + std::to_string(actor) + " at invocation " + std::to_string(invocation);
            core_.record(node_, trace_event{trace_kind::fault, actor, 0, invocation, text});
            core_.count_fault(rules.first_failure_tally + i);
            return true;
        }
    }
    return false;
}

void sim_fault_injector::at_sync_point(sync_point where) { core_.at_sync_point(where); }

bool sim_fault_injector::site_active(std::string_view site, const buggify_rule& rule) {
    if (rule.activation >= 1.0) return true;
    auto& sites = core_.rules().active_sites;
    auto it = sites.find(site);
    if (it == sites.end()) {
        prng rng(core_.rules().key, stream_of(hash_name(site), site_stream));
        it = sites.emplace(std::string(site), draw(rng, rule.activation)).first;
    }
    return it->second;
}

bool sim_fault_injector::buggify(std::string_view site) {
    const fault_rules& rules = core_.rules();
    for (std::size_t i = 0; i < rules.buggify.size(); ++i) {
        const buggify_rule& rule = rules.buggify[i];
        if (!site_matches(site, rule.site)) continue;
        if (!site_active(site, rule) || !draw(buggify_, rule.probability)) return false;
        core_.record(node_, trace_event{trace_kind::fault, 0, 0, 0, "buggify " + std::string(site)});
        core_.count_fault(rules.first_buggify_tally + i);
        return true;
    }
    return false;
}

duration sim_fault_injector::timer_extra(time_point world_now) {
    duration extra{0};
    const duration since_start = world_now.time_since_epoch();
    const fault_rules& rules = core_.rules();
    for (std::size_t i = 0; i < rules.timer_delays.size(); ++i) {
        const timer_delay& rule = rules.timer_delays[i];
        if (rule.node != node_ || since_start < rule.from || (rule.until && since_start >= *rule.until)) continue;
        duration added = rule.extra;
        if (rule.random_up_to > duration::zero()) {
            added += duration(static_cast<std::int64_t>(
                delays_.below(static_cast<std::uint64_t>(rule.random_up_to.count()) + 1)));
        }
        if (added > duration::zero()) core_.count_fault(rules.first_delay_tally + i);
        extra += added;
    }
    return extra;
}

}  // namespace ractor::sim::internal
