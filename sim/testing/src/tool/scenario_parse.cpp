#include <ractor/tool/scenario.hpp>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include <ractor/sim/detail/field_path.hpp>
#include <ractor/sim/fault_plan_file.hpp>

namespace ractor::tool {
namespace {

using json = nlohmann::json;

using sim::detail::at;

/// Reads typed fields of one JSON document, each error naming its path.
class reader {
public:
    explicit reader(const scenario_limits& l) : limits_(l) {}

    void object(const json& j, const std::string& path, std::initializer_list<std::string_view> known) const {
        if (!j.is_object()) throw scenario_error(path, "expected an object");
        for (const auto& [key, value] : j.items()) {
            if (std::find(known.begin(), known.end(), key) == known.end()) {
                throw scenario_error(at(path, key), "unknown field");
            }
        }
    }
    const json& field(const json& j, const std::string& path, std::string_view key) const {
        auto it = j.find(key);
        if (it == j.end()) throw scenario_error(at(path, key), "missing");
        return *it;
    }
    std::string string(const json& j, const std::string& path) const {
        if (!j.is_string()) throw scenario_error(path, "expected a string");
        return j.get<std::string>();
    }
    std::string name(const json& j, const std::string& path) const {
        std::string s = string(j, path);
        if (s.empty() || s.size() > 64) throw scenario_error(path, "expected a name of 1 to 64 characters");
        return s;
    }
    std::uint64_t count(const json& j, const std::string& path, std::uint64_t max) const {
        if (!j.is_number_unsigned()) throw scenario_error(path, "expected an integer from 0 to " + std::to_string(max));
        const auto v = j.get<std::uint64_t>();
        if (v > max) throw scenario_error(path, std::to_string(v) + " is above the limit " + std::to_string(max));
        return v;
    }
    duration time(const json& j, const std::string& path) const {
        const std::string text = string(j, path);
        duration d{};
        try {
            d = sim::parse_duration(text);
        } catch (const std::exception& e) {
            throw scenario_error(path, e.what());
        }
        if (d < duration{0} || d > limits_.max_time) {
            throw scenario_error(path, "'" + text + "' is outside 0 to " + sim::format_duration(limits_.max_time));
        }
        return d;
    }
    const json& list(const json& j, const std::string& path, std::size_t max) const {
        if (!j.is_array()) throw scenario_error(path, "expected an array");
        if (j.size() > max) throw scenario_error(path, std::to_string(j.size()) + " entries, the limit is " + std::to_string(max));
        return j;
    }
    const scenario_limits& limits() const noexcept { return limits_; }

private:
    scenario_limits limits_;
};

/// A node name the scenario declares.
std::string node_ref(const reader& r, const json& j, const std::string& path, const scenario& s) {
    std::string n = r.name(j, path);
    if (std::find(s.nodes.begin(), s.nodes.end(), n) == s.nodes.end()) {
        throw scenario_error(path, "no node '" + n + "' in nodes");
    }
    return n;
}

actor_decl read_actor(const reader& r, const json& j, const std::string& path, const scenario& s) {
    r.object(j, path, {"node", "name", "kind", "args"});
    actor_decl a;
    a.node = node_ref(r, r.field(j, path, "node"), at(path, "node"), s);
    a.name = r.name(r.field(j, path, "name"), at(path, "name"));
    a.kind = r.name(r.field(j, path, "kind"), at(path, "kind"));
    a.args = j.value("args", json::object());
    return a;
}

restart_type read_restart(const reader& r, const json& j, const std::string& path) {
    const std::string v = r.string(j, path);
    if (v == "permanent") return restart_type::permanent;
    if (v == "transient") return restart_type::transient;
    if (v == "temporary") return restart_type::temporary;
    throw scenario_error(path, "'" + v + "' is not permanent, transient or temporary");
}

supervisor_strategy read_strategy(const reader& r, const json& j, const std::string& path) {
    const std::string v = r.string(j, path);
    if (v == "one_for_one") return supervisor_strategy::one_for_one;
    if (v == "one_for_all") return supervisor_strategy::one_for_all;
    if (v == "rest_for_one") return supervisor_strategy::rest_for_one;
    throw scenario_error(path, "'" + v + "' is not one_for_one, one_for_all or rest_for_one");
}

supervisor_decl read_supervisor(const reader& r, const json& j, const std::string& path, const scenario& s) {
    r.object(j, path, {"node", "name", "strategy", "intensity", "period", "children"});
    supervisor_decl d;
    d.node = node_ref(r, r.field(j, path, "node"), at(path, "node"), s);
    d.name = r.name(r.field(j, path, "name"), at(path, "name"));
    if (j.contains("strategy")) d.strategy = read_strategy(r, j["strategy"], at(path, "strategy"));
    if (j.contains("intensity")) d.intensity = static_cast<int>(r.count(j["intensity"], at(path, "intensity"), 10'000));
    if (j.contains("period")) d.period = r.time(j["period"], at(path, "period"));
    const std::string cp = at(path, "children");
    const json& children = r.list(r.field(j, path, "children"), cp, r.limits().max_actors);
    for (std::size_t i = 0; i < children.size(); ++i) {
        const std::string p = at(cp, i);
        r.object(children[i], p, {"id", "kind", "args", "restart"});
        child_decl c;
        c.id = r.name(r.field(children[i], p, "id"), at(p, "id"));
        c.kind = r.name(r.field(children[i], p, "kind"), at(p, "kind"));
        c.args = children[i].value("args", json::object());
        if (children[i].contains("restart")) c.restart = read_restart(r, children[i]["restart"], at(p, "restart"));
        d.children.push_back(std::move(c));
    }
    return d;
}

/// The fields every step that sends a message reads: node, to, message, expect, timeout.
void read_send(const reader& r, const json& j, const std::string& path, const scenario& s, step& st) {
    st.node = node_ref(r, r.field(j, path, "node"), at(path, "node"), s);
    st.target = r.name(r.field(j, path, "to"), at(path, "to"));
    st.body = r.field(j, path, "message");
    if (j.contains("expect")) st.expect = j["expect"];
    if (j.contains("timeout")) st.timeout = r.time(j["timeout"], at(path, "timeout"));
}

void read_group_step(const reader& r, const json& j, const std::string& path, const scenario& s, step& st) {
    st.node = node_ref(r, r.field(j, path, "node"), at(path, "node"), s);
    st.group = r.name(r.field(j, path, "group"), at(path, "group"));
    if (st.kind == step_kind::wait_group) {
        r.object(j, path, {"node", "group", "size", "timeout"});
        st.count = r.count(r.field(j, path, "size"), at(path, "size"), r.limits().max_actors * r.limits().max_nodes);
        if (j.contains("timeout")) st.timeout = r.time(j["timeout"], at(path, "timeout"));
    } else {
        r.object(j, path, {"node", "group", "actor"});
        st.target = r.name(r.field(j, path, "actor"), at(path, "actor"));
    }
}

/// One workload step: an object with exactly one key, the step's kind.
step read_step(const reader& r, const json& j, const std::string& path, const scenario& s) {
    if (!j.is_object() || j.size() != 1) {
        throw scenario_error(path, "expected an object with one key: sleep, spawn, cast, call, join, leave, wait_group or clients");
    }
    // The key and body of the first item, read from an iterator that outlives them (a
    // binding to `*j.items().begin()` would dangle with the temporary items proxy).
    const auto first = j.begin();
    const std::string key = first.key();
    const json& body = first.value();
    const std::string p = at(path, key);
    step st;
    st.path = path;
    if (key == "sleep") {
        st.kind = step_kind::sleep;
        st.time = r.time(body, p);
    } else if (key == "spawn") {
        st.kind = step_kind::spawn;
        st.spawned = read_actor(r, body, p, s);
        st.node = st.spawned.node;
    } else if (key == "cast" || key == "call") {
        st.kind = key == "cast" ? step_kind::cast : step_kind::call;
        r.object(body, p, key == "cast" ? std::initializer_list<std::string_view>{"node", "to", "message"}
                                        : std::initializer_list<std::string_view>{"node", "to", "message", "expect", "timeout"});
        read_send(r, body, p, s, st);
    } else if (key == "join" || key == "leave" || key == "wait_group") {
        st.kind = key == "join" ? step_kind::join : key == "leave" ? step_kind::leave : step_kind::wait_group;
        read_group_step(r, body, p, s, st);
    } else if (key == "clients") {
        st.kind = step_kind::clients;
        r.object(body, p, {"node", "to", "message", "expect", "timeout", "count", "calls", "interval"});
        read_send(r, body, p, s, st);
        st.count = r.count(r.field(body, p, "count"), at(p, "count"), r.limits().max_clients);
        st.calls = r.count(r.field(body, p, "calls"), at(p, "calls"), r.limits().max_calls);
        if (body.contains("interval")) st.time = r.time(body["interval"], at(p, "interval"));
    } else {
        throw scenario_error(p, "unknown step (expected sleep, spawn, cast, call, join, leave, wait_group or clients)");
    }
    return st;
}

invariant read_invariant(const reader& r, const json& j, const std::string& path) {
    invariant inv;
    if (j.is_string()) {
        const std::string v = j.get<std::string>();
        if (v == "calls_answered") inv.what = invariant::kind::calls_answered;
        else if (v == "clients_finished") inv.what = invariant::kind::clients_finished;
        else if (v == "groups_converge") inv.what = invariant::kind::groups_converge;
        else throw scenario_error(path, "unknown invariant '" + v + "' (calls_answered, clients_finished, groups_converge)");
        return inv;
    }
    if (!j.is_object() || j.size() != 1) {
        throw scenario_error(path, "expected a name or an object with one key: restarts_at_most or check");
    }
    if (j.contains("check")) {
        inv.what = invariant::kind::check;
        inv.check = r.name(j["check"], at(path, "check"));
    } else if (j.contains("restarts_at_most")) {
        const std::string p = at(path, "restarts_at_most");
        const json& b = j["restarts_at_most"];
        r.object(b, p, {"supervisor", "max"});
        inv.what = invariant::kind::restarts_at_most;
        inv.supervisor = r.name(r.field(b, p, "supervisor"), at(p, "supervisor"));
        inv.max = r.count(r.field(b, p, "max"), at(p, "max"), 1'000'000);
    } else {
        throw scenario_error(at(path, j.begin().key()), "unknown invariant");
    }
    return inv;
}

void read_plan(const reader& r, const json& j, const std::filesystem::path& base, scenario& s) {
    try {
        if (j.is_string()) {
            std::filesystem::path file = r.string(j, "fault_plan");
            if (file.is_relative() && !base.empty()) file = base / file;
            s.plan = sim::load_fault_plan(file);
            s.plan_file = file.string();
        } else if (j.is_object()) {
            s.plan = sim::parse_fault_plan(j.dump());
        } else {
            throw scenario_error("fault_plan", "expected a fault plan object or a file path");
        }
    } catch (const sim::fault_plan_error& e) {
        throw scenario_error(e.field().empty() ? "fault_plan" : "fault_plan." + e.field(), e.problem());
    }
}

void read_seeds(const reader& r, const json& j, scenario& s) {
    r.object(j, "seeds", {"first", "count", "swarm"});
    if (j.contains("first")) s.first_seed = r.count(j["first"], "seeds.first", UINT64_MAX / 2);
    if (j.contains("count")) s.seeds = r.count(j["count"], "seeds.count", 1'000'000);
    if (j.contains("swarm")) {
        if (!j["swarm"].is_boolean()) throw scenario_error("seeds.swarm", "expected true or false");
        s.swarm = j["swarm"].get<bool>();
    }
}

/// Reads the sections after `nodes`, each of which may name nodes.
void read_sections(const reader& r, const json& doc, const std::filesystem::path& base, scenario& s) {
    if (doc.contains("actors")) {
        const json& a = r.list(doc["actors"], "actors", r.limits().max_actors);
        for (std::size_t i = 0; i < a.size(); ++i) s.actors.push_back(read_actor(r, a[i], at("actors", i), s));
    }
    if (doc.contains("supervisors")) {
        const json& a = r.list(doc["supervisors"], "supervisors", r.limits().max_actors);
        for (std::size_t i = 0; i < a.size(); ++i) s.supervisors.push_back(read_supervisor(r, a[i], at("supervisors", i), s));
    }
    if (doc.contains("workload")) {
        const json& a = r.list(doc["workload"], "workload", r.limits().max_steps);
        for (std::size_t i = 0; i < a.size(); ++i) s.workload.push_back(read_step(r, a[i], at("workload", i), s));
    }
    if (doc.contains("invariants")) {
        const json& a = r.list(doc["invariants"], "invariants", 64);
        for (std::size_t i = 0; i < a.size(); ++i) s.invariants.push_back(read_invariant(r, a[i], at("invariants", i)));
    }
    if (doc.contains("fault_plan")) read_plan(r, doc["fault_plan"], base, s);
    if (doc.contains("settle")) s.settle = r.time(doc["settle"], "settle");
    if (doc.contains("seeds")) read_seeds(r, doc["seeds"], s);
}

/// Parses `text`, refusing documents nested deeper than `max_depth` while it reads.
json parse_bounded(std::string_view text, const scenario_limits& limits) {
    if (text.size() > limits.max_bytes) {
        throw scenario_error("", "the file has " + std::to_string(text.size()) + " bytes, the limit is " +
                                     std::to_string(limits.max_bytes));
    }
    const json::parser_callback_t depth_guard = [&](int depth, json::parse_event_t, json&) {
        if (static_cast<std::size_t>(depth) > limits.max_depth) {
            throw scenario_error("", "nested deeper than " + std::to_string(limits.max_depth) + " levels");
        }
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), depth_guard);
    } catch (const json::parse_error& e) {
        throw scenario_error("", std::string("not JSON: ") + e.what());
    }
}

}  // namespace

scenario parse_scenario(std::string_view text, const std::filesystem::path& base, const scenario_limits& limits) {
    const json doc = parse_bounded(text, limits);
    const reader r(limits);
    r.object(doc, "", {"version", "name", "description", "nodes", "actors", "supervisors", "workload",
                       "fault_plan", "invariants", "settle", "seeds"});
    if (r.count(r.field(doc, "", "version"), "version", 1'000) != 1) {
        throw scenario_error("version", "this build reads version 1 only");
    }
    scenario s;
    s.name = r.name(r.field(doc, "", "name"), "name");
    if (doc.contains("description")) s.description = r.string(doc["description"], "description");
    const json& nodes = r.list(r.field(doc, "", "nodes"), "nodes", limits.max_nodes);
    if (nodes.empty()) throw scenario_error("nodes", "at least one node is needed");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        std::string n = r.name(nodes[i], at("nodes", i));
        if (!seen.insert(n).second) throw scenario_error(at("nodes", i), "node '" + n + "' appears twice");
        s.nodes.push_back(std::move(n));
    }
    read_sections(r, doc, base, s);
    return s;
}

scenario load_scenario(const std::filesystem::path& file, const scenario_limits& limits) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw scenario_error("", "cannot read " + file.string());
    std::string text;
    text.resize(limits.max_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    try {
        return parse_scenario(text, file.parent_path(), limits);
    } catch (const scenario_error& e) {
        throw scenario_error("", file.string() + ": " + e.what());
    }
}

}  // namespace ractor::tool
