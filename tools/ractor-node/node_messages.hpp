#pragma once
// The messages ractor-node's actors exchange across the wire, and their JSON forms.

#include <cstdint>
#include <variant>

#include <nlohmann/json.hpp>

#include <ractor/cluster/node.hpp>

namespace ractor_node {

namespace service_msg {
/// A one-way message: counted.
struct tick {
    std::int64_t seq = 0;
};
/// Answers how many ticks arrived since the last count (and resets the counter).
struct count {
    ractor::reply_port<std::int64_t> port;
};
/// Answers with `value`.
struct echo {
    std::int64_t value = 0;
    ractor::reply_port<std::int64_t> port;
};
}  // namespace service_msg

/// What the `service` actor every node registers accepts.
using service_message = std::variant<service_msg::tick, service_msg::count, service_msg::echo>;

}  // namespace ractor_node

template <>
struct nlohmann::adl_serializer<ractor_node::service_message> {
    static void to_json(json& j, const ractor_node::service_message& m) {
        namespace sm = ractor_node::service_msg;
        if (auto* t = std::get_if<sm::tick>(&m)) j = json{{"tick", t->seq}};
        else if (auto* c = std::get_if<sm::count>(&m)) j = json{{"count", c->port}};
        else {
            const auto& e = std::get<sm::echo>(m);
            j = json{{"echo", e.value}, {"port", e.port}};
        }
    }
    static ractor_node::service_message from_json(const json& j) {
        namespace sm = ractor_node::service_msg;
        if (j.contains("tick")) return sm::tick{j.at("tick").get<std::int64_t>()};
        if (j.contains("count")) return sm::count{j.at("count").get<ractor::reply_port<std::int64_t>>()};
        return sm::echo{j.at("echo").get<std::int64_t>(), j.at("port").get<ractor::reply_port<std::int64_t>>()};
    }
};
