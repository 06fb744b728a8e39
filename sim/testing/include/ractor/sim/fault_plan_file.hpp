#pragma once
/// \file
/// Fault plan files: a fault plan read from and written as JSON (schema in docs/simulator.md).

#include <filesystem>
#include <string>
#include <string_view>

#include <ractor/sim/fault_plan.hpp>

namespace ractor::sim {

/// Parses a fault plan from JSON (schema in docs/simulator.md); throws `fault_plan_error`.
fault_plan parse_fault_plan(std::string_view json);

/// The JSON text of `plan`; `parse_fault_plan(to_json(plan)) == plan`.
std::string to_json(const fault_plan& plan);

/// Reads and parses a fault plan file; throws `fault_plan_error` (also if unreadable).
fault_plan load_fault_plan(const std::filesystem::path& file);

/// Writes `plan` as JSON to `file`; throws std::runtime_error if it cannot.
void save_fault_plan(const fault_plan& plan, const std::filesystem::path& file);

}  // namespace ractor::sim
