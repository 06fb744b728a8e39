#include "node_startup.hpp"

#include <ractor/supervisor.hpp>

namespace ractor::tool {
namespace {

void start_supervisor(const supervisor_decl& d, const registry& r, actor_system& sys,
                      const child_start_fn& on_child_start) {
    supervisor_spec spec{.strategy = d.strategy, .intensity = d.intensity, .period = d.period};
    for (const child_decl& c : d.children) {
        const kind_entry* k = r.find_kind(c.kind);
        child_spec cs{
            c.id, [k, &c, on_child_start, key = d.name](const any_actor_ref& sup) -> any_actor_ref {
                on_child_start(key);
                return k->spawn(sup.system(), c.args, {.name = c.id, .supervisor = sup});
            }};
        cs.restart = c.restart;
        spec.children.push_back(std::move(cs));
    }
    spawn_supervisor(sys, std::move(spec), {.name = d.name});
}

}  // namespace

void spawn_declared(const scenario& s, const registry& r, const std::string& node,
                    actor_system& sys, const child_start_fn& on_child_start) {
    for (const actor_decl& a : s.actors) {
        if (a.node == node) r.find_kind(a.kind)->spawn(sys, a.args, {.name = a.name});
    }
    for (const supervisor_decl& d : s.supervisors) {
        if (d.node == node) start_supervisor(d, r, sys, on_child_start);
    }
}

}  // namespace ractor::tool
