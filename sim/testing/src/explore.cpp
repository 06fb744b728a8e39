#include <ractor/sim/explore.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include <ractor/prng.hpp>

namespace ractor::sim {
namespace {

constexpr std::uint64_t swarm_stream = 0x535741524d5f4f50ULL;

seed_result to_seed_result(const run_report& r) {
    return seed_result{r.options,    r.outcome, r.message,
                       r.trace_hash, r.steps,   fired_by_kind(r.faults),
                       r.assertions};
}

run_options options_for(const explore_options& opts, std::uint64_t seed) {
    run_options o = opts.swarm ? swarm_options(opts.base, seed) : opts.base;
    o.seed = seed;
    o.keep_events = false;
    return o;
}

// Fault kinds and their counts as one word, "crash=1,kill=0"; "-" for none.
std::string encode_faults(const std::map<std::string, std::uint64_t>& fired) {
    std::string out;
    for (const auto& [kind, n] : fired) {
        out += (out.empty() ? "" : ",") + kind + "=" + std::to_string(n);
    }
    return out.empty() ? "-" : out;
}

std::map<std::string, std::uint64_t> decode_faults(const std::string& word) {
    std::map<std::string, std::uint64_t> out;
    std::istringstream in(word == "-" ? std::string() : word);
    for (std::string item; std::getline(in, item, ',');) {
        const std::size_t eq = item.find('=');
        out[item.substr(0, eq)] = std::stoull(item.substr(eq + 1));
    }
    return out;
}

// Assertion tallies as one word, "site:hits:held:max,..."; "-" for none. Site ids are the
// same in the children, forked from this process after its static initialisation.
std::string encode_assertions(const std::vector<assertion_tally>& tallies) {
    std::string out;
    for (const assertion_tally& t : tallies) {
        out += (out.empty() ? "" : ",") + std::to_string(t.site) + ":" + std::to_string(t.hits) +
               ":" + std::to_string(t.held) + ":" + std::to_string(t.max_value);
    }
    return out.empty() ? "-" : out;
}

std::vector<assertion_tally> decode_assertions(const std::string& word) {
    std::vector<assertion_tally> out;
    std::istringstream in(word == "-" ? std::string() : word);
    for (std::string item; std::getline(in, item, ',');) {
        assertion_tally t;
        char colon = 0;
        std::istringstream fields(item);
        fields >> t.site >> colon >> t.hits >> colon >> t.held >> colon >> t.max_value;
        out.push_back(t);
    }
    return out;
}

// A child reports one line per seed: "seed outcome hash steps faults assertions message", the
// message with backslashes and newlines escaped.
std::string encode(const seed_result& s) {
    std::string msg;
    for (char c : s.message) {
        if (c == '\\') {
            msg += "\\\\";
        } else if (c == '\n') {
            msg += "\\n";
        } else {
            msg += c;
        }
    }
    return std::to_string(s.options.seed) + " " + std::to_string(static_cast<int>(s.outcome)) +
           " " + std::to_string(s.trace_hash) + " " + std::to_string(s.steps) + " " +
           encode_faults(s.faults_fired) + " " + encode_assertions(s.assertions) + " " + msg + "\n";
}

seed_result decode(const std::string& line, const explore_options& opts) {
    std::istringstream in(line);
    std::uint64_t seed = 0;
    int outcome = 0;
    seed_result s;
    std::string faults;
    std::string assertions;
    in >> seed >> outcome >> s.trace_hash >> s.steps >> faults >> assertions;
    s.faults_fired = decode_faults(faults);
    s.assertions = decode_assertions(assertions);
    s.options = options_for(opts, seed);
    s.outcome = static_cast<run_outcome>(outcome);
    std::string rest;
    std::getline(in, rest);
    if (!rest.empty() && rest.front() == ' ') {
        rest.erase(0, 1);
    }
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) {
            s.message += rest[i + 1] == 'n' ? '\n' : rest[i + 1];
            ++i;
        } else {
            s.message += rest[i];
        }
    }
    return s;
}

void write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        off += static_cast<std::size_t>(n);
    }
}

struct explorer {
    const program& p;
    const explore_options& opts;
    explore_summary summary;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    void add(seed_result s) {
        ++summary.runs;
        summary.total_steps += s.steps;
        for (const auto& [kind, n] : s.faults_fired) {
            fault_kind_total& t = summary.fault_kinds[kind];
            ++t.planned_seeds;
            t.fired_seeds += n > 0;
            t.fired += n;
        }
        summary.assertions.add(s.options.seed, s.assertions);
        if (s.outcome == run_outcome::passed) {
            ++summary.passed;
        } else {
            summary.failures.push_back(std::move(s));
        }
        if (opts.progress) {
            opts.progress(explore_progress{summary.runs, opts.seeds, summary.failures.size(),
                                           elapsed()});
        }
    }

    bool stop_early() const {
        return opts.stop_after_failures != 0 &&
               summary.failures.size() >= opts.stop_after_failures;
    }

    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }

    void run_here() {
        for (std::uint64_t i = 0; i < opts.seeds && !stop_early(); ++i) {
            add(to_seed_result(run_program(p, options_for(opts, opts.first_seed + i))));
        }
    }

    struct child {
        pid_t pid = -1;
        int fd = -1;
        std::string pending;
    };

    void run_children(unsigned jobs) {
        std::fflush(nullptr);  // nothing buffered may be written twice
        std::vector<child> children = spawn_children(jobs);
        collect(children);
        for (auto& c : children) {
            if (c.fd >= 0) {
                ::close(c.fd);
            }
            int status = 0;
            ::waitpid(c.pid, &status, 0);
        }
    }

    /// Forks `jobs` children; child k runs the seeds k, k + jobs, ... and writes their
    /// results to its pipe, one a line.
    std::vector<child> spawn_children(unsigned jobs) {
        std::vector<child> children;
        for (unsigned k = 0; k < jobs; ++k) {
            int fds[2];
            if (::pipe(fds) != 0) {
                throw std::runtime_error("ractor::sim::explore: pipe failed");
            }
            const pid_t pid = ::fork();
            if (pid < 0) {
                throw std::runtime_error("ractor::sim::explore: fork failed");
            }
            if (pid == 0) {
                ::close(fds[0]);
                for (std::uint64_t i = k; i < opts.seeds; i += jobs) {
                    const run_report r = run_program(p, options_for(opts, opts.first_seed + i));
                    write_all(fds[1], encode(to_seed_result(r)));
                }
                ::close(fds[1]);
                ::_exit(0);
            }
            ::close(fds[1]);
            children.push_back(child{pid, fds[0], {}});
        }
        return children;
    }

    /// Adds the children's results as they come, until every pipe is closed; stops the
    /// children once enough seeds failed.
    void collect(std::vector<child>& children) {
        std::size_t open = children.size();
        while (open > 0) {
            std::vector<pollfd> fds;
            std::vector<child*> owners;
            for (auto& c : children) {
                if (c.fd >= 0) {
                    fds.push_back(pollfd{c.fd, POLLIN, 0});
                    owners.push_back(&c);
                }
            }
            if (::poll(fds.data(), fds.size(), -1) < 0) {
                if (errno == EINTR) {
                    continue;
                }
                break;
            }
            for (std::size_t i = 0; i < fds.size(); ++i) {
                if (fds[i].revents != 0 && !read_from(*owners[i])) {
                    --open;
                }
            }
            if (stop_early()) {
                for (auto& c : children) {
                    if (c.fd >= 0) {
                        ::kill(c.pid, SIGTERM);
                    }
                }
            }
        }
    }

    /// Reads what `c` wrote and adds each complete line; false (and the pipe closed) at its end.
    bool read_from(child& c) {
        char buf[4096];
        const ssize_t n = ::read(c.fd, buf, sizeof buf);
        if (n <= 0) {
            ::close(c.fd);
            c.fd = -1;
            return false;
        }
        c.pending.append(buf, static_cast<std::size_t>(n));
        for (auto nl = c.pending.find('\n'); nl != std::string::npos; nl = c.pending.find('\n')) {
            add(decode(c.pending.substr(0, nl), opts));
            c.pending.erase(0, nl + 1);
        }
        return true;
    }
};

std::string describe_options(const run_options& o) {
    std::string out = to_string(o.strategy);
    if (o.strategy == strategy_kind::pct) {
        out += " depth " + std::to_string(o.depth);
    }
    if (o.fault_rate > 0) {
        char rate[32];
        std::snprintf(rate, sizeof rate, ", fault rate %g", o.fault_rate);
        out += rate;
    }
    return out;
}

// A planned fault that never fires tests nothing: say so rather than let the campaign pass.
std::string describe_fault_kinds(const std::map<std::string, fault_kind_total>& kinds) {
    std::string out;
    std::string silent;
    for (const auto& [kind, t] : kinds) {
        out += "  " + kind + ": " + std::to_string(t.fired) + " fired, in " + std::to_string(t.fired_seeds) +
               " of the " + std::to_string(t.planned_seeds) + " seeds that planned it\n";
        if (t.fired == 0) {
            silent += "warning: planned fault kind '" + kind + "' never fired in any of the " +
                      std::to_string(t.planned_seeds) + " seeds that planned it\n";
        }
    }
    return out.empty() ? out : "faults fired per kind:\n" + out + silent;
}

}  // namespace

run_options swarm_options(const run_options& base, std::uint64_t seed) {
    prng rng(seed, swarm_stream);
    run_options o = base;
    o.seed = seed;
    if (rng.below(2) == 0) {
        o.strategy = strategy_kind::random;
    } else {
        o.strategy = strategy_kind::pct;
        o.depth = static_cast<unsigned>(1 + rng.below(5));
    }
    static constexpr double rates[] = {0.0, 0.0, 0.001, 0.01, 0.05};
    o.fault_rate = rates[rng.below(std::size(rates))];
    return o;
}

explore_summary explore(const program& p, const explore_options& opts) {
    explore_options o = opts;
    const bool may_use_pct = o.swarm || o.base.strategy == strategy_kind::pct;
    if (may_use_pct && o.base.pct_steps == 0) {
        run_options calibration = o.base;
        calibration.seed = 0;
        calibration.strategy = strategy_kind::random;
        calibration.keep_events = false;
        o.base.pct_steps = std::max<std::uint64_t>(run_program(p, calibration).steps, 1);
    }
    explorer e{p, o, {}};
    e.summary.assertions = assertion_report(o.required_sites);
    if (o.jobs <= 1 || o.seeds <= 1) {
        e.run_here();
    } else {
        e.run_children(static_cast<unsigned>(std::min<std::uint64_t>(o.jobs, o.seeds)));
    }
    std::sort(e.summary.failures.begin(), e.summary.failures.end(),
              [](const seed_result& a, const seed_result& b) {
                  return a.options.seed < b.options.seed;
              });
    e.summary.wall_seconds = e.elapsed();
    return e.summary;
}

std::string explore_summary::describe(const std::string& tool,
                                      const std::string& program_name) const {
    char head[256];
    const double secs = std::max(wall_seconds, 1e-9);
    std::snprintf(head, sizeof head,
                  "explored %llu seeds of %s in %.2f s (%.0f seeds/s, %.0f steps/s): %llu "
                  "passed, %zu failed\n",
                  static_cast<unsigned long long>(runs), program_name.c_str(), wall_seconds,
                  static_cast<double>(runs) / secs, static_cast<double>(total_steps) / secs,
                  static_cast<unsigned long long>(passed), failures.size());
    std::string out = head + describe_fault_kinds(fault_kinds) + assertions.describe();
    if (!failures.empty()) {
        out += "failing seeds:\n";
    }
    for (const auto& f : failures) {
        std::string msg = f.message;
        std::replace(msg.begin(), msg.end(), '\n', ' ');
        out += "  seed " + std::to_string(f.options.seed) + " (" + describe_options(f.options) +
               "): " + to_string(f.outcome) + ": " + msg + "\n";
        out += "    " + reproduce_command(tool, program_name, f.options) + "\n";
    }
    return out;
}

}  // namespace ractor::sim
