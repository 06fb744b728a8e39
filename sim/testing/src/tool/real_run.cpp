#include "real_run.hpp"

#include <poll.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <random>

#include "real.hpp"

namespace ractor::tool::cli {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

/// How long a node may take to say it listens, at the start or after a restart.
constexpr auto start_limit = 10s;

/// 128 random bits as hex: the run's cookie, which no other run on the machine can guess.
std::string random_cookie() {
    std::random_device rd;
    std::string out;
    for (int i = 0; i < 4; ++i) {
        char part[9];
        std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(rd()));
        out += part;
    }
    return out;
}

}  // namespace

real_run::real_run(std::string tool, std::string file, const scenario& s, real_fault_plan plan,
                   duration limit)
    : tool_(std::move(tool)),
      file_(std::move(file)),
      s_(s),
      plan_(std::move(plan)),
      cookie_(random_cookie()),
      nodes_(s.nodes.size()),
      start_(clock::now()),
      deadline_(start_ + std::chrono::duration_cast<clock::duration>(limit)) {
    // A node that died must not kill the run with SIGPIPE: writing to it fails with EPIPE.
    std::signal(SIGPIPE, SIG_IGN);
}

void real_run::spawn(std::size_t i) {
    node& n = nodes_[i];
    n.ready = false;
    n.reply.reset();
    n.proc.start({tool_, "node", "--scenario", file_, "--node", s_.nodes[i], "--port",
                  std::to_string(n.port)},
                 {std::string(real_cookie_variable) + "=" + cookie_});
    ++log_.node_starts[s_.nodes[i]];
}

bool real_run::start() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) spawn(i);
    auto all_ready = [&] {
        return std::all_of(nodes_.begin(), nodes_.end(), [](const node& n) { return n.ready; });
    };
    pump_until(clock::now() + start_limit, all_ready);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (!nodes_[i].ready) {
            log_.violate("start: node " + s_.nodes[i] + " did not start");
            return false;
        }
    }
    started_ = true;
    // Time zero of the fault plan is when every node is up, as in the simulator.
    start_ = clock::now();
    for (std::size_t i = 0; i < nodes_.size(); ++i) send_peers(i);
    return true;
}

void real_run::send_peers(std::size_t i) {
    json peers = json::array();
    for (std::size_t p = 0; p < nodes_.size(); ++p) {
        if (p != i && !nodes_[p].address.empty()) peers.push_back(nodes_[p].address);
    }
    if (!peers.empty()) nodes_[i].proc.send(json{{"peers", peers}}.dump());
}

std::optional<json> real_run::request(std::size_t i, json command, duration wait) {
    node& n = nodes_[i];
    pump_until(clock::now() + start_limit, [&] { return n.ready || !n.proc.running(); });
    if (!n.ready) return std::nullopt;
    n.reply_id = next_id_++;
    n.reply.reset();
    command["id"] = n.reply_id;
    if (!n.proc.send(command.dump())) return std::nullopt;
    pump_until(clock::now() + std::chrono::duration_cast<clock::duration>(wait),
               [&] { return n.reply.has_value() || !n.proc.running(); });
    return std::exchange(n.reply, std::nullopt);
}

void real_run::sleep_for(duration d) {
    const auto until = clock::now() + std::chrono::duration_cast<clock::duration>(d);
    pump_until(until, [] { return false; });
}

void real_run::stop_all() {
    for (node& n : nodes_) n.proc.kill();
}

void real_run::finish_all() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (!nodes_[i].proc.running()) continue;
        const int status = nodes_[i].proc.finish(5000);
        if (status != 0) {
            log_.violate("stop: node " + s_.nodes[i] +
                         (status < 0 ? std::string(" did not exit within 5 s of its stdin closing")
                                     : " exited with status " + std::to_string(status)));
        }
    }
}

void real_run::pump(clock::time_point until) {
    while (started_ && next_fault_ < plan_.faults.size() &&
           clock::now() - start_ >= plan_.faults[next_fault_].at) {
        apply(plan_.faults[next_fault_++]);
    }
    if (clock::now() >= deadline_) {
        timed_out_ = true;
        stop_all();
        return;
    }
    auto wake = std::min(until, deadline_);
    if (started_ && next_fault_ < plan_.faults.size()) {
        wake = std::min(wake, start_ + std::chrono::duration_cast<clock::duration>(
                                           plan_.faults[next_fault_].at));
    }
    std::vector<pollfd> fds;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i].proc.running()) {
            fds.push_back({nodes_[i].proc.output_fd(), POLLIN, 0});
            which.push_back(i);
        }
    }
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wake - clock::now()).count();
    if (::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<decltype(ms)>(ms, 0, 1000))) <=
        0)
        return;
    for (std::size_t k = 0; k < fds.size(); ++k) {
        if (fds[k].revents != 0) read_node(which[k]);
    }
}

void real_run::read_node(std::size_t i) {
    node& n = nodes_[i];
    const bool open = n.proc.read_available();
    while (auto line = n.proc.next_line()) handle_line(i, *line);
    if (!open) n.ready = false;
}

void real_run::handle_line(std::size_t i, const std::string& line) {
    node& n = nodes_[i];
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        log_.violate("node " + s_.nodes[i] +
                     ": said something that is not a protocol line: " + line.substr(0, 200));
    } else if (j.contains("listening") && j["listening"].is_string()) {
        n.address = j["listening"].get<std::string>();
        // A port that does not read leaves 0: a restart then takes any port.
        const auto colon = n.address.rfind(':');
        if (colon != std::string::npos) {
            std::from_chars(n.address.data() + colon + 1, n.address.data() + n.address.size(),
                            n.port);
        }
        n.ready = true;
        if (started_) send_peers(i);
    } else if (j.contains("child_start") && j["child_start"].is_string()) {
        ++log_.child_starts[j["child_start"].get<std::string>()];
    } else if (j.contains("reply") && j.value("id", json(0)) == json(n.reply_id)) {
        n.reply = j["reply"];
    }
}

void real_run::apply(const real_fault& f) {
    node& n = nodes_[f.node];
    switch (f.what) {
        case real_fault::action::crash:
            if (!n.proc.running()) return;
            n.proc.kill();
            n.ready = false;
            break;
        case real_fault::action::restart:
            if (n.proc.running()) return;
            spawn(f.node);
            break;
        case real_fault::action::reset:
            if (!n.ready || !n.proc.send(json{{"reset", f.peer}}.dump())) return;
            break;
    }
    ++fired_[f.label];
}

}  // namespace ractor::tool::cli
