// A worker pool on the simulator: a factory of three workers keeps each account's deposits
// in order (key-persistent routing), answers balance queries through call_job, sheds what
// it cannot queue, survives a worker's crash, and drains before it stops.
//
// Build it with the project (target `example_factory_pool`) and run it: it prints what the
// factory did and exits 0 when every check held, 1 otherwise.
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>

#include <ractor/factory/factory.hpp>
#include <ractor/ractor.hpp>
#include <ractor/sim/world.hpp>

namespace {

using namespace std::chrono_literals;
namespace fac = ractor::factory;

/// A deposit to an account, or a question about its balance.
struct deposit { int amount; };
struct balance { ractor::reply_port<int> port; };
using bank_message = std::variant<deposit, balance>;
using bank_job = fac::job<std::string, bank_message>;

/// Keeps the balances of the accounts routed to it; a negative deposit is a bug that
/// crashes the worker (the factory respawns it, with the same id and its backlog).
struct teller : fac::worker<std::string, bank_message, std::map<std::string, int>> {
    void handle(fac::worker_id, bank_job& j, std::map<std::string, int>& balances) {
        if (auto* d = std::get_if<deposit>(&j.msg)) {
            if (d->amount < 0) throw std::invalid_argument("negative deposit");
            balances[j.key] += d->amount;
        } else {
            std::get<balance>(j.msg).port.send(balances[j.key]);
        }
    }
};

void check(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error(what);
}

int balance_of(const fac::factory_ref<std::string, bank_message>& bank, const std::string& account) {
    auto r = bank.call_job(account, [](ractor::reply_port<int> p) { return bank_message{balance{std::move(p)}}; }, 1s);
    check(r.ok(), "no balance for " + account + ": " + r.error());
    return r.value();
}

void run() {
    ractor::sim::world world(42);
    ractor::actor_system sys(world.add_node("bank"));
    int shed = 0;
    auto bank = fac::spawn_factory(sys, fac::factory_spec<teller>{
                                            .workers = 3,
                                            .route = {.mode = fac::routing_mode::key_persistent},
                                            .discard = {.limit = 1000},
                                            .discard_handler = [&shed](fac::discard_reason, bank_job&) { ++shed; }});
    for (int i = 1; i <= 10; ++i) {
        bank.dispatch({"alice", deposit{i}});
        bank.dispatch({"bob", deposit{2 * i}});
    }
    check(balance_of(bank, "alice") == 55, "alice should have 55");
    check(balance_of(bank, "bob") == 110, "bob should have 110");

    // A crash loses the worker's state (its accounts start again) but not its queue.
    bank.dispatch({"carol", deposit{-1}});
    bank.dispatch({"carol", deposit{7}});
    check(balance_of(bank, "carol") == 7, "carol's deposit after the crash should count");
    const auto stats = bank.stats(1s).value();
    std::printf("factory: %zu workers, %llu jobs done, %llu lost, %llu respawned, %d shed\n", stats.workers,
                static_cast<unsigned long long>(stats.completed), static_cast<unsigned long long>(stats.lost),
                static_cast<unsigned long long>(stats.respawns), shed);
    check(stats.respawns == 1 && stats.lost == 1, "one worker should have crashed and come back");

    bank.dispatch({"dave", deposit{1}});
    bank.drain_and_wait();  // dave's deposit is handled before the factory stops
    check(bank.dispatch({"erin", deposit{1}}) == ractor::send_status::stopped, "a drained factory takes no jobs");
}

}  // namespace

int main() {
    try {
        run();
        std::puts("factory_pool: all checks held");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "factory_pool: %s\n", e.what());
        return 1;
    }
}
