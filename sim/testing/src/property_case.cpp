// Naming and printing the nodes and faults of a supervision case.
#include <ractor/sim/property_case.hpp>

#include <stdexcept>

namespace ractor::sim {

namespace {

void collect(const tree_node& n, const std::string& path, std::vector<std::string>& out) {
    out.push_back(path);
    for (std::size_t i = 0; i < n.children.size(); ++i) collect(n.children[i], path + "/" + std::to_string(i), out);
}

const char* short_name(restart_type r) {
    switch (r) {
        case restart_type::permanent: return "perm";
        case restart_type::transient: return "trans";
        case restart_type::temporary: return "temp";
    }
    return "?";
}

}  // namespace

std::vector<std::string> preorder_paths(const tree_node& root) {
    std::vector<std::string> out;
    collect(root, "r", out);
    return out;
}

std::string target_path(const tree_node& root, std::size_t target) {
    const auto paths = preorder_paths(root);
    return paths.size() == 1 ? paths[0] : paths[1 + target % (paths.size() - 1)];
}

const tree_node& node_at(const tree_node& root, const std::string& path) {
    const tree_node* n = &root;
    for (std::size_t pos = path.find('/'); pos != std::string::npos; pos = path.find('/', pos + 1)) {
        const std::size_t i = std::stoul(path.substr(pos + 1));
        if (i >= n->children.size()) throw std::out_of_range("no node " + path);
        n = &n->children[i];
    }
    return *n;
}

const char* to_string(fault_kind k) noexcept {
    switch (k) {
        case fault_kind::raise: return "raise";
        case fault_kind::exit_normal: return "exit_normal";
        case fault_kind::kill: return "kill";
    }
    return "unknown";
}

std::string to_string(const tree_node& n) {
    std::string out = short_name(n.restart);
    if (n.brutal_kill) out += "!";
    if (!n.supervisor) {
        if (!n.trap_exit) out += "~";
        if (n.ignore) out += "?";
        if (n.failed_restarts > 0) out += " x" + std::to_string(n.failed_restarts);
        return out;
    }
    out += " sup(" + std::string(ractor::to_string(n.strategy)) + "," + std::to_string(n.intensity) + "/" +
           std::to_string(n.period_ms) + "ms)[";
    for (std::size_t i = 0; i < n.children.size(); ++i) out += (i ? ", " : "") + to_string(n.children[i]);
    return out + "]";
}

std::string to_string(const std::vector<fault>& plan) {
    std::string out;
    for (const auto& f : plan) {
        out += (out.empty() ? "+" : ", +") + std::to_string(f.gap_ms) + "ms " + to_string(f.kind) + " #" +
               std::to_string(f.target);
    }
    return out.empty() ? "(no faults)" : out;
}

}  // namespace ractor::sim
