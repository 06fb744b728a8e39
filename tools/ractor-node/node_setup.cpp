#include "node_setup.hpp"

#include <chrono>
#include <cstdio>

namespace ractor_node {

ractor::cluster::node_options node_options_for(const common_flags& f, std::string listen) {
    using namespace std::chrono_literals;
    ractor::cluster::node_options o;
    o.name = f.name;
    o.cookie = f.cookie;
    o.listen_address = std::move(listen);
    o.heartbeat_interval = 200ms;
    o.node_down_timeout = 2s;
    o.max_frame_size = std::size_t{8} << 20;
    return o;
}

void say(const std::string& line) {
    std::fputs((line + "\n").c_str(), stdout);
    std::fflush(stdout);
}

}  // namespace ractor_node
