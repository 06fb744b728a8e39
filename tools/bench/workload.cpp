// The six workloads of ../shared/peers (Erlang abench.erl, CAF cbench.cpp) as ractor-cpp
// actors: same sizes, same timing boundaries, same RESULT fields. Every workload only talks
// to an `actor_system`, so the same code runs on the asio runtime and on the simulator.
#include "workload.hpp"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>
#include <variant>

#include <ractor/ractor.hpp>
#include <ractor/timers.hpp>

#include "common/proc_status.hpp"
#include "factory_workload.hpp"

namespace ractor::bench {

namespace {

// Sizes of the peers' workloads.
constexpr std::int64_t pingpong_n = 1'000'000;
constexpr std::int64_t fanin_senders = 4;
constexpr std::int64_t fanin_per_sender = 1'000'000;
constexpr std::int64_t skynet_size = 1'000'000;
constexpr std::int64_t call_n = 200'000;
constexpr std::int64_t idle_n = 100'000;
constexpr std::int64_t timer_n = 100'000;
constexpr int timer_max_ms = 100;

// How long the main thread waits for a workload to finish before reporting it stuck.
constexpr auto finish_limit = std::chrono::minutes(5);

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

/// The main thread's request to hear when a workload has finished.
template <class R>
struct await_msg {
    reply_port<R> done;
};

/// Where a timed run ends: the reply to the main thread's await request goes out once both
/// the request and the result are there, in whichever order they arrive.
template <class R>
class completion {
public:
    /// Keeps the await request's port; true if the reply went out now.
    bool set_port(reply_port<R> port) {
        port_.emplace(std::move(port));
        return flush();
    }
    /// Keeps the result; true if the reply went out now.
    bool set_result(R result) {
        result_.emplace(std::move(result));
        return flush();
    }

private:
    bool flush() {
        if (!port_ || !result_) return false;
        port_->send(std::move(*result_));
        port_.reset();
        return true;
    }

    std::optional<reply_port<R>> port_;
    std::optional<R> result_;
};

/// Sends `ref` an await request (built as `Msg{await_msg<R>{port}}`) and blocks the main
/// thread (asio) or drives the simulation (sim) until the reply; throws if there is none.
template <class R, class Msg>
R await_finish(const actor_ref<Msg>& ref) {
    auto r = ref.call([](reply_port<R> port) { return Msg{await_msg<R>{std::move(port)}}; },
                      finish_limit);
    if (!r) throw std::runtime_error("no result from the workload's actor: " + r.error());
    return std::move(r).value();
}

/// The message type of actors that receive nothing.
struct no_message {};

// ---- a. ping-pong: 1M round trips, the ping carries the reply address ------------------

struct pong_msg {
    std::int64_t n;
};
using pinger_msg = std::variant<await_msg<std::int64_t>, pong_msg>;
struct ping_msg {
    actor_ref<pinger_msg> from;
    std::int64_t n;
};

struct ponger final : actor<ping_msg> {
    void handle(actor_ref<ping_msg>, ping_msg m, std::monostate&) { m.from.cast(pong_msg{m.n}); }
};

struct pinger_args {
    actor_ref<ping_msg> ponger;
    std::int64_t n;
};
struct pinger_state {
    pinger_args args;
    std::int64_t remaining;
    completion<std::int64_t> done{};
};

/// Starts the exchange when the await request arrives; replies after the last pong.
struct pinger final : actor<pinger_msg, pinger_state, pinger_args> {
    pinger_state pre_start(actor_ref<pinger_msg>, pinger_args a) {
        const std::int64_t n = a.n;
        return {std::move(a), n, {}};
    }
    void handle(actor_ref<pinger_msg> self, pinger_msg m, pinger_state& s) {
        if (auto* await = std::get_if<await_msg<std::int64_t>>(&m)) {
            s.done.set_port(std::move(await->done));
        } else if (--s.remaining == 0) {
            s.done.set_result(s.args.n);
            self.stop();
            return;
        }
        s.args.ponger.cast(ping_msg{std::move(self), s.remaining});
    }
};

measurement run_pingpong(actor_system& sys) {
    const std::int64_t n = pingpong_n;
    auto pong = sys.spawn(ponger{});
    const std::int64_t t0 = now_ns();
    auto ping = sys.spawn(pinger{}, {pong, n});
    await_finish<std::int64_t>(ping);
    const std::int64_t t = now_ns() - t0;
    return {format("n=%ld total_ms=%.1f rt_per_s=%.0f ns_per_rt=%.1f", static_cast<long>(n),
                   t / 1e6, n / (t / 1e9), double(t) / n),
            static_cast<std::uint64_t>(2 * n), t / 1e9};
}

// ---- b. fan-in: 4 senders x 1M casts in a tight loop, one counting receiver ------------

using receiver_msg = std::variant<std::int64_t, await_msg<std::int64_t>>;
struct receiver_state {
    std::int64_t total;
    std::int64_t count = 0;
    completion<std::int64_t> done{};
};

struct receiver final : actor<receiver_msg, receiver_state, std::int64_t> {
    receiver_state pre_start(actor_ref<receiver_msg>, std::int64_t total) { return {total}; }
    void handle(actor_ref<receiver_msg> self, receiver_msg m, receiver_state& s) {
        bool replied;
        if (std::holds_alternative<std::int64_t>(m)) {
            if (++s.count < s.total) return;
            replied = s.done.set_result(s.count);
        } else {
            replied = s.done.set_port(std::move(std::get<await_msg<std::int64_t>>(m).done));
        }
        if (replied) self.stop();
    }
};

struct sender_args {
    actor_ref<receiver_msg> to;
    std::int64_t n;
};

/// Sends its whole burst from post_start (on a worker, like CAF's and ractor's senders:
/// one handler call, no yielding), then stops.
struct sender final : actor<no_message, sender_args, sender_args> {
    sender_args pre_start(actor_ref<no_message>, sender_args a) { return a; }
    void post_start(actor_ref<no_message> self, sender_args& a) {
        for (std::int64_t i = a.n; i > 0; --i) a.to.cast(i);
        self.stop();
    }
    void handle(actor_ref<no_message>, no_message, sender_args&) {}
};

measurement run_fanin(actor_system& sys) {
    const std::int64_t total = fanin_senders * fanin_per_sender;
    const std::int64_t t0 = now_ns();
    auto r = sys.spawn(receiver{}, total);
    for (std::int64_t i = 0; i < fanin_senders; ++i) sys.spawn(sender{}, {r, fanin_per_sender});
    await_finish<std::int64_t>(r);
    const std::int64_t t = now_ns() - t0;
    return {format("senders=%ld msgs=%ld total_ms=%.1f msgs_per_s=%.0f", static_cast<long>(fanin_senders),
                   static_cast<long>(total), t / 1e6, total / (t / 1e9)),
            static_cast<std::uint64_t>(total), t / 1e9};
}

// ---- c. skynet: 1M leaves, 10 children per actor, sums go up -----------------------------

using sky_msg = std::variant<std::int64_t, await_msg<std::int64_t>>;
struct sky_args {
    actor_ref<sky_msg> parent;  ///< empty for the root, which replies to the main thread
    std::int64_t num;
    std::int64_t size;
};
struct sky_state {
    sky_args at;
    std::int64_t sum = 0;
    int pending = 10;
    completion<std::int64_t> done{};
};

/// Spawns its children from post_start (on a worker fiber, so subtrees grow in parallel);
/// a leaf sends its number up and stops.
struct sky_node final : actor<sky_msg, sky_state, sky_args> {
    sky_state pre_start(actor_ref<sky_msg>, sky_args a) { return {std::move(a)}; }
    void post_start(actor_ref<sky_msg> self, sky_state& s) {
        if (s.at.size == 1) {
            s.at.parent.cast(s.at.num);
            self.stop();
            return;
        }
        const std::int64_t sub = s.at.size / 10;
        for (std::int64_t i = 0; i < 10; ++i) {
            self.system().spawn(sky_node{}, {self, s.at.num + i * sub, sub});
        }
    }
    void handle(actor_ref<sky_msg> self, sky_msg m, sky_state& s) {
        if (auto* part = std::get_if<std::int64_t>(&m)) {
            s.sum += *part;
            if (--s.pending > 0) return;
            if (s.at.parent) {
                s.at.parent.cast(s.sum);
                self.stop();
            } else if (s.done.set_result(s.sum)) {
                self.stop();
            }
        } else if (s.done.set_port(std::move(std::get<await_msg<std::int64_t>>(m).done))) {
            self.stop();
        }
    }
};

std::int64_t skynet_actors(std::int64_t size) { return size == 1 ? 1 : 1 + 10 * skynet_actors(size / 10); }

measurement run_skynet(actor_system& sys) {
    const std::int64_t t0 = now_ns();
    auto root = sys.spawn(sky_node{}, {{}, 0, skynet_size});
    const std::int64_t sum = await_finish<std::int64_t>(root);
    const std::int64_t t = now_ns() - t0;
    if (sum != skynet_size * (skynet_size - 1) / 2) {
        throw std::runtime_error(format("skynet: wrong sum %ld", static_cast<long>(sum)));
    }
    const std::int64_t actors = skynet_actors(skynet_size);
    return {format("leaves=%ld actors=%ld sum=%ld total_ms=%.1f", static_cast<long>(skynet_size),
                   static_cast<long>(actors), static_cast<long>(sum), t / 1e6),
            static_cast<std::uint64_t>(actors - 1), t / 1e9};
}

// ---- d. call: 200k sequential calls from a client actor to an echo server ----------------

struct echo_request {
    std::int64_t x;
    reply_port<std::int64_t> reply;
};

struct echo_server final : actor<echo_request> {
    void handle(actor_ref<echo_request>, echo_request r, std::monostate&) { r.reply.send(r.x); }
};

using client_msg = await_msg<std::int64_t>;

/// Makes all the calls from one handler: each call parks only the client's fiber.
struct call_client final : actor<client_msg, actor_ref<echo_request>, actor_ref<echo_request>> {
    actor_ref<echo_request> pre_start(actor_ref<client_msg>, actor_ref<echo_request> server) {
        return server;
    }
    void handle(actor_ref<client_msg> self, client_msg m, actor_ref<echo_request>& server) {
        for (std::int64_t i = call_n; i > 0; --i) {
            auto r = server.call([i](reply_port<std::int64_t> p) { return echo_request{i, std::move(p)}; });
            if (!r || r.value() != i) throw std::runtime_error("call: wrong or missing reply");
        }
        m.done.send(call_n);
        self.stop();
    }
};

measurement run_call(actor_system& sys) {
    const std::int64_t n = call_n;
    auto server = sys.spawn(echo_server{});
    const std::int64_t t0 = now_ns();
    auto client = sys.spawn(call_client{}, server);
    await_finish<std::int64_t>(client);
    const std::int64_t t = now_ns() - t0;
    return {format("n=%ld total_ms=%.1f calls_per_s=%.0f ns_per_call=%.1f", static_cast<long>(n), t / 1e6,
                   n / (t / 1e9), double(t) / n),
            static_cast<std::uint64_t>(n), t / 1e9};
}

// ---- e. idle: 100k actors waiting for a message -------------------------------------------

struct idle_actor final : actor<no_message> {
    void handle(actor_ref<no_message>, no_message, std::monostate&) {}
};

measurement run_idle(actor_system& sys) {
    std::vector<actor_ref<no_message>> refs;
    refs.reserve(idle_n);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::int64_t rss0 = tool::status_kb("VmRSS");
    const std::int64_t t0 = now_ns();
    for (std::int64_t i = 0; i < idle_n; ++i) refs.push_back(sys.spawn(idle_actor{}));
    const std::int64_t t = now_ns() - t0;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const std::int64_t rss1 = tool::status_kb("VmRSS");
    // The actors stay alive until the system shuts down after the run.
    return {format("n=%ld rss_delta_kb=%ld bytes_per_actor_rss=%.0f", static_cast<long>(idle_n),
                   static_cast<long>(rss1 - rss0), (rss1 - rss0) * 1024.0 / idle_n),
            0, t / 1e9};
}

// ---- f. timers: 100k one-shot timers, 0..100 ms, to one collector ------------------------

struct fire_msg {
    std::int64_t due_ns;  ///< steady-clock time the timer should fire at
};
struct lateness {
    std::int64_t sum_ns = 0;
    std::int64_t max_ns = 0;
    std::int64_t last_ns = 0;  ///< when the last timer arrived
};
using collector_msg = std::variant<fire_msg, await_msg<lateness>>;
struct collector_state {
    std::int64_t remaining;
    lateness seen{};
    completion<lateness> done{};
};

struct collector final : actor<collector_msg, collector_state, std::int64_t> {
    collector_state pre_start(actor_ref<collector_msg>, std::int64_t n) { return {n}; }
    void handle(actor_ref<collector_msg> self, collector_msg m, collector_state& s) {
        bool replied;
        if (auto* fire = std::get_if<fire_msg>(&m)) {
            const std::int64_t now = now_ns();
            const std::int64_t late = now - fire->due_ns;
            s.seen.sum_ns += late;
            if (late > s.seen.max_ns) s.seen.max_ns = late;
            if (--s.remaining > 0) return;
            s.seen.last_ns = now;
            replied = s.done.set_result(s.seen);
        } else {
            replied = s.done.set_port(std::move(std::get<await_msg<lateness>>(m).done));
        }
        if (replied) self.stop();
    }
};

measurement run_timers(actor_system& sys) {
    const std::int64_t n = timer_n;
    // The same generator, seed and distribution as CAF's cbench (same libstdc++: same delays).
    std::mt19937_64 rng(4711);
    std::uniform_int_distribution<int> dist(0, timer_max_ms);
    const std::int64_t t0 = now_ns();
    auto coll = sys.spawn(collector{}, n);
    for (std::int64_t i = 0; i < n; ++i) {
        const int d = dist(rng);
        const std::int64_t due = now_ns() + std::int64_t{d} * 1'000'000;
        send_after(coll, std::chrono::milliseconds(d), collector_msg{fire_msg{due}});
    }
    const std::int64_t tsched = now_ns() - t0;
    const lateness l = await_finish<lateness>(coll);
    return {format("n=%ld schedule_ms=%.1f total_ms=%.1f mean_late_us=%.1f max_late_us=%.1f",
                   static_cast<long>(n), tsched / 1e6, (l.last_ns - t0) / 1e6, double(l.sum_ns) / n / 1e3,
                   l.max_ns / 1e3),
            static_cast<std::uint64_t>(n), (l.last_ns - t0) / 1e9};
}

}  // namespace

const std::vector<workload>& workloads() {
    static const std::vector<workload> all{
        {"pingpong", &run_pingpong, true},
        {"fanin", &run_fanin, true},
        {"skynet", &run_skynet, true},
        {"call", &run_call, true},
        // Not peers' workloads: the factory beside plain actors doing the same jobs.
        {"factory_rr", &run_factory_round_robin, true},
        {"factory_queuer", &run_factory_queuer, true},
        {"factory_plain", &run_factory_plain, true},
        // Both measure wall-clock behaviour (sleeps, real lateness): asio only.
        {"idle", &run_idle, false},
        {"timers", &run_timers, false},
    };
    return all;
}

}  // namespace ractor::bench
