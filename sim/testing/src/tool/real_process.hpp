#pragma once
// One node process of a real run, seen from the parent: started, written to, read line by
// line, killed and always reaped.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace ractor::tool::cli {

/// A child process whose stdin and stdout are pipes to this object (stderr is shared).
class real_process {
public:
    real_process() = default;
    real_process(const real_process&) = delete;
    real_process& operator=(const real_process&) = delete;
    /// Kills and reaps the child if it still runs.
    ~real_process() { kill(); }

    /// Starts `argv` with `env` added to this process's environment; throws
    /// std::runtime_error if it cannot be started.
    void start(const std::vector<std::string>& argv, const std::vector<std::string>& env);
    /// True between `start` and the end of its output (or `kill`).
    bool running() const noexcept { return pid_ > 0; }
    /// The descriptor to poll for output; -1 if not running.
    int output_fd() const noexcept { return out_; }

    /// Writes one line to its stdin; false if it cannot take it (it is gone).
    bool send(const std::string& line);
    /// Reads what is available (after poll said so); returns false at the end of the output,
    /// when the child has been reaped.
    bool read_available();
    /// The next complete line read, if any.
    std::optional<std::string> next_line();

    /// SIGKILL, then reap; idempotent.
    void kill();
    /// Closes its stdin (the node's cue to shut down), discards its output until it ends and
    /// reaps it: its exit status, or -1 if it did not exit within `limit` (then it is killed)
    /// or a signal ended it.
    int finish(int limit_ms);

private:
    void close_pipes();

    pid_t pid_ = -1;
    int in_ = -1;
    int out_ = -1;
    std::string buffer_;
};

}  // namespace ractor::tool::cli
