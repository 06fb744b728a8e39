#pragma once
/// \file
/// The well-known exit reasons, as Erlang names them.

#include <string>
#include <string_view>

namespace ractor::exit_reason {

/// A plain `stop()` or a drain that finished: nothing went wrong.
inline constexpr std::string_view normal = "normal";
/// Stopped by its supervisor or by the actor system shutting down.
inline constexpr std::string_view shutdown = "shutdown";
/// Killed: post_stop was skipped.
inline constexpr std::string_view killed = "killed";

/// The prefix of OTP's `{shutdown, Term}`: a shutdown that carries a term.
inline constexpr std::string_view shutdown_prefix = "shutdown: ";

/// OTP's `{shutdown, Term}` as a reason: `"shutdown: <term>"`. Normal, like `shutdown`.
inline std::string shutdown_with(std::string_view term) {
    return std::string(shutdown_prefix) + std::string(term);
}

/// True for the reasons after which a transient child is not restarted: `normal`,
/// `shutdown` and `shutdown_with(...)` (OTP).
inline bool is_normal(std::string_view reason) noexcept {
    return reason == normal || reason == shutdown || reason.substr(0, shutdown_prefix.size()) == shutdown_prefix;
}

}  // namespace ractor::exit_reason
