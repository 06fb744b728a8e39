#pragma once
/// \file
/// The text that reports a caught exception: a failure reason, a refusal, a log line.

#include <exception>
#include <string>

namespace ractor::detail {

/// What `failure` says: `what()` of a std::exception, "killed" for a kill's unwinding, and
/// "unknown exception" for anything else.
std::string exception_text(std::exception_ptr failure);

}  // namespace ractor::detail
