#pragma once
/// \file
/// The factory's answer to a job dispatched with an acknowledgement: taken, or why not.

#include <optional>

#include <ractor/factory/discard.hpp>

namespace ractor::factory {

/// Whether the factory took a job (handed it to a worker or queued it) or discarded it at
/// once, and why. A caller waiting for it applies back-pressure (ractor's `accepted` port).
struct acceptance {
    bool accepted = false;
    std::optional<discard_reason> reason{};  ///< set when not accepted
};

}  // namespace ractor::factory
