#pragma once
/// \file
/// The toolkit's commands; each returns its exit status (`ractor::tool::exit_status`).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "run_flags.hpp"

namespace ractor::tool::cli {

/// What `run` and `replay` print beyond the summary line.
struct report_flags {
    std::size_t tail = 20;    ///< trace events shown before a failure
    bool full_trace = false;  ///< show every event, passing or not
    std::string expect_hash;  ///< fail unless the trace hash is this (checked text)
};

/// What `explore` does beyond the run flags.
struct explore_flags {
    std::uint64_t seeds = 100;
    std::uint64_t first_seed = 1;
    bool swarm = false;
    unsigned jobs = 1;
    std::uint64_t stop_after = 0;
    std::size_t tail = 20;
    std::vector<std::string> required_sites;  ///< `explore_options::required_sites`
};

/// What `export` writes, beyond the run flags.
struct export_flags {
    std::string format = "html";
    std::string file;
    std::size_t from = 0;             ///< html: the first event drawn (0: the default window)
    bool show_library_actors = false; ///< html: draw the cluster layer's own actors too
};

/// What `shrink` does beyond the run flags.
struct shrink_flags {
    std::string file;             ///< where the smallest failing scenario is written
    std::uint64_t nearby = 4;     ///< also accept a failure with one of this many next seeds
    std::size_t max_runs = 2000;  ///< stop after this many runs
};

/// `list`: the programs, actor kinds and checks of `r`.
int list_command(const registry& r);

/// `run` and `replay`: one run, its report and, if asked, the hash check.
int run_command(const std::string& tool, const target& t, const run_flags& f, const report_flags& r);

/// `check`: the determinism self-check of one seed.
int check_command(const target& t, const run_flags& f);

/// `explore`: many seeds, a summary, the replay line and trace of the first failure.
int explore_command(const std::string& tool, const target& t, const run_flags& f, const explore_flags& e);

/// `export`: one run written as a trace file; fails (after writing) if the run failed.
int export_command(const std::string& tool, const target& t, const run_flags& f, const export_flags& x);

/// `shrink`: reduces the failing scenario `t` and seed; writes the smallest failing one.
/// 0: written; 1: the seed does not fail (nothing written); 2: `t` is not a scenario file.
int shrink_command(const std::string& tool, const target& t, const run_flags& f, const shrink_flags& s);

}  // namespace ractor::tool::cli
