#pragma once
// The parent of a real run: its node processes, the clock its faults are due by, and the
// loop that reads what the nodes say while it waits.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <ractor/tool/scenario.hpp>

#include "real_faults.hpp"
#include "real_process.hpp"
#include "workload_log.hpp"

namespace ractor::tool::cli {

/// The node processes of one real run and what they reported.
class real_run {
public:
    using clock = std::chrono::steady_clock;

    /// `tool` is the binary to re-execute in node mode, `file` the scenario's absolute path.
    real_run(std::string tool, std::string file, const scenario& s, real_fault_plan plan,
             duration limit);

    /// Starts every node and connects them; false (with a violation logged) if one did not
    /// come up.
    bool start();
    /// Sends `command` to node `i` and waits at most `wait` for its answer; none if the node
    /// is down, goes down meanwhile or does not answer in time.
    std::optional<nlohmann::json> request(std::size_t i, nlohmann::json command, duration wait);
    /// Reads the nodes and applies due faults for `d` of real time.
    void sleep_for(duration d);
    /// True if node `i` runs (or is starting).
    bool running(std::size_t i) const { return nodes_[i].proc.running(); }
    /// True once the whole-run limit has passed (every node is killed then).
    bool timed_out() const noexcept { return timed_out_; }
    /// Kills every node.
    void stop_all();
    /// Shuts every node still up down through its stdin; a node that does not exit with
    /// status 0 within a few seconds is a violation (and is killed).
    void finish_all();

    workload_log& log() noexcept { return log_; }
    const std::map<std::string, std::uint64_t>& fired() const noexcept { return fired_; }
    const real_fault_plan& plan() const noexcept { return plan_; }

private:
    struct node {
        real_process proc;
        std::uint16_t port = 0;  ///< the port it listens on, kept for its restarts
        std::string address;
        bool ready = false;  ///< said "listening"
        std::uint64_t reply_id = 0;
        std::optional<nlohmann::json> reply;
    };

    void spawn(std::size_t i);
    /// One round: applies due faults, then waits until output, the next fault or `until`.
    void pump(clock::time_point until);
    void read_node(std::size_t i);
    void handle_line(std::size_t i, const std::string& line);
    void apply(const real_fault& f);
    void send_peers(std::size_t i);
    /// Pumps until `done` holds or `until` passes (or the run's limit).
    template <class Pred>
    void pump_until(clock::time_point until, Pred done) {
        while (!done() && !timed_out_ && clock::now() < until) pump(until);
    }

    std::string tool_;
    std::string file_;
    const scenario& s_;
    real_fault_plan plan_;
    std::string cookie_;
    std::vector<node> nodes_;
    clock::time_point start_;
    clock::time_point deadline_;
    std::size_t next_fault_ = 0;
    std::uint64_t next_id_ = 1;
    bool started_ = false;
    bool timed_out_ = false;
    std::map<std::string, std::uint64_t> fired_;
    workload_log log_;
};

}  // namespace ractor::tool::cli
