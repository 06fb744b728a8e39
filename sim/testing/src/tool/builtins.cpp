#include <ractor/tool/builtins.hpp>

#include <chrono>
#include <map>
#include <stdexcept>

#include <ractor/actor.hpp>
#include <ractor/buggify.hpp>
#include <ractor/sim/example_programs.hpp>
#include <ractor/timers.hpp>

namespace ractor::tool {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct echo : actor<message> {
    void handle(actor_ref<message>, message m, std::monostate&) { m.answer(m.body); }
};

struct crasher : actor<message> {
    void handle(actor_ref<message>, message m, std::monostate&) {
        if (m.body.is_object() && m.body.value("crash", false)) {
            throw std::runtime_error("crasher: asked to crash");
        }
        m.answer(m.body);
    }
};

/// A key-value map keyed by the JSON text of the key.
using kv_map = std::map<std::string, json>;

kv_map initial_map(const json& args) {
    kv_map m;
    if (args.is_object() && args.contains("initial") && args["initial"].is_object()) {
        for (const auto& [k, v] : args["initial"].items()) m[json(k).dump()] = v;
    }
    return m;
}

/// Answers a put or a get on `m`; false if the body is neither.
bool serve(kv_map& m, message& msg) {
    const json& b = msg.body;
    if (b.is_object() && b.contains("put") && b.contains("value")) {
        m[b["put"].dump()] = b["value"];
        msg.answer("ok");
        return true;
    }
    if (b.is_object() && b.contains("get")) {
        auto it = m.find(b["get"].dump());
        msg.answer(it == m.end() ? json() : it->second);
        return true;
    }
    return false;
}

struct kv_store : actor<message, kv_map, json> {
    kv_map pre_start(actor_ref<message>, json args) { return initial_map(args); }
    void handle(actor_ref<message>, message m, kv_map& state) {
        if (!serve(state, m)) m.answer(json{{"error", "expected {put, value} or {get}"}});
    }
};

struct write_behind_store : actor<message, kv_map, json> {
    kv_map pre_start(actor_ref<message>, json args) { return initial_map(args); }
    void handle(actor_ref<message> self, message m, kv_map& state) {
        const json& b = m.body;
        if (b.is_object() && b.contains("apply")) {  // a deferred write falls due
            state[b["apply"].dump()] = b["value"];
            return;
        }
        if (b.is_object() && b.contains("put") && buggify("store.defer_write")) {
            send_after(self, 50ms, message{json{{"apply", b["put"]}, {"value", b.value("value", json())}}, std::nullopt});
            m.answer("ok");  // the bug: acknowledged before it is applied
            return;
        }
        if (!serve(state, m)) m.answer(json{{"error", "expected {put, value} or {get}"}});
    }
};

}  // namespace

void add_builtins(registry& r) {
    for (const auto& p : sim::example_programs()) r.add_program(p);
    r.add_kind<echo>("echo", "answers every call with its message");
    r.add_kind<kv_store>("kv_store", "a key-value store: {put, value} -> \"ok\", {get} -> value");
    r.add_kind<crasher>("crasher", "answers like echo; {\"crash\": true} throws");
    r.add_kind<write_behind_store>("write_behind_store",
                                   "planted bug: under pressure a put is acknowledged before it is applied");
}

}  // namespace ractor::tool
