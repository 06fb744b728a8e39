// Actor programs on the simulator replay bit for bit: same seed, same trace; other seed, other trace.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <unistd.h>

#include <ractor/ractor.hpp>
#include <ractor/sim/world.hpp>

#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;

namespace {

/// A gossip actor: each message it gets makes it forward `hops - 1` to a random peer,
/// chosen with the node's entropy; with the scheduler's choices this makes a racy program.
struct gossip_args { std::shared_ptr<std::vector<actor_ref<int>>> peers; std::shared_ptr<long> delivered; };
struct gossip : actor<int, gossip_args, gossip_args> {
    gossip_args pre_start(actor_ref<int>, gossip_args a) { return a; }
    void handle(actor_ref<int> self, int hops, gossip_args& a) {
        ++*a.delivered;
        if (hops == 0) return;
        auto& peers = *a.peers;
        const auto& rt = self.system().runtime();
        peers[rt.entropy.next_u64() % peers.size()].cast(hops - 1);
    }
};

/// Runs the racy program on a fresh world; returns {trace hash, messages delivered}.
std::pair<std::uint64_t, long> run_gossip(std::uint64_t seed) {
    sim::world world(seed);
    std::pair<std::uint64_t, long> out;
    {
        actor_system sys(world.add_node("n1"));
        auto peers = std::make_shared<std::vector<actor_ref<int>>>();
        auto delivered = std::make_shared<long>(0);
        for (int i = 0; i < 50; ++i) peers->push_back(sys.spawn(gossip{}, {peers, delivered}));
        for (std::size_t i = 0; i < 50; ++i) (*peers)[i].cast(20);
        world.run();
        out.second = *delivered;
        for (auto& p : *peers) p.stop();
        world.run();
        peers->clear();
    }
    out.first = world.trace_hash();
    return out;
}

}  // namespace

TEST_CASE("the same seed gives the same trace hash; other seeds give other hashes", "[simulation]") {
    auto a = run_gossip(7);
    auto b = run_gossip(7);
    CHECK(a.second == 50 * 21);
    CHECK(a == b);
    auto c = run_gossip(8);
    auto d = run_gossip(9);
    CHECK(c.second == 50 * 21);
    CHECK(c.first != a.first);
    CHECK(d.first != a.first);
    CHECK(d.first != c.first);
}

TEST_CASE("the trace hash is the same in another process", "[simulation]") {
    if (const char* child = std::getenv("RACTOR_PRINT_GOSSIP_HASH")) {
        // Child mode: print the hash for the parent process to compare.
        std::cout << "GOSSIP_HASH " << run_gossip(std::strtoull(child, nullptr, 10)).first << std::endl;
        SUCCEED("printed the hash for the parent process");
        return;
    }
    const std::uint64_t here = run_gossip(11).first;
    // A fresh process of this test binary (so a different address-space layout) runs seed 11.
    char self[4096];
    const ssize_t len = ::readlink("/proc/self/exe", self, sizeof self - 1);
    REQUIRE(len > 0);
    self[len] = '\0';
    const std::string command = std::string("RACTOR_PRINT_GOSSIP_HASH=11 '") + self +
                                "' \"the trace hash is the same in another process\" 2>&1";
    std::FILE* p = ::popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) output += buf;
    const int status = ::pclose(p);
    INFO(output);
    REQUIRE(status == 0);
    const auto at = output.find("GOSSIP_HASH ");
    REQUIRE(at != std::string::npos);
    CHECK(std::stoull(output.substr(at + 12)) == here);
}
