#pragma once
/// \file
/// Memory figures of the running process, read from /proc/self/status.

#include <cstdint>
#include <string_view>

namespace ractor::tool {

/// The value in kB of a `/proc/self/status` field such as "VmRSS" or "VmHWM"; -1 if absent.
std::int64_t status_kb(std::string_view field);

}  // namespace ractor::bench
