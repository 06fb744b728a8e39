#pragma once
// Messages that cross the wire in the cluster tests (with their nlohmann_json serialisers),
// and the small actors that receive them.

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/actor.hpp>
#include <ractor/cluster/reply_port_serializer.hpp>
#include <ractor/reply_port.hpp>

#include "support/test_actors.hpp"

// ---- messages that cross the wire -----------------------------------------------------

namespace ractor::testing {

namespace echo_msg {
struct note { std::string text; };                                 ///< cast: logged
struct shout { std::string text; reply_port<std::string> port; };  ///< call: answered "text!"
}  // namespace echo_msg
using echo_message = std::variant<echo_msg::note, echo_msg::shout>;

/// Holds every request without answering (a remote handler that never replies).
struct hold_request { reply_port<int> port; };

}  // namespace ractor::testing

template <>
struct nlohmann::adl_serializer<ractor::testing::echo_message> {
    static void to_json(json& j, const ractor::testing::echo_message& m) {
        namespace msg = ractor::testing::echo_msg;
        if (auto* n = std::get_if<msg::note>(&m)) j = json{{"note", n->text}};
        else {
            const auto& s = std::get<msg::shout>(m);
            j = json{{"shout", s.text}, {"port", s.port}};
        }
    }
    static ractor::testing::echo_message from_json(const json& j) {
        namespace msg = ractor::testing::echo_msg;
        if (j.contains("note")) return msg::note{j.at("note").get<std::string>()};
        return msg::shout{j.at("shout").get<std::string>(), j.at("port").get<ractor::reply_port<std::string>>()};
    }
};

template <>
struct nlohmann::adl_serializer<ractor::testing::hold_request> {
    static void to_json(json& j, const ractor::testing::hold_request& h) { j = json{{"port", h.port}}; }
    static ractor::testing::hold_request from_json(const json& j) {
        return {j.at("port").get<ractor::reply_port<int>>()};
    }
};

namespace ractor::testing {

struct echo : actor<echo_message, std::monostate, log_ptr> {
    log_ptr log;
    std::monostate pre_start(actor_ref<echo_message>, log_ptr l) {
        log = std::move(l);
        return {};
    }
    void handle(actor_ref<echo_message>, echo_message msg, std::monostate&) {
        std::visit(overloaded{[&](echo_msg::note& n) { log->add(n.text); },
                              [&](echo_msg::shout& s) { s.port.send(s.text + "!"); }},
                   msg);
    }
};

struct holder : actor<hold_request, std::vector<reply_port<int>>> {
    void handle(actor_ref<hold_request>, hold_request r, std::vector<reply_port<int>>& held) {
        held.push_back(std::move(r.port));
    }
};

struct idle : actor<int> {
    void handle(actor_ref<int>, int, std::monostate&) {}
};

}  // namespace ractor::testing
