#pragma once
/// \file
/// A test-only seam: supervisors with a deliberately broken behaviour, for mutation testing.
/// Not part of the API (ractor/ractor.hpp and ractor/supervisor.hpp do not include it).

#include <cstdint>

#include <ractor/actor_system.hpp>
#include <ractor/spawn_options.hpp>
#include <ractor/supervisor.hpp>
#include <ractor/supervisor_spec.hpp>

namespace ractor {

/// A deliberately broken behaviour, for mutation testing only: it proves that the
/// property tests notice a wrong supervisor. Never use it in real code.
enum class supervisor_mutation : std::uint8_t {
    none,
    rest_for_one_skips_last,  ///< rest_for_one leaves the youngest child of the group down
    ignore_intensity,         ///< restarts never exhaust the intensity
    retry_failed_child_only,  ///< a failed start in a group restart retries that child alone
};

namespace detail {

/// `spawn_supervisor` with the supervisor broken as `mutation` says (its nested supervisors
/// are not: a test that wants them broken spawns them with this too).
supervisor_ref spawn_mutated_supervisor(actor_system& system, supervisor_spec spec,
                                        supervisor_mutation mutation, spawn_options options = {});

}  // namespace detail
}  // namespace ractor
