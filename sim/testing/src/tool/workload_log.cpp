#include "workload_log.hpp"

#include <ractor/actor.hpp>
#include <ractor/timers.hpp>
#include <ractor/tool/message.hpp>

namespace ractor::tool {
namespace {

using json = nlohmann::json;

/// The client's next call is due.
struct client_tick {};

/// What a client calls, how often, and where it records the answers.
struct client_plan {
    step what;
    std::shared_ptr<workload_log> log;
    std::size_t left = 0;
};

/// Calls a named actor of its node `left` times, `what.time` apart (the first at once).
struct client : actor<client_tick, client_plan, client_plan> {
    client_plan pre_start(actor_ref<client_tick> self, client_plan p) {
        self.cast(client_tick{});
        return p;
    }
    void handle(actor_ref<client_tick> self, client_tick, client_plan& p) {
        auto target = self.system().where_is<message>(p.what.target);
        if (!target) {
            ++p.log->calls_failed;
            p.log->failed_calls.push_back(p.what.path + ": no actor " + p.what.target + " on " + p.what.node);
        } else {
            auto r = target->call([&](reply_port<json> port) { return message{p.what.body, std::move(port)}; },
                                  p.what.timeout);
            p.log->record_call(p.what.path, r, p.what.expect);
        }
        if (--p.left == 0) {
            ++p.log->clients_done;
            return;
        }
        send_after(self, p.what.time, client_tick{});
    }
};

}  // namespace

void workload_log::record_call(const std::string& path, const call_result<json>& r,
                               const std::optional<json>& expect) {
    if (!r.ok()) {
        ++calls_failed;
        failed_calls.push_back(path + ": " + (r.is_timeout() ? std::string("timed out") : r.error()));
        return;
    }
    if (expect && r.value() != *expect) {
        ++calls_failed;
        violate(path + ": answered " + r.value().dump() + ", expected " + expect->dump());
        return;
    }
    ++calls_ok;
}

json workload_log::counts_json() const {
    return {{"calls_ok", calls_ok},
            {"calls_failed", calls_failed},
            {"casts", casts},
            {"clients_started", clients_started},
            {"clients_done", clients_done},
            {"failed_calls", failed_calls},
            {"violations", violations}};
}

void workload_log::add_counts(const json& j) {
    calls_ok += j.at("calls_ok").get<std::uint64_t>();
    calls_failed += j.at("calls_failed").get<std::uint64_t>();
    casts += j.at("casts").get<std::uint64_t>();
    clients_started += j.at("clients_started").get<std::uint64_t>();
    clients_done += j.at("clients_done").get<std::uint64_t>();
    for (const auto& f : j.at("failed_calls")) failed_calls.push_back(f.get<std::string>());
    for (const auto& v : j.at("violations")) violations.push_back(v.get<std::string>());
}

void spawn_client(actor_system& sys, const step& st, const std::shared_ptr<workload_log>& log) {
    if (st.calls == 0) return;
    ++log->clients_started;
    sys.spawn(client{}, client_plan{st, log, st.calls});
}

}  // namespace ractor::tool
