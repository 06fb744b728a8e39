#pragma once
/// \file
/// The registry of named actor kinds, programs and checks that `ractor::tool::main` serves.

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/actor_system.hpp>
#include <ractor/sim/program.hpp>
#include <ractor/spawn_options.hpp>
#include <ractor/tool/check_context.hpp>
#include <ractor/tool/message.hpp>

namespace ractor::tool {

/// Spawns an actor of one kind on `system` from the scenario's JSON arguments.
using kind_factory = std::function<actor_ref<message>(actor_system& system, const nlohmann::json& args,
                                                      spawn_options options)>;

/// A user check of a scenario: throws (any exception; its text is the violation) if the run
/// broke it.
using check_fn = std::function<void(const check_context&)>;

/// A named actor kind.
struct kind_entry {
    std::string summary;
    kind_factory spawn;
    /// Converts the arguments without spawning, so that a bad scenario fails before it
    /// runs (throws what the conversion throws); empty: the factory checks them itself.
    std::function<void(const nlohmann::json& args)> check_args{};
};

/// A named check.
struct check_entry {
    std::string summary;
    check_fn check;
};

/// Named actor kinds (factories taking JSON arguments), programs and checks: what a user
/// registers so that scenario files and the command line can name them. Names are unique
/// per table; adding a name twice throws std::invalid_argument.
class registry {
public:
    /// Registers the actor type `A` as kind `name`. `A` handles `tool::message`; its
    /// arguments are read from the scenario's `args` with nlohmann's `get<A::arguments_type>`
    /// before the scenario runs (a `from_json` that uses `tool::argument` names each bad field)
    /// (a kind without arguments takes `std::monostate` and ignores them).
    template <class A>
    void add_kind(std::string name, std::string summary = {}) {
        static_assert(std::is_same_v<typename A::message_type, message>,
                      "a registered kind handles ractor::tool::message");
        add_kind_factory(
            std::move(name), std::move(summary),
            [](actor_system& sys, const nlohmann::json& args, spawn_options o) {
                return sys.spawn(A{}, arguments_of<typename A::arguments_type>(args), std::move(o));
            },
            [](const nlohmann::json& args) {
                (void)arguments_of<typename A::arguments_type>(args);
            });
    }

    /// Registers a kind made by a factory of the user's own; `check_args`, if given, converts
    /// the arguments as the factory would (see `kind_entry::check_args`).
    void add_kind_factory(std::string name, std::string summary, kind_factory spawn,
                          std::function<void(const nlohmann::json& args)> check_args = {});

    /// Registers a program that `run`, `explore` and the other commands take by name.
    void add_program(sim::named_program p);

    /// Registers a check that a scenario's `invariants` name as `{"check": name}`.
    void add_check(std::string name, std::string summary, check_fn check);

    /// The kind, program or check called `name`, or null.
    const kind_entry* find_kind(std::string_view name) const;
    const sim::named_program* find_program(std::string_view name) const;
    const check_entry* find_check(std::string_view name) const;

    /// Every entry, by name.
    const std::map<std::string, kind_entry, std::less<>>& kinds() const noexcept { return kinds_; }
    const std::vector<sim::named_program>& programs() const noexcept { return programs_; }
    const std::map<std::string, check_entry, std::less<>>& checks() const noexcept { return checks_; }

private:
    template <class Args>
    static Args arguments_of(const nlohmann::json& args) {
        if constexpr (std::is_same_v<Args, std::monostate>) {
            return {};
        } else {
            return args.get<Args>();
        }
    }

    std::map<std::string, kind_entry, std::less<>> kinds_;
    std::vector<sim::named_program> programs_;
    std::map<std::string, check_entry, std::less<>> checks_;
};

}  // namespace ractor::tool
