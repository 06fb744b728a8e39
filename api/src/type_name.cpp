// The readable name of a C++ type.
#include <ractor/detail/type_name.hpp>

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

namespace ractor::detail {

std::string type_name(const std::type_info& type) {
    int status = 0;
    const std::unique_ptr<char, void (*)(void*)> name(
        abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
    return status == 0 && name ? name.get() : type.name();
}

}  // namespace ractor::detail
