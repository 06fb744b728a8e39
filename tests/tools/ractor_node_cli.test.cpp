// ractor-node as a script or a service manager runs it: exit statuses and how it stops.
#include <catch2/catch.hpp>

#include <signal.h>

#include <string>

#include "tools/child_process.hpp"
#include "support/test_paths.hpp"

#ifdef RACTOR_HAVE_NODE_TOOL

using tool_test::child_process;
using tool_test::child_stdin;
using tool_test::run_tool;

TEST_CASE("ractor-node: usage errors exit 2, like ractor-sim", "[tools][cli]") {
    const auto missing_cookie = run_tool(ractor::test_paths::node_binary(), {"serve", "--name", "a"});
    INFO(missing_cookie.output);
    CHECK(missing_cookie.status == 2);
    CHECK(missing_cookie.output.find("--cookie") != std::string::npos);
    CHECK(run_tool(ractor::test_paths::node_binary(), {}).status == 2);
    CHECK(run_tool(ractor::test_paths::node_binary(), {"serve", "--cookie", "c", "--calls", "-1"}).status == 2);
    CHECK(run_tool(ractor::test_paths::node_binary(), {"bench", "--cookie", "c"}).status == 2);
    CHECK(run_tool(ractor::test_paths::node_binary(), {"serve", "--cookie", "c", "--tick-cost-us", "-5"}).status == 2);
    CHECK(run_tool(ractor::test_paths::node_binary(), {"bench", "--cookie", "c", "--connect", "x", "--seconds", "1e3"}).status == 2);
    CHECK(run_tool(ractor::test_paths::node_binary(), {"--help"}).status == 0);
}

TEST_CASE("ractor-node: serve with stdin on /dev/null keeps serving until SIGTERM", "[tools][cli]") {
    child_process server({ractor::test_paths::node_binary(), "serve", "--name", "server", "--cookie", "c"}, child_stdin::dev_null);
    const std::string listening = server.wait_for("listening ");
    REQUIRE(!listening.empty());
    const std::string address = listening.substr(std::string("listening ").size());
    // A client that calls the server's service proves it is still up after reading EOF.
    child_process client({ractor::test_paths::node_binary(), "serve", "--name", "client", "--cookie", "c", "--connect", address,
                          "--expect", "1", "--calls", "3"},
                         child_stdin::pipe);
    const std::string calls = client.wait_for("calls ");
    INFO("server:\n" << server.output() << "client:\n" << client.output());
    CHECK(calls == "calls server ok=3 failed=0");
    CHECK(server.running());
    server.signal(SIGTERM);
    CHECK(server.wait() == 0);
    // The client's standard input is a pipe: closing it still stops the node.
    client.close_stdin();
    CHECK(client.wait() == 0);
}

/// The value of `key=` in a RESULT line; -1 if it is missing.
long long result_field(const std::string& line, const std::string& key) {
    const auto at = line.find(" " + key + "=");
    return at == std::string::npos ? -1 : std::stoll(line.substr(at + key.size() + 2));
}

TEST_CASE("ractor-node: a flood against a slow bounded receiver reports what arrived and no false down",
          "[tools][cli]") {
    child_process server({ractor::test_paths::node_binary(), "serve", "--name", "slow", "--cookie", "c", "--tick-cost-us", "50",
                          "--mailbox", "100"},
                         child_stdin::pipe);
    const std::string listening = server.wait_for("listening ");
    REQUIRE(!listening.empty());
    const auto flood = run_tool(ractor::test_paths::node_binary(), {"bench", "--cookie", "c", "--connect",
                                                     listening.substr(std::string("listening ").size()),
                                                     "--workload", "remote_flood", "--seconds", "1"});
    INFO(flood.output);
    REQUIRE(flood.status == 0);
    const long long told_ok = result_field(flood.output, "told_ok");
    const long long delivered = result_field(flood.output, "delivered");
    CHECK(told_ok > 0);
    CHECK(delivered > 0);
    CHECK(delivered <= told_ok);
    CHECK(result_field(flood.output, "lost") == told_ok - delivered);
    // The receiver is slow, not dead: its session must stay up through the flood.
    CHECK(result_field(flood.output, "downs") == 0);
    server.close_stdin();
    CHECK(server.wait() == 0);
}

#endif  // RACTOR_HAVE_NODE_TOOL
