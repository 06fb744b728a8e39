#pragma once
/// \file
/// Reading an actor kind's JSON arguments so that a wrong one is reported with its field
/// path in the scenario file (`steps[3].args.capacity: expected an unsigned integer`).

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

namespace ractor::tool {

/// A kind argument that is missing or of the wrong type; `field()` is its path inside the
/// kind's `args` (empty: `args` itself).
class argument_error : public std::invalid_argument {
public:
    argument_error(std::string field, const std::string& problem)
        : std::invalid_argument(problem), field_(std::move(field)) {}
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

/// What a failed conversion of a kind's arguments says: the path below `args` (".x", or
/// empty) and the problem. Reads `argument_error`s, nlohmann's "key 'x' not found" (the
/// field is missing) and other nlohmann errors (their text without the "[json...]" tag).
std::pair<std::string, std::string> argument_problem(const std::exception& e);

/// Field `name` of a kind's `args` as `T`, checked: numbers must fit `T`, and a missing
/// field or another type throws `argument_error` naming `name`.
template <class T>
T argument(const nlohmann::json& args, const std::string& name) {
    if (!args.is_object()) throw argument_error("", "expected an object");
    const auto it = args.find(name);
    if (it == args.end()) throw argument_error(name, "missing");
    const nlohmann::json& v = *it;
    if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_boolean()) throw argument_error(name, "expected a boolean");
    } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() > std::numeric_limits<T>::max()) {
            throw argument_error(name, "expected an unsigned integer up to " +
                                           std::to_string(std::numeric_limits<T>::max()));
        }
    } else if constexpr (std::is_integral_v<T>) {
        const bool fits =
            v.is_number_integer() &&
            (v.is_number_unsigned()
                 ? v.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<T>::max())
                 : v.get<std::int64_t>() >= std::numeric_limits<T>::min() &&
                       v.get<std::int64_t>() <= std::numeric_limits<T>::max());
        if (!fits)
            throw argument_error(
                name, "expected an integer that fits " + std::to_string(sizeof(T) * 8) + " bits");
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number()) throw argument_error(name, "expected a number");
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string()) throw argument_error(name, "expected a string");
    }
    try {
        return v.get<T>();
    } catch (const std::exception& e) {
        const auto [below, problem] = argument_problem(e);
        throw argument_error(name + below, problem);
    }
}

}  // namespace ractor::tool
