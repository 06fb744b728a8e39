#pragma once
// Helpers shared by the simulator's tests: runnables from lambdas, fixed-order strategies and
// child processes.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <ractor/runtime/runtime.hpp>
#include <ractor/sim/scheduling_strategy.hpp>

namespace ractor::sim::test {

/// A runnable whose run() calls a function with the budget.
class fn_runnable final : public ractor::runnable {
public:
    explicit fn_runnable(std::function<void(std::size_t)> fn) : fn_(std::move(fn)) {}
    void run(std::size_t budget) noexcept override { fn_(budget); }

private:
    std::function<void(std::size_t)> fn_;
};

/// Owns runnables for a test; they must outlive the world that runs them.
class runnables {
public:
    fn_runnable& add(std::function<void(std::size_t)> fn) {
        items_.push_back(std::make_unique<fn_runnable>(std::move(fn)));
        return *items_.back();
    }

private:
    std::vector<std::unique_ptr<fn_runnable>> items_;
};

/// Always picks the oldest candidate: a first-in first-out schedule.
class fifo_strategy final : public scheduling_strategy {
public:
    std::size_t pick(std::span<const candidate>) override { return 0; }
};

/// Records every candidate list it is offered, then delegates to first-in first-out.
class recording_strategy final : public scheduling_strategy {
public:
    explicit recording_strategy(std::vector<std::vector<candidate>>& log) : log_(log) {}
    std::size_t pick(std::span<const candidate> choices) override {
        log_.emplace_back(choices.begin(), choices.end());
        return 0;
    }

private:
    std::vector<std::vector<candidate>>& log_;
};

/// Records a user trace event on `rt` with `value`.
inline void trace_user(ractor::runtime& rt, std::uint64_t value, std::string_view text = {}) {
    rt.trace->record(ractor::trace_event{ractor::trace_kind::user, 0, 0, value, text});
}

/// What a child process did: its wait status and everything it wrote to stderr.
struct child_result {
    int status = 0;
    std::string err;

    bool aborted() const { return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT; }
    bool exited_ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

/// Runs `body` in a forked child whose stderr is captured; the child exits with status 0
/// if `body` returns. Only async-signal-safe use of shared state is expected from `body`.
inline child_result run_in_child(const std::function<void()>& body) {
    int fds[2];
    if (::pipe(fds) != 0) {
        return {-1, "pipe failed"};
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        // The test framework's crash handler must not report the child's abort as a failure.
        ::signal(SIGABRT, SIG_DFL);
        ::close(fds[0]);
        ::dup2(fds[1], STDERR_FILENO);
        ::close(fds[1]);
        body();
        ::_exit(0);
    }
    ::close(fds[1]);
    child_result result;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        result.err.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    ::waitpid(pid, &result.status, 0);
    return result;
}

/// The path of the running test binary.
inline std::string self_exe() {
    char buf[4096];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace ractor::sim::test
