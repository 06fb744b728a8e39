// The handshake: transcript proofs, and the state machine against a lying peer.
#include <catch2/catch.hpp>

#include <ractor/cluster/handshake.hpp>
#include <ractor/cluster/handshake_machine.hpp>
#include <ractor/prng.hpp>

using namespace ractor;
using namespace ractor::cluster;
using json = nlohmann::json;
using step = handshake_machine::step;

namespace {

/// Deterministic entropy for the tests.
class seeded_entropy final : public entropy {
public:
    explicit seeded_entropy(std::uint64_t seed) : gen_(seed) {}
    std::uint64_t next_u64() override { return gen_.next_u64(); }
    void secure_bytes(std::span<std::uint8_t> out) override {
        for (auto& b : out) b = static_cast<std::uint8_t>(gen_.next_u64());
    }

private:
    prng gen_;
};

handshake_self self_named(std::string name, std::string cookie = "secret", std::uint64_t incarnation = 7) {
    return handshake_self{std::move(name), std::move(cookie), 1, incarnation};
}

challenge_bytes challenge_of(std::uint8_t fill) {
    challenge_bytes c{};
    c.fill(fill);
    return c;
}

bool has_proof(const std::optional<frame>& f) { return f && f->body.contains("proof"); }

/// Runs a whole handshake between two machines; returns the acceptor's last step.
struct pair_run {
    handshake_machine d = handshake_machine::dialler(self_named("alpha"), challenge_of(1));
    handshake_machine a = handshake_machine::acceptor(self_named("beta"), challenge_of(2));
};

}  // namespace

TEST_CASE("challenges come from the secure stream, are fresh and replay from the same seed", "[cluster][handshake]") {
    seeded_entropy a(7), b(7);
    const auto first = make_challenge(a);
    const auto second = make_challenge(a);
    CHECK(first != second);
    CHECK(make_challenge(b) == first);
}

TEST_CASE("a transcript proof binds the cookie, the role and every field, length-framed", "[cluster][handshake]") {
    const auto cd = challenge_of(1), ca = challenge_of(2);
    handshake_transcript t{"alpha", "beta", cd, ca, 2, 10, 20};
    const proof p = transcript_proof("secret", handshake_role::dialler, t);
    CHECK(check_transcript_proof("secret", handshake_role::dialler, t, p));
    CHECK_FALSE(check_transcript_proof("Secret", handshake_role::dialler, t, p));
    // The same transcript proven as the other role never passes: an acceptor's proof cannot
    // be relayed as a dialler's.
    CHECK_FALSE(check_transcript_proof("secret", handshake_role::acceptor, t, p));
    auto differs = [&](handshake_transcript other) { return transcript_proof("secret", handshake_role::dialler, other) != p; };
    handshake_transcript x = t;
    x.dialler = "beta";
    x.acceptor = "alpha";
    CHECK(differs(x));
    x = t;
    x.dialler = "alph";
    x.acceptor = "abeta";  // same concatenation, other split: the length prefixes tell them apart
    CHECK(differs(x));
    x = t;
    x.dialler_challenge = ca;
    CHECK(differs(x));
    x = t;
    x.acceptor_challenge = cd;
    CHECK(differs(x));
    x = t;
    x.version = 3;
    CHECK(differs(x));
    x = t;
    x.dialler_incarnation = 11;
    CHECK(differs(x));
    x = t;
    x.acceptor_incarnation = 21;
    CHECK(differs(x));
    auto flipped = p;
    flipped[31] ^= 1;
    CHECK_FALSE(check_transcript_proof("secret", handshake_role::dialler, t, flipped));
    CHECK_FALSE(check_transcript_proof("secret", handshake_role::dialler, t, std::span(p.data(), 16)));
}

TEST_CASE("node names are bounded printable ASCII; versions negotiate", "[cluster][handshake]") {
    CHECK(node_name_problem("n1").empty());
    CHECK(node_name_problem("alpha@host-1.example:9").empty());
    CHECK_FALSE(node_name_problem("").empty());
    CHECK_FALSE(node_name_problem("with space").empty());
    CHECK_FALSE(node_name_problem(std::string("nul\0x", 5)).empty());
    CHECK_FALSE(node_name_problem(std::string(256, 'a')).empty());
    CHECK(node_name_problem(std::string(255, 'a')).empty());
    const std::vector<std::uint8_t> ours{2}, future{1, 2, 9}, old{1}, none{0, 7};
    CHECK(negotiate_version(ours) == 2);
    CHECK(negotiate_version(future) == 2);
    CHECK(negotiate_version(old) == 0);  // version 1 signed for anyone: no longer spoken
    CHECK(negotiate_version(none) == 0);
}

TEST_CASE("two machines with the same cookie establish a session, the dialler first", "[cluster][handshake]") {
    pair_run r;
    step s = r.a.on_frame(r.d.hello());
    REQUIRE(s.what == step::result::wait);
    CHECK_FALSE(has_proof(s.out));  // the acceptor signs nothing before the dialler proved
    s = r.d.on_frame(*s.out);
    REQUIRE(s.what == step::result::wait);
    REQUIRE(has_proof(s.out));
    s = r.a.on_frame(*s.out);
    REQUIRE(s.what == step::result::decide);
    CHECK(r.a.peer().name == "alpha");
    s = r.a.accept();
    REQUIRE(has_proof(s.out));
    CHECK(r.a.current() == handshake_machine::state::awaiting_confirm);
    s = r.d.on_frame(*s.out);
    REQUIRE(s.what == step::result::decide);
    CHECK(r.d.peer().name == "beta");
    CHECK(r.d.peer().incarnation == 7);
    s = r.d.accept();
    CHECK(s.what == step::result::established);
    REQUIRE(s.out);
    CHECK(s.out->type == frame_type::confirm);
    CHECK(r.a.on_frame(*s.out).what == step::result::established);
    CHECK(r.a.version() == wire_version);
    CHECK(r.d.version() == wire_version);
}

TEST_CASE("a wrong cookie is refused on either side, and the acceptor never signs for it", "[cluster][handshake]") {
    auto d = handshake_machine::dialler(self_named("alpha", "guess"), challenge_of(1));
    auto a = handshake_machine::acceptor(self_named("beta"), challenge_of(2));
    step s = d.on_frame(*a.on_frame(d.hello()).out);
    s = a.on_frame(*s.out);
    CHECK(s.what == step::result::failed);
    CHECK(s.why == handshake_failure::cookie);
    REQUIRE(s.out);
    CHECK(s.out->type == frame_type::refusal);
    CHECK_FALSE(has_proof(s.out));

    // The acceptor knows the cookie but the dialler's peer does not: the dialler refuses the ack.
    auto d2 = handshake_machine::dialler(self_named("alpha"), challenge_of(1));
    auto a2 = handshake_machine::acceptor(self_named("beta", "other"), challenge_of(2));
    s = a2.on_frame(*d2.on_frame(*a2.on_frame(d2.hello()).out).out);
    REQUIRE(s.what == step::result::failed);  // a2 cannot check alpha's proof either
    CHECK(s.why == handshake_failure::cookie);
}

TEST_CASE("an outsider cannot make an acceptor sign: reflection and relay find nothing to take", "[cluster][handshake]") {
    // The v1 attack: open one connection to get the acceptor's challenge cA, then ask the
    // acceptor (on a second connection) to prove itself for cA || name. Now an acceptor's
    // only proof comes after a valid dialler proof, which needs the cookie.
    auto victim1 = handshake_machine::acceptor(self_named("victim"), challenge_of(3));
    auto victim2 = handshake_machine::acceptor(self_named("victim"), challenge_of(4));
    auto outsider = handshake_machine::dialler(self_named("xvictim", "unknown"), challenge_of(3));
    const step ch1 = victim1.on_frame(outsider.hello());
    REQUIRE(ch1.out);
    json hello2 = outsider.hello().body;
    hello2["challenge"] = ch1.out->body.at("challenge");
    const step ch2 = victim2.on_frame(frame{wire_version, frame_type::hello, 0, hello2});
    CHECK_FALSE(has_proof(ch2.out));
    // Every guess of a proof is refused without a proof in return.
    seeded_entropy e(5);
    for (int i = 0; i < 50; ++i) {
        auto acceptor = handshake_machine::acceptor(self_named("victim"), challenge_of(9));
        acceptor.on_frame(outsider.hello());
        proof guess{};
        e.secure_bytes(guess);
        const step s = acceptor.on_frame(frame{wire_version, frame_type::challenge_reply, 0,
                                               json{{"proof", json::binary({guess.begin(), guess.end()})}}});
        CHECK(s.what == step::result::failed);
        CHECK_FALSE(has_proof(s.out));
    }
}

TEST_CASE("malformed handshake fields fail the handshake, never throw", "[cluster][handshake]") {
    const json good = handshake_machine::dialler(self_named("alpha"), challenge_of(1)).hello().body;
    auto with = [&](const char* key, json value) {
        json b = good;
        if (value.is_discarded()) b.erase(key);
        else b[key] = std::move(value);
        return b;
    };
    const std::vector<json> bad{
        with("challenge", json::binary(std::vector<std::uint8_t>(31, 0))),
        with("challenge", json::binary({})),
        with("challenge", json::binary(std::vector<std::uint8_t>(1 << 20, 0))),
        with("challenge", "not bytes"),
        with("name", std::string(1 << 20, 'x')),
        with("name", "two words"),
        with("name", 5),
        with("node_id", 1e300),
        with("node_id", -1),
        with("incarnation", json::array()),
        with("versions", "no"),
        with("versions", json::array({1.5})),
        with("versions", json(std::vector<int>(1000, 2))),
        with("name", json(json::value_t::discarded)),
        json::object(),
    };
    for (const auto& body : bad) {
        INFO(body.dump().substr(0, 200));
        auto a = handshake_machine::acceptor(self_named("beta"), challenge_of(2));
        step s;
        CHECK_NOTHROW(s = a.on_frame(frame{wire_version, frame_type::hello, 0, body}));
        CHECK(s.what == step::result::failed);
        CHECK(s.why == handshake_failure::protocol);
        CHECK_FALSE(s.out);  // malformed input gets no answer, only a close
    }
    // Frames out of order are protocol failures too.
    auto a = handshake_machine::acceptor(self_named("beta"), challenge_of(2));
    CHECK(a.on_frame(frame{wire_version, frame_type::ack, 0, json::object()}).why == handshake_failure::protocol);
}

TEST_CASE("a peer claiming the receiver's own name is refused", "[cluster][handshake]") {
    auto d = handshake_machine::dialler(self_named("beta"), challenge_of(1));
    auto a = handshake_machine::acceptor(self_named("beta"), challenge_of(2));
    const step s = a.on_frame(d.hello());
    CHECK(s.what == step::result::failed);
    CHECK(s.why == handshake_failure::name);
}
