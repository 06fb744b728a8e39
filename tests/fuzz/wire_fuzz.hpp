#pragma once
// The body of the wire fuzzer, shared by the libFuzzer target (wire_fuzz_main.cpp, built with
// clang by tests/fuzz/run.sh) and the corpus regression test (tests/cluster/fuzz_corpus.test.cpp).

#include <cstdint>
#include <span>

namespace ractor::fuzz {

/// Feeds `data` to the frame decoder and to both sides of the handshake state machine: once
/// as a single frame, and once split into frames (each a 2-byte big-endian length, then its
/// bytes) fed in order. Traps if an invariant breaks: a decoded frame that does not survive
/// re-encoding, or an acceptor that hands out a proof before the dialler proved the cookie.
/// Crashes, hangs and sanitizer reports are the fuzzer's to find.
void feed_wire(std::span<const std::uint8_t> data);

}  // namespace ractor::fuzz
