#pragma once
/// \file
/// Paths of fields in JSON documents, as error messages name them ("kills[0].at").

#include <cstddef>
#include <string>
#include <string_view>

namespace ractor::sim::detail {

/// The path of member `key` of the value at `path` ("a.b"; just "b" at the top).
inline std::string at(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

/// The path of element `index` of the array at `path` ("a[3]").
inline std::string at(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

}  // namespace ractor::sim::detail
