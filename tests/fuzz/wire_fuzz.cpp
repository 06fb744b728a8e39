// The wire fuzzer's body: the decoder, the handshake machines and their invariants.
#include "wire_fuzz.hpp"

#include <ractor/cluster/handshake_machine.hpp>
#include <ractor/cluster/wire.hpp>

namespace ractor::fuzz {

namespace {

using cluster::frame;
using cluster::handshake_machine;
using step = handshake_machine::step;

constexpr std::size_t limit = std::size_t{1} << 20;

void require(bool ok) {
    if (!ok) __builtin_trap();
}

cluster::challenge_bytes fixed_challenge(std::uint8_t v) {
    cluster::challenge_bytes c{};
    c.fill(v);
    return c;
}

handshake_machine acceptor() {
    return handshake_machine::acceptor({"acceptor", "cookie", 1, 2}, fixed_challenge(0xa5));
}

handshake_machine dialler() {
    return handshake_machine::dialler({"dialler", "cookie", 3, 4}, fixed_challenge(0x5a));
}

/// A proof leaves an acceptor only as the answer to `accept()`, after a checked proof.
void check_acceptor_step(const step& s) { require(!(s.out && s.out->body.contains("proof"))); }

/// Decodes `bytes`; a frame must re-encode to bytes that decode to the same frame.
std::optional<frame> decode_checked(std::span<const std::uint8_t> bytes) {
    cluster::decoded_frame d = cluster::decode_frame(bytes, limit);
    if (!d.frame) {
        require(!d.error.empty());
        return std::nullopt;
    }
    if (auto again = cluster::encode_frame(*d.frame, limit)) {
        cluster::decoded_frame back = cluster::decode_frame(*again, limit);
        require(back.frame && back.frame->type == d.frame->type && back.frame->seq == d.frame->seq &&
                back.frame->body == d.frame->body);
    }
    return std::move(d.frame);
}

/// Feeds one frame to a machine, deciding "accept" whenever it asks.
void drive(handshake_machine& m, const frame& f, bool is_acceptor) {
    step s = m.on_frame(f);
    if (is_acceptor) check_acceptor_step(s);
    if (s.what == step::result::decide) s = m.accept();
}

}  // namespace

void feed_wire(std::span<const std::uint8_t> data) {
    if (auto f = decode_checked(data)) {
        auto a = acceptor();
        drive(a, *f, true);
        auto d = dialler();
        (void)d.hello();
        drive(d, *f, false);
    }
    auto a = acceptor();
    auto d = dialler();
    (void)d.hello();
    for (std::size_t at = 0; at + 2 <= data.size();) {
        const std::size_t n = (std::size_t{data[at]} << 8) | data[at + 1];
        at += 2;
        if (n > data.size() - at) break;
        if (auto f = decode_checked(data.subspan(at, n))) {
            drive(a, *f, true);
            drive(d, *f, false);
        }
        at += n;
    }
}

}  // namespace ractor::fuzz
