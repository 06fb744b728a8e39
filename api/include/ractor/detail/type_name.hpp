#pragma once
/// \file
/// The readable name of a C++ type, for traces, fault rules and reports.

#include <string>
#include <typeinfo>

namespace ractor::detail {

/// The demangled name of `type` ("app::worker"), or its mangled name if it cannot be demangled.
std::string type_name(const std::type_info& type);

}  // namespace ractor::detail
