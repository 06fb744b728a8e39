#pragma once
// What every ractor-node mode shares: its common flags, its node options, its output.

#include <string>

#include <ractor/cluster/node_options.hpp>

namespace ractor_node {

/// The flags of every subcommand.
struct common_flags {
    std::string name;
    std::string cookie;
    unsigned threads = 2;
};

/// The node options of a ractor-node process: heartbeats every 200 ms, down after 2 s of
/// silence, frames up to 8 MiB.
ractor::cluster::node_options node_options_for(const common_flags& f, std::string listen);

/// Prints one line on stdout and flushes it (parents read it line by line).
void say(const std::string& line);

}  // namespace ractor_node
