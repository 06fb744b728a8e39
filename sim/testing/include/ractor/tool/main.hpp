#pragma once
/// \file
/// The toolkit's command line: one entry point over a registry.

#include <ractor/tool/registry.hpp>

namespace ractor::tool {

/// Runs the command line (`list`, `run`, `check`, `explore`, `replay`, `shrink`, `export`,
/// `real`) over the programs of `r` and scenario files naming its kinds and checks, and
/// returns the exit status: 0 passed, 1 a run failed, 2 usage error (see `exit_status`).
/// Call it from the user's `main`: `return ractor::tool::main(argc, argv, my_registry);`.
int main(int argc, char** argv, const registry& r);

}  // namespace ractor::tool
