// Turning what a kind's argument conversion threw into a field path and a problem.
#include <ractor/tool/kind_arguments.hpp>

namespace ractor::tool {

std::pair<std::string, std::string> argument_problem(const std::exception& e) {
    if (const auto* a = dynamic_cast<const argument_error*>(&e)) {
        return {a->field().empty() ? "" : "." + a->field(), a->what()};
    }
    std::string text = e.what();
    if (const auto* j = dynamic_cast<const nlohmann::json::exception*>(&e)) {
        // nlohmann prefixes "[json.exception.<kind>.<id>] "; the id 403 is a missing key.
        if (const auto tag = text.find("] ");
            text.rfind("[json.exception.", 0) == 0 && tag != std::string::npos) {
            text.erase(0, tag + 2);
        }
        const auto open = text.find('\'');
        const auto close = open == std::string::npos ? open : text.find('\'', open + 1);
        if (j->id == 403 && close != std::string::npos)
            return {"." + text.substr(open + 1, close - open - 1), "missing"};
    }
    return {"", text};
}

}  // namespace ractor::tool
