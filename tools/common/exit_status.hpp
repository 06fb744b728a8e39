#pragma once
/// \file
/// The exit statuses every ractor command-line tool uses.

namespace ractor::tool {

/// What a tool's exit status means: the same in ractor-sim and ractor-node, so that scripts
/// and CI can tell a failing run from a mistyped command.
enum exit_status : int {
    passed = 0,       ///< every run passed (or the command had nothing to run)
    run_failed = 1,   ///< a run failed, was not deterministic, or a node could not run
    usage_error = 2,  ///< the command line or an input file is wrong; nothing ran
};

}  // namespace ractor::tool
