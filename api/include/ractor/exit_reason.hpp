#pragma once
/// \file
/// The well-known exit reasons, as Erlang names them.

#include <string_view>

namespace ractor::exit_reason {

/// A plain `stop()` or a drain that finished: nothing went wrong.
inline constexpr std::string_view normal = "normal";
/// Stopped by its supervisor or by the actor system shutting down.
inline constexpr std::string_view shutdown = "shutdown";
/// Killed: post_stop was skipped.
inline constexpr std::string_view killed = "killed";

}  // namespace ractor::exit_reason
