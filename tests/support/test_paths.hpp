#pragma once
// Where the tests find the tools they start and the files they read. The paths live in one
// generated source, not in the compile flags: an absolute path there would make every test
// object of a fresh checkout miss the compiler cache.
#include <string>

namespace ractor::test_paths {

/// tests/fuzz: the wire fuzzer's corpus and regressions.
const std::string& fuzz_dir();
/// scenarios/: the scenario files of the repository.
const std::string& scenario_dir();
/// The built ractor-sim (only when RACTOR_HAVE_SIM_TOOL is defined).
const std::string& sim_binary();
/// The built ractor-node (only when RACTOR_HAVE_NODE_TOOL is defined).
const std::string& node_binary();

}  // namespace ractor::test_paths
