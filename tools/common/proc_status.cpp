#include "proc_status.hpp"

#include <fstream>
#include <string>

namespace ractor::tool {

std::int64_t status_kb(std::string_view field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        // Lines read "VmRSS:\t   12345 kB".
        if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 &&
            line[field.size()] == ':') {
            return std::stoll(line.substr(field.size() + 1));
        }
    }
    return -1;
}

}  // namespace ractor::bench
