#pragma once
// `real FILE`: a scenario run as one OS process per node on 127.0.0.1, and the hidden node
// mode each of those processes runs (see docs/scenarios.md, "Real runs").

#include <cstdint>
#include <string>

#include <ractor/tool/registry.hpp>

namespace ractor::tool::cli {

/// The environment variable that hands a node process the run's cookie (never argv, which
/// any local user can read).
inline constexpr const char* real_cookie_variable = "RACTOR_REAL_COOKIE";

/// What `real` does beyond reading the file.
struct real_flags {
    std::string file;
    std::uint64_t timeout_s = 120;  ///< the whole run's limit, start-up to the last check
};

/// The node mode's arguments (the parent passes them; validated all the same).
struct real_node_flags {
    std::string file;
    std::string node;
    std::uint16_t port = 0;  ///< 0: any free port (reported on stdout)
};

/// `real`: runs the scenario as real processes; 0 passed, 1 failed, 2 usage.
int real_command(const std::string& tool, const registry& r, const real_flags& f);

/// `node`: one node of a real run, driven over stdin/stdout by `real_command`; exits when
/// its stdin closes. 2 for bad arguments or a missing cookie.
int real_node_command(const registry& r, const real_node_flags& f);

}  // namespace ractor::tool::cli
