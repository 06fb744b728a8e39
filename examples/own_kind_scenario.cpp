// A user's own actor kind in a scenario file: register the kind, then hand the command line
// to the toolkit. With no arguments it runs its own scenario (own_kind_scenario.json) for
// three seeds, so that `ctest -R examples.own_kind_scenario` shows it working; with
// arguments it is the whole tool: `example_own_kind_scenario explore FILE --seeds 100`.
#include <string>
#include <vector>

#include <ractor/actor.hpp>
#include <ractor/tool/main.hpp>

namespace {

/// A counter per key: `{"add": K}` answers the new count of K, `{"get": K}` the count.
struct tally : ractor::actor<ractor::tool::message, nlohmann::json, nlohmann::json> {
    nlohmann::json pre_start(ractor::actor_ref<ractor::tool::message>, nlohmann::json) { return nlohmann::json::object(); }
    void handle(ractor::actor_ref<ractor::tool::message>, ractor::tool::message m, nlohmann::json& counts) {
        if (m.body.contains("add")) {
            const std::string key = m.body["add"].get<std::string>();
            counts[key] = counts.value(key, 0) + 1;
            m.answer(counts[key]);
        } else {
            m.answer(counts.value(m.body.value("get", ""), 0));
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    ractor::tool::registry r;
    r.add_kind<tally>("tally", "counts per key");
    if (argc > 1) return ractor::tool::main(argc, argv, r);
    for (const char* seed : {"1", "2", "3"}) {
        std::vector<std::string> words{argv[0], "run", RACTOR_EXAMPLE_SCENARIO, "--seed", seed};
        std::vector<char*> args;
        for (auto& w : words) args.push_back(w.data());
        if (const int status = ractor::tool::main(static_cast<int>(args.size()), args.data(), r); status != 0) {
            return status;
        }
    }
    return 0;
}
