#pragma once
// A tool binary run as a child process, for the tests of the command-line tools.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace tool_test {

/// Where a child's standard input comes from.
enum class child_stdin {
    dev_null,  ///< /dev/null: reads end at once
    pipe,      ///< a pipe this object holds open until `close_stdin`
};

/// A child process with stdout and stderr merged into one pipe that this object reads.
class child_process {
public:
    child_process(std::vector<std::string> argv, child_stdin in) {
        int out[2], pipe_in[2] = {-1, -1};
        if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        if (in == child_stdin::pipe) {
            if (::pipe2(pipe_in, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
            posix_spawn_file_actions_adddup2(&fa, pipe_in[0], STDIN_FILENO);
        } else {
            posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        }
        posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&fa, out[1], STDERR_FILENO);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        const int rc = ::posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        ::close(out[1]);
        out_ = out[0];
        if (pipe_in[0] >= 0) ::close(pipe_in[0]);
        in_ = pipe_in[1];
        if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    ~child_process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        close_stdin();
        ::close(out_);
    }

    /// Reads output until a line starting with `prefix` arrives (returned), the output
    /// ends or `limit` passes (both return "").
    std::string wait_for(const std::string& prefix, std::chrono::seconds limit = std::chrono::seconds(30)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (std::size_t checked = 0;;) {
            for (std::size_t nl; (nl = output_.find('\n', checked)) != std::string::npos; checked = nl + 1) {
                if (output_.compare(checked, prefix.size(), prefix) == 0) return output_.substr(checked, nl - checked);
            }
            if (!read_some(deadline)) return {};
        }
    }

    /// Reads all output until it ends; kills the child if that takes longer than `limit`.
    const std::string& read_all(std::chrono::seconds limit = std::chrono::seconds(120)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (read_some(deadline)) {
        }
        if (running()) signal(SIGKILL);
        return output_;
    }

    /// Sends `sig` to the child.
    void signal(int sig) { ::kill(pid_, sig); }

    /// Closes the child's standard input pipe, if it has one.
    void close_stdin() {
        if (in_ >= 0) ::close(in_);
        in_ = -1;
    }

    /// Waits for the child to end: its exit status, or -1 if a signal ended it.
    int wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    /// True while the child has not ended (it is not reaped).
    bool running() const {
        siginfo_t info{};
        return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
               info.si_pid == 0;
    }

    /// Everything read so far.
    const std::string& output() const { return output_; }

private:
    bool read_some(std::chrono::steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{out_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char buf[4096];
        const ssize_t n = ::read(out_, buf, sizeof buf);
        if (n <= 0) return false;
        output_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    pid_t pid_ = -1;
    int in_ = -1;
    int out_ = -1;
    std::string output_;
};

/// What a finished tool run did.
struct tool_run {
    int status = -1;     ///< exit status; -1 if a signal ended it
    std::string output;  ///< stdout and stderr, interleaved as written
};

/// Runs `binary args...` to its end with standard input from /dev/null.
inline tool_run run_tool(const std::string& binary, std::vector<std::string> args) {
    args.insert(args.begin(), binary);
    child_process p(std::move(args), child_stdin::dev_null);
    tool_run r;
    r.output = p.read_all();
    r.status = p.wait();
    return r;
}

}  // namespace tool_test
