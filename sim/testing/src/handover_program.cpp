#include "handover_program.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <variant>

#include <ractor/ractor.hpp>
#include <ractor/sim/world.hpp>

namespace ractor::sim {
namespace {

struct server : actor<int> {
    void handle(actor_ref<int>, int, std::monostate&) {}
};

/// Moves the name "leader" to the server it is sent.
struct switcher : actor<actor_ref<int>, actor_system*, actor_system*> {
    actor_system* pre_start(actor_ref<actor_ref<int>>, actor_system* sys) { return sys; }
    void handle(actor_ref<actor_ref<int>>, actor_ref<int> next, actor_system*& sys) {
        // The planted bug: the name is free between these two calls.
        sys->unregister_name("leader");
        sys->register_name("leader", next);
    }
};

struct client_state {
    actor_system* sys = nullptr;
    std::shared_ptr<int> gaps;
};

/// Looks the leader up once per probe and sends itself the next probe while any are left.
struct client : actor<int, client_state, client_state> {
    client_state pre_start(actor_ref<int>, client_state s) { return s; }
    void handle(actor_ref<int> self, int left, client_state& s) {
        if (!s.sys->where_is("leader")) ++*s.gaps;
        if (left > 0) self.cast(left - 1);
    }
};

}  // namespace

void handover(world& w) {
    actor_system sys(w.add_node("n1"));
    auto gaps = std::make_shared<int>(0);
    auto first = sys.spawn(server{}, {}, {.name = "leader"});
    auto second = sys.spawn(server{}, {});
    auto move = sys.spawn(switcher{}, &sys, {.name = "switcher"});
    auto look = sys.spawn(client{}, client_state{&sys, gaps}, {.name = "client"});
    look.cast(8);
    move.cast(second);
    w.run();
    if (*gaps != 0) {
        throw std::runtime_error("a lookup found no leader " + std::to_string(*gaps) +
                                 " time(s): the handover is not atomic");
    }
}

}  // namespace ractor::sim
