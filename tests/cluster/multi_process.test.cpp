// Three ractor-node processes on loopback: remote calls and process-group joins across
// processes, then one process is killed and the others see it go.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "support/test_paths.hpp"

extern char** environ;

#ifdef RACTOR_HAVE_NODE_TOOL

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// A child ractor-node process with its standard input and output on pipes.
class node_process {
public:
    explicit node_process(std::vector<std::string> args) {
        args.insert(args.begin(), ractor::test_paths::node_binary());
        int in[2], out[2];
        // Close-on-exec, so that no other child inherits this child's stdin and keeps it open.
        REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const int rc = ::posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        ::close(in[0]);
        ::close(out[1]);
        stdin_ = in[1];
        stdout_ = out[0];
        REQUIRE(rc == 0);
    }
    node_process(const node_process&) = delete;
    node_process& operator=(const node_process&) = delete;
    ~node_process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (stdin_ >= 0) ::close(stdin_);
        ::close(stdout_);
    }

    /// Waits up to `limit` for an output line, printed since the last `mark()`, that starts
    /// with `prefix`; returns it, or "" on time-out or end of output.
    std::string wait_for(const std::string& prefix, std::chrono::seconds limit = 30s) {
        const auto deadline = steady::now() + limit;
        for (;;) {
            for (std::size_t i = from_; i < lines_.size(); ++i) {
                if (lines_[i].rfind(prefix, 0) == 0) return lines_[i];
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
            if (left.count() <= 0) return {};
            pollfd p{stdout_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[4096];
            const ssize_t n = ::read(stdout_, buf, sizeof buf);
            if (n <= 0) return {};
            partial_.append(buf, static_cast<std::size_t>(n));
            for (std::size_t nl; (nl = partial_.find('\n')) != std::string::npos;) {
                lines_.push_back(partial_.substr(0, nl));
                partial_.erase(0, nl + 1);
            }
        }
    }

    /// Makes later `wait_for` calls look only at lines printed from now on.
    void mark() { from_ = lines_.size(); }

    /// Everything the process printed so far, for failure messages.
    std::string seen() const {
        std::string all;
        for (const auto& l : lines_) all += l + "\n";
        return all;
    }

    /// Kills the process at once, as a crash would.
    void kill() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    /// Closes its standard input (it shuts down) and returns its exit status.
    int finish() {
        ::close(stdin_);
        stdin_ = -1;
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = -1;
    int stdin_ = -1;
    int stdout_ = -1;
    std::string partial_;
    std::vector<std::string> lines_;
    std::size_t from_ = 0;
};

std::string address_of(node_process& p) {
    const std::string line = p.wait_for("listening ");
    INFO(p.seen());
    REQUIRE(!line.empty());
    return line.substr(std::strlen("listening "));
}

std::vector<std::string> serve_args(const std::string& name, std::vector<std::string> peers) {
    std::vector<std::string> a{"serve", "--name", name, "--cookie", "multi-process", "--expect", "2", "--calls", "100"};
    for (auto& p : peers) {
        a.push_back("--connect");
        a.push_back(std::move(p));
    }
    return a;
}

}  // namespace

TEST_CASE("three node processes call each other, share a group and see a killed one go", "[cluster][processes]") {
    node_process n1(serve_args("n1", {}));
    const std::string a1 = address_of(n1);
    node_process n2(serve_args("n2", {a1}));
    const std::string a2 = address_of(n2);
    node_process n3(serve_args("n3", {a1, a2}));

    struct expectation {
        node_process& proc;
        std::vector<std::string> lines;
    };
    std::vector<expectation> meshed{
        {n1, {"nodes n2,n3", "members 3", "calls n2 ok=100 failed=0", "calls n3 ok=100 failed=0"}},
        {n2, {"nodes n1,n3", "members 3", "calls n1 ok=100 failed=0", "calls n3 ok=100 failed=0"}},
        {n3, {"nodes n1,n2", "members 3", "calls n1 ok=100 failed=0", "calls n2 ok=100 failed=0"}},
    };
    for (auto& e : meshed) {
        for (const auto& line : e.lines) {
            INFO(e.proc.seen());
            CHECK(e.proc.wait_for(line) == line);
        }
    }

    n1.mark();
    n2.mark();
    n3.kill();
    for (auto* survivor : {&n1, &n2}) {
        const std::string other = survivor == &n1 ? "n2" : "n1";
        INFO(survivor->seen());
        CHECK(survivor->wait_for("nodes " + other) == "nodes " + other);
        CHECK(survivor->wait_for("members 2") == "members 2");
    }
    CHECK(n1.finish() == 0);
    CHECK(n2.finish() == 0);
}

#endif
