// A user's own tool binary built against an installed ractor: it registers its own actor
// kind and check and gets the whole toolkit command line (`run`, `explore`, ...).
#include <stdexcept>
#include <string>

#include <ractor/actor.hpp>
#include <ractor/tool/main.hpp>

namespace {

/// Multiplies every number it is sent by its `factor` argument.
struct multiplier : ractor::actor<ractor::tool::message, int, nlohmann::json> {
    int pre_start(ractor::actor_ref<ractor::tool::message>, nlohmann::json args) { return args.at("factor").get<int>(); }
    void handle(ractor::actor_ref<ractor::tool::message>, ractor::tool::message m, int& factor) {
        m.answer(m.body.get<int>() * factor);
    }
};

}  // namespace

int main(int argc, char** argv) {
    ractor::tool::registry r;
    r.add_kind<multiplier>("multiplier", "multiplies numbers by its factor");
    r.add_check("all_answered", "every call answered", [](const ractor::tool::check_context& c) {
        if (c.calls_ok == 0 || c.calls_failed != 0) {
            throw std::runtime_error(std::to_string(c.calls_ok) + " calls answered, " +
                                     std::to_string(c.calls_failed) + " failed");
        }
    });
    return ractor::tool::main(argc, argv, r);
}
