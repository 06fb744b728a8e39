#include "world_core.hpp"

#include <ractor/prng.hpp>

// The trace recorder: every event folds into the run's hash and, if kept, the event list.

namespace ractor::sim::internal {
namespace {

std::uint64_t combine(std::uint64_t h, std::uint64_t v) noexcept {
    return mix64((h ^ v) + 0x9e3779b97f4a7c15ULL);
}

// Folds the text in little-endian 8-byte words so the hash is the same on every platform.
std::uint64_t combine_text(std::uint64_t h, std::string_view text) noexcept {
    h = combine(h, text.size());
    std::uint64_t word = 0;
    int filled = 0;
    for (const char c : text) {
        word |= static_cast<std::uint64_t>(static_cast<unsigned char>(c)) << (8 * filled);
        if (++filled == 8) {
            h = combine(h, word);
            word = 0;
            filled = 0;
        }
    }
    return filled == 0 ? h : combine(h, word);
}

}  // namespace

void world_core::record(std::uint64_t node, const trace_event& e) {
    check_thread("trace_sink::record");
    const auto time_ns = static_cast<std::uint64_t>(now_.time_since_epoch().count());
    std::uint64_t h = combine(hash_, steps_);
    h = combine(h, time_ns);
    h = combine(h, node);
    h = combine(h, static_cast<std::uint64_t>(e.kind));
    h = combine(h, e.actor);
    h = combine(h, e.peer);
    h = combine(h, e.value);
    hash_ = combine_text(h, e.text);
    if (opts_.keep_events) {
        events_.push_back(recorded_event{steps_, now_.time_since_epoch().count(), node, e.kind,
                                         e.actor, e.peer, e.value, std::string(e.text)});
    }
}

}  // namespace ractor::sim::internal
