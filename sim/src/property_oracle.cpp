// The supervision oracle: a model of the tree that follows the documented rules.
#include <ractor/sim/property_oracle.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>

namespace ractor::sim {

namespace {

/// A node of the model: its declaration, and whether (and with which children) it runs.
struct model_node {
    const tree_node* decl = nullptr;
    std::string path;
    bool running = false;
    std::vector<model_node> children{};
    std::deque<std::int64_t> restarts{};  ///< restart times (ms) within the period
};

class oracle {
public:
    explicit oracle(const supervision_case& c) : root_{&c.root, "r"} { start(root_); }

    void inject(const fault& f, const std::string& path, std::int64_t now) {
        const std::string at = " @" + std::to_string(now);
        std::vector<model_node*> chain;
        if (!find(path, chain)) {
            out_.log.push_back("skip " + path + at);
            return;
        }
        out_.log.push_back("fault " + path + " " + to_string(f.kind) + at);
        stop(*chain.back());
        if (chain.size() == 1) {
            out_.log.push_back("root exit");
            return;
        }
        exited(chain, chain.size() - 1, f.kind != fault_kind::exit_normal, now);
    }

    supervision_outcome finish() {
        collect_running(root_);
        return std::move(out_);
    }

private:
    void start(model_node& n) {
        out_.log.push_back("start " + n.path);
        n.running = true;
        n.restarts.clear();
        n.children.clear();
        for (std::size_t i = 0; i < n.decl->children.size(); ++i) {
            n.children.push_back({&n.decl->children[i], n.path + "/" + std::to_string(i)});
        }
        for (auto& c : n.children) start(c);
    }

    static void stop(model_node& n) {
        n.running = false;
        n.children.clear();
    }

    /// The running nodes from the root down to `path`; false if it is not running.
    bool find(const std::string& path, std::vector<model_node*>& chain) {
        model_node* n = &root_;
        for (;;) {
            if (!n->running) return false;
            chain.push_back(n);
            if (n->path == path) return true;
            auto it = std::find_if(n->children.begin(), n->children.end(), [&](const model_node& c) {
                return path.compare(0, c.path.size(), c.path) == 0 &&
                       (path.size() == c.path.size() || path[c.path.size()] == '/');
            });
            if (it == n->children.end()) return false;
            n = &*it;
        }
    }

    /// `chain[i]` (already stopped) exited; its supervisor `chain[i - 1]` reacts.
    void exited(std::vector<model_node*>& chain, std::size_t i, bool abnormal, std::int64_t now) {
        model_node& sup = *chain[i - 1];
        const auto pos = static_cast<std::size_t>(chain[i] - sup.children.data());
        const restart_type r = sup.children[pos].decl->restart;
        if (r == restart_type::temporary || (r == restart_type::transient && !abnormal)) {
            if (r == restart_type::temporary) sup.children.erase(sup.children.begin() + static_cast<std::ptrdiff_t>(pos));
            return;
        }
        sup.restarts.push_back(now);
        while (now - sup.restarts.front() >= sup.decl->period_ms) sup.restarts.pop_front();
        if (sup.restarts.size() > static_cast<std::size_t>(sup.decl->intensity)) {
            stop(sup);  // gives up: exit reason shutdown, which is not abnormal
            if (i == 1) {
                out_.log.push_back("root exit");
            } else {
                exited(chain, i - 1, false, now);
            }
            return;
        }
        std::size_t first = pos;
        if (sup.decl->strategy == supervisor_strategy::one_for_all) first = 0;
        if (sup.decl->strategy == supervisor_strategy::one_for_all || sup.decl->strategy == supervisor_strategy::rest_for_one) {
            for (std::size_t j = first; j < sup.children.size(); ++j) stop(sup.children[j]);
            std::erase_if(sup.children, [&, j = std::size_t{0}](const model_node& c) mutable {
                return j++ >= first && c.decl->restart == restart_type::temporary;
            });
            for (std::size_t j = first; j < sup.children.size(); ++j) start(sup.children[j]);
        } else {
            start(sup.children[pos]);
        }
    }

    void collect_running(const model_node& n) {
        if (!n.running) return;
        out_.running.insert(n.path);
        for (const auto& c : n.children) collect_running(c);
    }

    model_node root_;
    supervision_outcome out_;
};

}  // namespace

supervision_outcome predict(const supervision_case& c) {
    oracle o(c);
    std::int64_t now = 0;
    for (const auto& f : c.plan) {
        now += f.gap_ms;
        o.inject(f, target_path(c.root, f.target), now);
    }
    return o.finish();
}

}  // namespace ractor::sim
