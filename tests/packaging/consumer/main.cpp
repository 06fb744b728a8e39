// A program outside ractor-cpp, built against an installed ractor: the same actor answers one
// call on the simulator and one on the asio runtime, and the program prints OK if both did.
#include <cstdio>
#include <utility>

#include <ractor/asio_backend/runtime_host.hpp>
#include <ractor/ractor.hpp>
#include <ractor/runtime/runtime.hpp>
#include <ractor/sim/world.hpp>

namespace {

/// Asks a doubler for twice `value`.
struct double_request {
    int value;
    ractor::reply_port<int> port;
};

/// Replies to every request with twice its value.
struct doubler : ractor::actor<double_request> {
    void handle(ractor::actor_ref<double_request>, double_request request, std::monostate&) {
        request.port.send(request.value * 2);
    }
};

/// Spawns a doubler on a node of `backend` and asks it once; true if it answered right.
bool ask_doubler(const ractor::runtime& rt, const char* backend) {
    ractor::actor_system system(rt);
    auto ref = system.spawn(doubler{});
    auto answer = ref.call([](ractor::reply_port<int> port) {
        return double_request{21, std::move(port)};
    });
    if (!answer) {
        std::printf("%s: node %llu: call failed: %s\n", backend,
                    static_cast<unsigned long long>(rt.node_id), answer.error().c_str());
        return false;
    }
    std::printf("%s: node %llu answered %d\n", backend,
                static_cast<unsigned long long>(rt.node_id), answer.value());
    return answer.value() == 42;
}

}  // namespace

int main() {
    bool ok = true;
    {
        ractor::sim::world world(1);
        ok = ask_doubler(world.add_node("consumer"), "sim") && ok;
    }
    {
        ractor::asio_backend::runtime_host host;
        ok = ask_doubler(host.add_node("consumer"), "asio") && ok;
    }
    std::puts(ok ? "ractor consumer: OK" : "ractor consumer: FAILED");
    return ok ? 0 : 1;
}
