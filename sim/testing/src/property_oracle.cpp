// The supervision oracle: a model of the tree that follows the documented rules.
#include <ractor/sim/property_oracle.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>

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

bool is_group(const model_node& sup) {
    return sup.decl->strategy == supervisor_strategy::one_for_all || sup.decl->strategy == supervisor_strategy::rest_for_one;
}

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
        // A raise or a normal stop runs post_stop (after a failure too); a kill does not.
        halt(*chain.back(), f.kind != fault_kind::kill);
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
    /// Starts `n`: false if its start (or, for a supervisor, a child's) threw. A worker may
    /// ignore its start; a temporary one that does is forgotten by its supervisor.
    bool start(model_node& n) {
        if (!n.decl->supervisor) return start_worker(n);
        out_.log.push_back("start " + n.path);
        n.running = true;
        n.restarts.clear();
        n.children.clear();
        for (std::size_t i = 0; i < n.decl->children.size(); ++i) {
            n.children.push_back({&n.decl->children[i], n.path + "/" + std::to_string(i)});
        }
        for (auto& c : n.children) {
            if (start(c)) continue;
            shut_down_from(n, 0);  // a failed start: the started ones stop, youngest first
            n.running = false;
            n.children.clear();
            return false;
        }
        std::erase_if(n.children, [](const model_node& c) { return !c.running && c.decl->restart == restart_type::temporary; });
        return true;
    }

    bool start_worker(model_node& n) {
        n.running = false;
        if (n.decl->ignore) {
            out_.log.push_back("ignore " + n.path);
            return true;
        }
        const int attempt = ++attempts_[n.path];
        if (attempt > 1 && attempt <= 1 + n.decl->failed_restarts) {
            out_.log.push_back("refuse " + n.path);
            return false;
        }
        out_.log.push_back("start " + n.path);
        n.running = true;
        return true;
    }

    /// `n` exits; `graceful`: its post_stop runs (a worker logs it, a supervisor stops its
    /// children youngest first), else it is killed and its subtree with it, silently.
    void halt(model_node& n, bool graceful) {
        if (!n.running) return;
        n.running = false;
        if (graceful && !n.decl->supervisor) out_.log.push_back("stop " + n.path);
        if (graceful) shut_down_from(n, 0);
        n.children.clear();
    }

    /// Stops the running children of `sup` from `first` on, youngest first, each as its
    /// shutdown says: brutal kill; a timeout, which a worker that does not trap exits
    /// meets as a kill; or infinity for a supervisor.
    void shut_down_from(model_node& sup, std::size_t first) {
        for (std::size_t i = sup.children.size(); i-- > first;) {
            model_node& c = sup.children[i];
            halt(c, !c.decl->brutal_kill && (c.decl->supervisor || c.decl->trap_exit));
        }
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

    /// Records a restart of `sup` now; false if that exceeds its intensity.
    static bool add_restart(model_node& sup, std::int64_t now) {
        sup.restarts.push_back(now);
        while (now - sup.restarts.front() >= sup.decl->period_ms) sup.restarts.pop_front();
        return sup.restarts.size() <= static_cast<std::size_t>(sup.decl->intensity);
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
        if (!add_restart(sup, now)) return give_up(chain, i - 1, now);
        restart(chain, i - 1, pos, now);
    }

    /// `chain[j]` exceeded its intensity: it stops its children and exits with `shutdown`.
    void give_up(std::vector<model_node*>& chain, std::size_t j, std::int64_t now) {
        halt(*chain[j], true);
        if (j == 0) {
            out_.log.push_back("root exit");
        } else {
            exited(chain, j, false, now);
        }
    }

    /// Stops the group of child `pos` (all for one_for_all, `pos` on for rest_for_one),
    /// forgets its temporary members, and returns where the group begins.
    std::size_t stop_group(model_node& sup, std::size_t pos) {
        const std::size_t first = sup.decl->strategy == supervisor_strategy::one_for_all ? 0 : pos;
        shut_down_from(sup, first);
        std::erase_if(sup.children, [&, j = std::size_t{0}](const model_node& c) mutable {
            return j++ >= first && c.decl->restart == restart_type::temporary;
        });
        return first;
    }

    /// `chain[j]` restarts its child `pos` and, as its strategy says, the siblings. A start
    /// that throws counts as one more restart; the retry restarts the failed child's whole
    /// group again (OTP), or only that child for one_for_one.
    void restart(std::vector<model_node*>& chain, std::size_t j, std::size_t pos, std::int64_t now) {
        model_node& sup = *chain[j];
        std::size_t k = is_group(sup) ? stop_group(sup, pos) : pos;
        std::size_t last = is_group(sup) ? sup.children.size() : pos + 1;
        while (k < last) {
            if (start(sup.children[k])) {
                ++k;
                continue;
            }
            if (!add_restart(sup, now)) return give_up(chain, j, now);
            if (is_group(sup)) {
                k = stop_group(sup, k);
                last = sup.children.size();
            }
        }
    }

    void collect_running(const model_node& n) {
        if (!n.running) return;
        out_.running.insert(n.path);
        for (const auto& c : n.children) collect_running(c);
    }

    model_node root_;
    supervision_outcome out_;
    std::map<std::string, int> attempts_;  ///< per worker path: starts tried so far
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
