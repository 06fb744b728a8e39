// Handshake cryptography: proofs bind the cookie, the challenge and the prover's name.
#include <catch2/catch.hpp>

#include <ractor/cluster/handshake.hpp>
#include <ractor/prng.hpp>

using namespace ractor;
using namespace ractor::cluster;

namespace {

/// Deterministic entropy for the tests.
class seeded_entropy final : public entropy {
public:
    explicit seeded_entropy(std::uint64_t seed) : gen_(seed) {}
    std::uint64_t next_u64() override { return gen_.next_u64(); }

private:
    prng gen_;
};

}  // namespace

TEST_CASE("challenges are fresh, full-size and replay from the same seed", "[cluster][handshake]") {
    seeded_entropy a(7), b(7);
    const auto first = make_challenge(a);
    const auto second = make_challenge(a);
    CHECK(first.size() == challenge_size);
    CHECK(first != second);
    CHECK(make_challenge(b) == first);
}

TEST_CASE("a proof checks only with the same cookie, challenge and prover", "[cluster][handshake]") {
    seeded_entropy e(1);
    const auto challenge = make_challenge(e);
    const auto proof = handshake_proof("secret", challenge, "alpha");
    CHECK(check_proof("secret", challenge, "alpha", proof));
    CHECK_FALSE(check_proof("Secret", challenge, "alpha", proof));       // wrong cookie
    CHECK_FALSE(check_proof("secret", make_challenge(e), "alpha", proof));  // another challenge
    CHECK_FALSE(check_proof("secret", challenge, "beta", proof));        // reflected by another name
    auto flipped = proof;
    flipped[31] ^= 1;
    CHECK_FALSE(check_proof("secret", challenge, "alpha", flipped));
    CHECK_FALSE(check_proof("secret", challenge, "alpha", std::span(proof.data(), 16)));  // truncated
}

TEST_CASE("constant-time compare and version negotiation", "[cluster][handshake]") {
    const std::vector<std::uint8_t> x{1, 2, 3}, y{1, 2, 3}, z{1, 2, 4};
    CHECK(constant_time_equal(x, y));
    CHECK_FALSE(constant_time_equal(x, z));
    CHECK_FALSE(constant_time_equal(x, std::span(y.data(), 2)));
    const std::vector<std::uint8_t> ours{1}, future{1, 2, 9}, none{0, 7};
    CHECK(negotiate_version(ours) == 1);
    CHECK(negotiate_version(future) == 1);
    CHECK(negotiate_version(none) == 0);
    CHECK(negotiate_version({}) == 0);
}
