#include <ractor/tool/registry.hpp>

#include <algorithm>

namespace ractor::tool {
namespace {

template <class Map, class Entry>
void add_unique(Map& table, std::string name, Entry e, const char* what) {
    if (name.empty()) throw std::invalid_argument(std::string("a ") + what + " needs a name");
    if (!table.emplace(name, std::move(e)).second) {
        throw std::invalid_argument(std::string("a ") + what + " called '" + name + "' is registered already");
    }
}

}  // namespace

void registry::add_kind_factory(std::string name, std::string summary, kind_factory spawn,
                                std::function<void(const nlohmann::json& args)> check_args) {
    add_unique(kinds_, std::move(name),
               kind_entry{std::move(summary), std::move(spawn), std::move(check_args)}, "kind");
}

void registry::add_program(sim::named_program p) {
    if (p.name.empty() || find_program(p.name)) {
        throw std::invalid_argument("a program called '" + p.name + "' is registered already (or has no name)");
    }
    programs_.push_back(std::move(p));
}

void registry::add_check(std::string name, std::string summary, check_fn check) {
    add_unique(checks_, std::move(name), check_entry{std::move(summary), std::move(check)}, "check");
}

const kind_entry* registry::find_kind(std::string_view name) const {
    auto it = kinds_.find(name);
    return it == kinds_.end() ? nullptr : &it->second;
}

const sim::named_program* registry::find_program(std::string_view name) const {
    auto it = std::find_if(programs_.begin(), programs_.end(), [&](const auto& p) { return p.name == name; });
    return it == programs_.end() ? nullptr : &*it;
}

const check_entry* registry::find_check(std::string_view name) const {
    auto it = checks_.find(name);
    return it == checks_.end() ? nullptr : &it->second;
}

}  // namespace ractor::tool
