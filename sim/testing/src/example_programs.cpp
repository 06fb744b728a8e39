#include <ractor/sim/example_programs.hpp>

#include <chrono>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <ractor/ractor.hpp>
#include <ractor/supervisor.hpp>
#include <ractor/sim/fault_plan.hpp>
#include <ractor/sim/world.hpp>

#include "handover_program.hpp"

namespace ractor::sim {
namespace {

using namespace std::chrono_literals;

void check(bool ok, const std::string& what) {
    if (!ok) {
        throw std::runtime_error(what);
    }
}

// ---- ping-pong ------------------------------------------------------------------------

struct ball {
    int left = 0;
    actor_ref<ball> back{};
};

/// Returns the ball until it has no bounces left, then counts the end of the rally.
struct player : actor<ball, std::shared_ptr<int>, std::shared_ptr<int>> {
    std::shared_ptr<int> pre_start(actor_ref<ball>, std::shared_ptr<int> finished) { return finished; }
    void handle(actor_ref<ball> self, ball b, std::shared_ptr<int>& finished) {
        if (b.left == 0) {
            ++*finished;
            return;
        }
        b.back.cast(ball{b.left - 1, self});
    }
};

program ping_pong(int bounces) {
    return [bounces](world& w) {
        actor_system sys(w.add_node("table"));
        auto finished = std::make_shared<int>(0);
        auto ping = sys.spawn(player{}, finished, {.name = "ping"});
        auto pong = sys.spawn(player{}, finished, {.name = "pong"});
        ping.cast(ball{bounces, pong});
        w.run();
        check(*finished == 1, "the rally did not finish exactly once");
    };
}

// ---- worker-pool ----------------------------------------------------------------------

struct job {
    int n = 0;
    reply_port<int> port;
};

/// Squares its job; a job divisible by 5 is poison and crashes the worker.
struct pool_worker : actor<job> {
    void handle(actor_ref<job>, job j, std::monostate&) {
        if (j.n % 5 == 0) {
            throw std::runtime_error("poison job " + std::to_string(j.n));
        }
        j.port.send(j.n * j.n);
    }
};

child_spec pool_child(std::string id) {
    return {id, [](const any_actor_ref& sup) -> any_actor_ref {
                return sup.system().spawn(pool_worker{}, {}, {.supervisor = sup});
            }};
}

void worker_pool(world& w) {
    actor_system sys(w.add_node("pool"));
    auto sup = spawn_supervisor(sys, {.strategy = supervisor_strategy::one_for_one,
                                      .intensity = 100,
                                      .period = 1h,
                                      .children = {pool_child("w0"), pool_child("w1"),
                                                   pool_child("w2"), pool_child("w3")}});
    int succeeded = 0;
    int crashed = 0;
    long sum = 0;
    for (int n = 1; n <= 20; ++n) {
        const auto children = which_children(sup);
        const auto& target = children[static_cast<std::size_t>(n) % children.size()];
        check(static_cast<bool>(target.actor), "worker " + target.id + " is not running");
        auto r = target.actor.as<job>().call([n](reply_port<int> p) { return job{n, std::move(p)}; }, 1s);
        if (r.ok()) {
            ++succeeded;
            sum += r.value();
        } else {
            ++crashed;
            // Once the crashed worker has stopped its supervisor has been told, and it
            // handles that before the next `which_children`.
            target.actor.wait();
        }
    }
    check(succeeded == 16 && crashed == 4,
          "expected 16 answers and 4 crashes, got " + std::to_string(succeeded) + " and " +
              std::to_string(crashed));
    check(sum == 2870 - 750, "wrong sum of squares " + std::to_string(sum));
    sup.stop_and_wait();
}

// ---- one-call ------------------------------------------------------------------------

/// Answers every job with its number.
struct echo : actor<job> {
    void handle(actor_ref<job>, job j, std::monostate&) { j.port.send(j.n); }
};

// One handler invocation in the whole run, so a fault rate r fails the run in a fraction r
// of the seeds: the measure of whether faults reach the program at all.
void one_call(world& w) {
    actor_system sys(w.add_node("desk"));
    auto e = sys.spawn(echo{}, {}, {.name = "echo"});
    const auto r = e.call([](reply_port<int> p) { return job{7, std::move(p)}; }, 1s);
    check(r.ok(), "the one call failed");
}

// ---- bank (planted bug) ---------------------------------------------------------------

namespace account_msg {
struct withdraw { long amount; reply_port<long> port; };
struct deposit { long amount; };
struct balance { reply_port<long> port; };
}  // namespace account_msg
using account_message = std::variant<account_msg::withdraw, account_msg::deposit, account_msg::balance>;

/// Holds a balance; a withdrawal replies with the new balance.
struct account : actor<account_message, long, long> {
    long pre_start(actor_ref<account_message>, long opening) { return opening; }
    void handle(actor_ref<account_message>, account_message m, long& balance) {
        if (auto* w = std::get_if<account_msg::withdraw>(&m)) {
            balance -= w->amount;
            w->port.send(balance);
        } else if (auto* d = std::get_if<account_msg::deposit>(&m)) {
            balance += d->amount;
        } else {
            std::get<account_msg::balance>(m).port.send(balance);
        }
    }
};

struct pending_deposit {
    actor_ref<account_message> to;
    long amount = 0;
};

/// Passes deposits on to their account: the hop during which the money is nowhere.
struct clearing_house : actor<pending_deposit> {
    void handle(actor_ref<pending_deposit>, pending_deposit d, std::monostate&) {
        d.to.cast(account_msg::deposit{d.amount});
    }
};

struct audit {
    reply_port<long> port;
};

using account_list = std::vector<actor_ref<account_message>>;

/// Sums the balances of every account, one call after another.
struct auditor : actor<audit, account_list, account_list> {
    account_list pre_start(actor_ref<audit>, account_list a) { return a; }
    void handle(actor_ref<audit>, audit request, account_list& accounts) {
        long total = 0;
        for (const auto& a : accounts) {
            total += a.call([](reply_port<long> p) { return account_message{account_msg::balance{std::move(p)}}; })
                         .value();
        }
        request.port.send(total);
    }
};

// The planted bug: a transfer withdraws from the first account (confirmed by a call) and
// sends the deposit for the last one through the clearing house, while an audit reads
// every account in order. The money is nowhere while the deposit is at the clearing
// house: an audit that reaches the last account before the deposit does sees it missing.
// That needs the clearing house's one step delayed past the whole audit, which a uniform
// scheduler rarely does and PCT does whenever that step draws a low priority.
void bank(world& w) {
    constexpr long accounts = 8;
    constexpr long opening = 100;
    actor_system sys(w.add_node("bank"));
    account_list book;
    for (long i = 0; i < accounts; ++i) {
        book.push_back(sys.spawn(account{}, opening, {.name = "account-" + std::to_string(i)}));
    }
    auto clearing = sys.spawn(clearing_house{}, {}, {.name = "clearing"});
    auto audi = sys.spawn(auditor{}, book, {.name = "auditor"});
    book.front().call([](reply_port<long> p) { return account_message{account_msg::withdraw{50, std::move(p)}}; }).value();
    clearing.cast(pending_deposit{book.back(), 50});
    const long total = audi.call([](reply_port<long> p) { return audit{std::move(p)}; }).value();
    check(total == accounts * opening, "the audit saw a total of " + std::to_string(total) +
                                           " instead of " + std::to_string(accounts * opening));
    w.run();
}

// ---- acked-write (planted bug) ---------------------------------------------------------

struct put {
    int n = 0;
};

/// What outlives a crash of the store: the disk's contents and the acknowledgements the
/// clients received.
struct store_record {
    std::set<int> on_disk;
    std::set<int> acknowledged;
};

/// Writes what it is sent to the disk.
struct disk_writer : actor<put, std::shared_ptr<store_record>, std::shared_ptr<store_record>> {
    std::shared_ptr<store_record> pre_start(actor_ref<put>, std::shared_ptr<store_record> r) { return r; }
    void handle(actor_ref<put>, put p, std::shared_ptr<store_record>& r) { r->on_disk.insert(p.n); }
};

struct front_state {
    std::shared_ptr<store_record> record;
    actor_ref<put> disk;
};

/// Hands each put to the disk writer and acknowledges it at once: the planted bug.
struct store_front : actor<put, front_state, front_state> {
    front_state pre_start(actor_ref<put>, front_state s) { return s; }
    void handle(actor_ref<put>, put p, front_state& s) {
        s.disk.cast(p);
        s.record->acknowledged.insert(p.n);  // before the write happened
    }
};

// The planted bug: the store acknowledges a put as soon as it has cast it to the disk
// writer. A crash after that step and before the writer's loses an acknowledged put. With
// the crash at an exact time it lands only where the world is idle, so every put is on
// disk by then; with a window the strategy may place it between the two steps.
program acked_write(bool windowed) {
    return [windowed](world& w) {
        auto record = std::make_shared<store_record>();
        w.add_node("store", [record](actor_system& s) {
            auto disk = s.spawn(disk_writer{}, record, {.name = "disk"});
            s.spawn(store_front{}, front_state{record, disk}, {.name = "front"});
        });
        fault_plan plan;
        node_crash crash{.at = 3ms, .node = 1, .restart_at = std::nullopt};
        if (windowed) crash = {.at = 0ms, .node = 1, .restart_at = std::nullopt, .until = 8ms};
        plan.crashes.push_back(crash);
        w.apply(plan);
        for (int n = 1; n <= 8; ++n) {
            if (actor_system* sys = w.node_system(1)) sys->where_is<put>("front")->cast(put{n});
            w.run_for(1ms);
        }
        w.run();
        for (const int n : record->acknowledged) {
            check(record->on_disk.contains(n), "put " + std::to_string(n) + " was acknowledged but is not on disk");
        }
    };
}

// ---- late-reply (planted bug) ---------------------------------------------------------

namespace lookup_msg {
struct ask { int id; };
struct answer { int id; };
struct give_up { int id; };
}  // namespace lookup_msg
using client_message = std::variant<lookup_msg::ask, lookup_msg::answer, lookup_msg::give_up>;

struct lookup {
    int id = 0;
    actor_ref<client_message> reply_to;
};

/// Answers every lookup.
struct lookup_server : actor<lookup> {
    void handle(actor_ref<lookup>, lookup l, std::monostate&) { l.reply_to.cast(lookup_msg::answer{l.id}); }
};

/// What the client's user saw, per lookup: answered, given up, or (the bug) both.
struct lookup_outcomes {
    std::set<int> answered;
    std::set<int> given_up;
};

struct client_state {
    actor_ref<lookup> server;
    std::shared_ptr<lookup_outcomes> seen;
    std::set<int> pending;
};

/// Asks the server and gives up after 10 ms; an answer is reported without checking that
/// the lookup is still pending: the planted bug.
struct lookup_client : actor<client_message, client_state, client_state> {
    client_state pre_start(actor_ref<client_message>, client_state s) { return s; }
    void handle(actor_ref<client_message> self, client_message m, client_state& s) {
        if (auto* a = std::get_if<lookup_msg::ask>(&m)) {
            s.pending.insert(a->id);
            s.server.cast(lookup{a->id, self});
            send_after(self, 10ms, client_message{lookup_msg::give_up{a->id}});
        } else if (auto* g = std::get_if<lookup_msg::give_up>(&m)) {
            if (s.pending.erase(g->id) > 0) s.seen->given_up.insert(g->id);
        } else {
            const int id = std::get<lookup_msg::answer>(m).id;
            s.pending.erase(id);
            s.seen->answered.insert(id);  // should be ignored once given up
        }
    }
};

// The planted bug: a lookup that is answered after its deadline is reported twice, as given
// up and as answered. Handlers take no virtual time unless a cost model says so, so the
// answer always comes at the instant of the question, long before the deadline; with the
// cost model (handlers take up to 15 ms each, timers are scheduling choices) the question,
// the answer and the client's turn can take longer than the deadline.
program late_reply(bool cost_model) {
    return [cost_model](world& w) {
        if (cost_model) w.set_time_options({.timers_as_choices = true, .handler_random_up_to = 15ms});
        actor_system sys(w.add_node("app"));
        auto seen = std::make_shared<lookup_outcomes>();
        auto server = sys.spawn(lookup_server{}, {}, {.name = "server"});
        auto client = sys.spawn(lookup_client{}, client_state{server, seen, {}}, {.name = "client"});
        for (int id = 1; id <= 5; ++id) {
            client.cast(lookup_msg::ask{id});
            w.run_for(50ms);
        }
        for (const int id : seen->given_up) {
            check(!seen->answered.contains(id), "lookup " + std::to_string(id) + " was given up and then answered");
        }
    };
}

// ---- ticker ---------------------------------------------------------------------------

struct tick {};

/// Counts its ticks.
struct tick_counter : actor<tick, std::shared_ptr<long>, std::shared_ptr<long>> {
    std::shared_ptr<long> pre_start(actor_ref<tick>, std::shared_ptr<long> count) { return count; }
    void handle(actor_ref<tick>, tick, std::shared_ptr<long>& count) { ++*count; }
};

void ticker(world& w) {
    actor_system east(w.add_node("east"));
    actor_system west(w.add_node("west"));
    auto count = std::make_shared<long>(0);
    std::vector<timer_handle> timers;
    long expected = 0;
    for (int i = 0; i < 10; ++i) {
        actor_system& sys = i % 2 == 0 ? east : west;
        auto c = sys.spawn(tick_counter{}, count);
        const auto period = std::chrono::milliseconds(1 + i);
        timers.push_back(send_interval(c, period, [] { return tick{}; }));
        expected += 10'000 / (1 + i);
    }
    w.run_for(10s);
    for (auto& t : timers) {
        t.cancel();
    }
    w.run();
    check(*count == expected,
          "expected " + std::to_string(expected) + " ticks, counted " + std::to_string(*count));
}

// ---- stuck-call -----------------------------------------------------------------------

/// Keeps every reply port it gets and never answers.
struct hoarder : actor<job, std::vector<reply_port<int>>> {
    void handle(actor_ref<job>, job j, std::vector<reply_port<int>>& kept) { kept.push_back(std::move(j.port)); }
};

void stuck_call(world& w) {
    actor_system sys(w.add_node("n1"));
    auto h = sys.spawn(hoarder{}, {}, {.name = "hoarder"});
    h.call([](reply_port<int> p) { return job{1, std::move(p)}; }).value();
}

// ---- livelock -------------------------------------------------------------------------

/// Returns every ball, forever.
struct wall : actor<ball> {
    void handle(actor_ref<ball> self, ball b, std::monostate&) { b.back.cast(ball{b.left, self}); }
};

void livelock(world& w) {
    actor_system sys(w.add_node("n1"));
    auto a = sys.spawn(wall{}, {}, {.name = "left"});
    auto b = sys.spawn(wall{}, {}, {.name = "right"});
    a.cast(ball{1, b});
    w.run();
}

}  // namespace

const std::vector<named_program>& example_programs() {
    static const std::vector<named_program> programs{
        {"ping-pong", "two actors bounce a ball 1,000 times (message-heavy)", ping_pong(1000)},
        {"ping-pong-100k", "two actors bounce a ball 100,000 times (throughput)", ping_pong(100'000)},
        {"worker-pool",
         "a one_for_one supervisor restarts workers that crash on poison jobs", worker_pool},
        {"one-call", "one actor answers one call; any injected failure fails the run", one_call},
        {"bank",
         "PLANTED BUG: a deposit in flight races an audit; rare schedules lose money", bank},
        {"acked-write",
         "PLANTED BUG: an acknowledgement sent with the write, lost in a crash placed in a window",
         acked_write(true)},
        {"acked-write-exact", "the same store with the crash at an exact time: never caught", acked_write(false)},
        {"late-reply",
         "PLANTED BUG: an answer after the deadline is reported too; found with the handler cost model on",
         late_reply(true)},
        {"late-reply-no-cost", "the same client with handlers taking no time: never caught", late_reply(false)},
        {"handover", "PLANTED BUG: a name handed over in one handler; a lookup inside it finds none", handover},
        {"ticker", "ten actors with periodic timers for ten virtual seconds (timer-heavy)", ticker},
        {"stuck-call", "LIVENESS BUG: a caller waits for a reply that never comes", stuck_call},
        {"livelock", "LIVENESS BUG: two actors bounce a message forever (step budget)", livelock},
    };
    return programs;
}

const named_program* find_example_program(std::string_view name) {
    for (const auto& p : example_programs()) {
        if (p.name == name) {
            return &p;
        }
    }
    return nullptr;
}

}  // namespace ractor::sim
