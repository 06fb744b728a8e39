#include <ractor/sim/fault_plan_file.hpp>

#include <fstream>
#include <initializer_list>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include <ractor/sim/detail/field_path.hpp>

namespace ractor::sim {
namespace {

using json = nlohmann::json;

using detail::at;

// ---- reading ------------------------------------------------------------------------------

void expect_object(const json& j, const std::string& path) {
    if (!j.is_object()) throw fault_plan_error(path, "must be an object");
}

// Rejects keys the schema does not know, so that a typo never silently disables a fault.
void only_keys(const json& j, const std::string& path, std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : j.items()) {
        bool ok = false;
        for (const std::string_view k : known) ok = ok || key == k;
        if (!ok) throw fault_plan_error(at(path, key), "unknown field");
    }
}

const json* find(const json& j, std::string_view key) {
    const auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

std::uint64_t read_u64(const json& j, const std::string& path) {
    if (!j.is_number_unsigned() && !(j.is_number_integer() && j.get<std::int64_t>() >= 0)) {
        throw fault_plan_error(path, "must be a non-negative integer");
    }
    return j.get<std::uint64_t>();
}

double read_double(const json& j, const std::string& path) {
    if (!j.is_number()) throw fault_plan_error(path, "must be a number");
    return j.get<double>();
}

std::string read_string(const json& j, const std::string& path) {
    if (!j.is_string()) throw fault_plan_error(path, "must be a string");
    return j.get<std::string>();
}

duration read_duration(const json& j, const std::string& path) {
    if (!j.is_string()) {
        throw fault_plan_error(path, "must be a duration string such as \"5s\" or \"250ms\"");
    }
    try {
        return parse_duration(j.get<std::string>());
    } catch (const std::invalid_argument& e) {
        throw fault_plan_error(path, e.what());
    }
}

template <class T>
void read_opt(const json& j, std::string_view key, const std::string& path, T& out,
              T (*reader)(const json&, const std::string&)) {
    if (const json* v = find(j, key)) out = reader(*v, at(path, key));
}

template <class T>
T read_req(const json& j, std::string_view key, const std::string& path,
           T (*reader)(const json&, const std::string&)) {
    const json* v = find(j, key);
    if (v == nullptr) throw fault_plan_error(at(path, key), "is required");
    return reader(*v, at(path, key));
}

template <class T, class F>
std::vector<T> read_list(const json& doc, std::string_view key, F read_one) {
    std::vector<T> out;
    const json* list = find(doc, key);
    if (list == nullptr) return out;
    const std::string path(key);
    if (!list->is_array()) throw fault_plan_error(path, "must be an array");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string item = at(path, i);
        expect_object((*list)[i], item);
        out.push_back(read_one((*list)[i], item));
    }
    return out;
}

actor_target read_target(const json& j, const std::string& path) {
    actor_target t;
    t.node = read_req(j, "node", path, read_u64);
    read_opt(j, "actor", path, t.actor, read_u64);
    read_opt(j, "name", path, t.name, read_string);
    return t;
}

bool read_bool(const json& j, const std::string& path) {
    if (!j.is_boolean()) throw fault_plan_error(path, "must be true or false");
    return j.get<bool>();
}

std::vector<std::uint64_t> read_nodes(const json& j, const std::string& path) {
    if (!j.is_array()) throw fault_plan_error(path, "must be an array of node ids");
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < j.size(); ++i) out.push_back(read_u64(j[i], at(path, i)));
    return out;
}

void read_optional_duration(const json& j, std::string_view key, const std::string& path,
                            std::optional<duration>& out) {
    if (const json* v = find(j, key)) out = read_duration(*v, at(path, key));
}

message_trigger read_trigger(const json& j, const std::string& path) {
    expect_object(j, path);
    only_keys(j, path, {"node", "actor", "kind", "handled"});
    message_trigger t;
    t.node = read_req(j, "node", path, read_u64);
    read_opt(j, "actor", path, t.actor, read_u64);
    read_opt(j, "kind", path, t.kind, read_string);
    read_opt(j, "handled", path, t.handled, read_u64);
    return t;
}

// The start of a timed fault and its chosen forms: `at` is required unless `after` is given.
template <class Fault>
void read_timing(const json& j, const std::string& path, Fault& f) {
    if (const json* v = find(j, "after")) f.after = read_trigger(*v, at(path, "after"));
    if (f.after) {
        read_opt(j, "at", path, f.at, read_duration);
    } else {
        f.at = read_req(j, "at", path, read_duration);
    }
    read_optional_duration(j, "until", path, f.until);
}

void read_network(const json& doc, fault_plan& plan) {
    plan.link_faults = read_list<link_fault>(doc, "link_faults", [](const json& j, const std::string& p) {
        only_keys(j, p, {"from", "to", "loss", "duplicate", "delay", "since", "until"});
        link_fault f;
        read_opt(j, "from", p, f.from, read_u64);
        read_opt(j, "to", p, f.to, read_u64);
        read_opt(j, "loss", p, f.loss, read_double);
        read_opt(j, "duplicate", p, f.duplicate, read_double);
        read_opt(j, "delay", p, f.delay, read_duration);
        read_opt(j, "since", p, f.since, read_duration);
        read_optional_duration(j, "until", p, f.until);
        return f;
    });
    plan.partitions = read_list<link_partition>(doc, "partitions", [](const json& j, const std::string& p) {
        only_keys(j, p, {"at", "from", "to", "two_way", "heal_at"});
        link_partition x;
        x.at = read_req(j, "at", p, read_duration);
        read_opt(j, "from", p, x.from, read_u64);
        read_opt(j, "to", p, x.to, read_u64);
        read_opt(j, "two_way", p, x.two_way, read_bool);
        read_optional_duration(j, "heal_at", p, x.heal_at);
        return x;
    });
    plan.heals = read_list<link_heal>(doc, "heals", [](const json& j, const std::string& p) {
        only_keys(j, p, {"at", "from", "to"});
        link_heal x;
        x.at = read_req(j, "at", p, read_duration);
        read_opt(j, "from", p, x.from, read_u64);
        read_opt(j, "to", p, x.to, read_u64);
        return x;
    });
    plan.clogs = read_list<link_clog>(doc, "clogs", [](const json& j, const std::string& p) {
        only_keys(j, p, {"at", "from", "to", "two_way", "release_at"});
        link_clog x;
        x.at = read_req(j, "at", p, read_duration);
        read_opt(j, "from", p, x.from, read_u64);
        read_opt(j, "to", p, x.to, read_u64);
        read_opt(j, "two_way", p, x.two_way, read_bool);
        read_optional_duration(j, "release_at", p, x.release_at);
        return x;
    });
    plan.resets = read_list<link_reset>(doc, "resets", [](const json& j, const std::string& p) {
        only_keys(j, p, {"at", "from", "to"});
        link_reset x;
        x.at = read_req(j, "at", p, read_duration);
        read_opt(j, "from", p, x.from, read_u64);
        read_opt(j, "to", p, x.to, read_u64);
        return x;
    });
    plan.swizzles = read_list<swizzle>(doc, "swizzles", [](const json& j, const std::string& p) {
        only_keys(j, p, {"at", "nodes", "interval"});
        swizzle x;
        x.at = read_req(j, "at", p, read_duration);
        read_opt(j, "nodes", p, x.nodes, read_nodes);
        read_opt(j, "interval", p, x.interval, read_duration);
        return x;
    });
}

// The kills, stops and crashes of a plan document.
void read_actor_faults(const json& doc, fault_plan& plan) {
    plan.kills = read_list<actor_kill>(doc, "kills", [](const json& j, const std::string& p) {
        only_keys(j, p, {"at", "until", "after", "node", "actor", "name"});
        actor_kill k;
        read_timing(j, p, k);
        k.target = read_target(j, p);
        return k;
    });
    plan.stops = read_list<actor_stop>(doc, "stops", [](const json& j, const std::string& p) {
        only_keys(j, p, {"at", "until", "after", "node", "actor", "name", "reason"});
        actor_stop s;
        read_timing(j, p, s);
        s.target = read_target(j, p);
        read_opt(j, "reason", p, s.reason, read_string);
        return s;
    });
    plan.crashes = read_list<node_crash>(doc, "crashes", [](const json& j, const std::string& p) {
        only_keys(j, p, {"at", "until", "after", "node", "restart_at", "restart_after"});
        node_crash c;
        read_timing(j, p, c);
        c.node = read_req(j, "node", p, read_u64);
        read_optional_duration(j, "restart_at", p, c.restart_at);
        read_optional_duration(j, "restart_after", p, c.restart_after);
        return c;
    });
}

// The clock skews, timer delays and buggify rules of a plan document.
void read_node_faults(const json& doc, fault_plan& plan) {
    plan.clock_skews = read_list<clock_skew>(doc, "clock_skews", [](const json& j, const std::string& p) {
        only_keys(j, p, {"node", "offset", "at"});
        clock_skew s{read_req(j, "node", p, read_u64), read_req(j, "offset", p, read_duration), duration{0}};
        read_opt(j, "at", p, s.at, read_duration);
        return s;
    });
    plan.timer_delays = read_list<timer_delay>(doc, "timer_delays", [](const json& j, const std::string& p) {
        only_keys(j, p, {"node", "extra", "random_up_to", "from", "until"});
        timer_delay d;
        d.node = read_req(j, "node", p, read_u64);
        read_opt(j, "extra", p, d.extra, read_duration);
        read_opt(j, "random_up_to", p, d.random_up_to, read_duration);
        read_opt(j, "from", p, d.from, read_duration);
        read_optional_duration(j, "until", p, d.until);
        return d;
    });
    plan.buggify = read_list<buggify_rule>(doc, "buggify", [](const json& j, const std::string& p) {
        only_keys(j, p, {"site", "probability", "activation"});
        buggify_rule b;
        read_opt(j, "site", p, b.site, read_string);
        b.probability = read_req(j, "probability", p, read_double);
        read_opt(j, "activation", p, b.activation, read_double);
        return b;
    });
}

fault_plan read_plan(const json& doc) {
    expect_object(doc, "");
    only_keys(doc, "",
              {"seed", "failures", "kills", "stops", "crashes", "clock_skews", "timer_delays",
               "buggify", "link_faults", "partitions", "heals", "clogs", "resets", "swizzles"});
    fault_plan plan;
    read_opt(doc, "seed", "", plan.seed, read_u64);
    plan.failures =
        read_list<invocation_failure>(doc, "failures", [](const json& j, const std::string& p) {
            only_keys(j, p, {"node", "actor", "kind", "at_invocation", "probability"});
            invocation_failure f;
            read_opt(j, "node", p, f.node, read_u64);
            read_opt(j, "actor", p, f.actor, read_u64);
            read_opt(j, "kind", p, f.kind, read_string);
            read_opt(j, "at_invocation", p, f.at_invocation, read_u64);
            read_opt(j, "probability", p, f.probability, read_double);
            return f;
        });
    read_actor_faults(doc, plan);
    read_node_faults(doc, plan);
    read_network(doc, plan);
    return plan;
}

// ---- writing ------------------------------------------------------------------------------

// The chosen forms are written only when set, so exact-time plans read as they always did.
template <class Fault>
json write_timing(const Fault& f) {
    json j = {{"at", format_duration(f.at)}};
    if (f.until) j["until"] = format_duration(*f.until);
    if (f.after) {
        json a = {{"node", f.after->node}, {"handled", f.after->handled}};
        if (f.after->actor != 0) a["actor"] = f.after->actor;
        if (!f.after->kind.empty()) a["kind"] = f.after->kind;
        j["after"] = std::move(a);
    }
    return j;
}

void write_target(json& j, const actor_target& t) {
    j["node"] = t.node;
    if (t.actor != 0) j["actor"] = t.actor;
    if (!t.name.empty()) j["name"] = t.name;
}

// The network's lists are written only when not empty, so plans without network faults read
// as they did before the network existed.
void write_network(json& doc, const fault_plan& plan) {
    for (const auto& f : plan.link_faults) {
        json j = {{"from", f.from}, {"to", f.to}, {"loss", f.loss}, {"duplicate", f.duplicate},
                  {"delay", format_duration(f.delay)}, {"since", format_duration(f.since)}};
        if (f.until) j["until"] = format_duration(*f.until);
        doc["link_faults"].push_back(std::move(j));
    }
    for (const auto& x : plan.partitions) {
        json j = {{"at", format_duration(x.at)}, {"from", x.from}, {"to", x.to}, {"two_way", x.two_way}};
        if (x.heal_at) j["heal_at"] = format_duration(*x.heal_at);
        doc["partitions"].push_back(std::move(j));
    }
    for (const auto& x : plan.heals) {
        doc["heals"].push_back({{"at", format_duration(x.at)}, {"from", x.from}, {"to", x.to}});
    }
    for (const auto& x : plan.clogs) {
        json j = {{"at", format_duration(x.at)}, {"from", x.from}, {"to", x.to}, {"two_way", x.two_way}};
        if (x.release_at) j["release_at"] = format_duration(*x.release_at);
        doc["clogs"].push_back(std::move(j));
    }
    for (const auto& x : plan.resets) {
        doc["resets"].push_back({{"at", format_duration(x.at)}, {"from", x.from}, {"to", x.to}});
    }
    for (const auto& x : plan.swizzles) {
        doc["swizzles"].push_back(
            {{"at", format_duration(x.at)}, {"nodes", x.nodes}, {"interval", format_duration(x.interval)}});
    }
}

json write_plan(const fault_plan& plan) {
    json doc = json::object();
    doc["seed"] = plan.seed;
    json& failures = doc["failures"] = json::array();
    for (const auto& f : plan.failures) {
        json j = json::object();
        if (f.node != 0) j["node"] = f.node;
        if (f.actor != 0) j["actor"] = f.actor;
        if (!f.kind.empty()) j["kind"] = f.kind;
        if (f.at_invocation != 0) j["at_invocation"] = f.at_invocation;
        if (f.at_invocation == 0 || f.probability != 0) j["probability"] = f.probability;
        failures.push_back(std::move(j));
    }
    json& kills = doc["kills"] = json::array();
    for (const auto& k : plan.kills) {
        json j = write_timing(k);
        write_target(j, k.target);
        kills.push_back(std::move(j));
    }
    json& stops = doc["stops"] = json::array();
    for (const auto& s : plan.stops) {
        json j = write_timing(s);
        write_target(j, s.target);
        j["reason"] = s.reason;
        stops.push_back(std::move(j));
    }
    json& crashes = doc["crashes"] = json::array();
    for (const auto& c : plan.crashes) {
        json j = write_timing(c);
        j["node"] = c.node;
        if (c.restart_at) j["restart_at"] = format_duration(*c.restart_at);
        if (c.restart_after) j["restart_after"] = format_duration(*c.restart_after);
        crashes.push_back(std::move(j));
    }
    json& skews = doc["clock_skews"] = json::array();
    for (const auto& s : plan.clock_skews) {
        skews.push_back({{"node", s.node}, {"offset", format_duration(s.offset)}, {"at", format_duration(s.at)}});
    }
    json& delays = doc["timer_delays"] = json::array();
    for (const auto& d : plan.timer_delays) {
        json j = {{"node", d.node},
                  {"extra", format_duration(d.extra)},
                  {"random_up_to", format_duration(d.random_up_to)},
                  {"from", format_duration(d.from)}};
        if (d.until) j["until"] = format_duration(*d.until);
        delays.push_back(std::move(j));
    }
    json& bugs = doc["buggify"] = json::array();
    for (const auto& b : plan.buggify) {
        bugs.push_back({{"site", b.site}, {"probability", b.probability}, {"activation", b.activation}});
    }
    write_network(doc, plan);
    return doc;
}

}  // namespace

fault_plan parse_fault_plan(std::string_view text) {
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        throw fault_plan_error("", std::string("not valid JSON: ") + e.what());
    }
    fault_plan plan = read_plan(doc);
    validate(plan);
    return plan;
}

std::string to_json(const fault_plan& plan) { return write_plan(plan).dump(2) + "\n"; }

fault_plan load_fault_plan(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw fault_plan_error("", "cannot open " + file.string());
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return parse_fault_plan(text.str());
    } catch (const fault_plan_error& e) {
        throw fault_plan_error(e.field(), e.problem() + " (in " + file.string() + ")");
    }
}

void save_fault_plan(const fault_plan& plan, const std::filesystem::path& file) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << to_json(plan);
    out.flush();
    if (!out) throw std::runtime_error("ractor::sim: cannot write the fault plan to " + file.string());
}

}  // namespace ractor::sim
