#pragma once
/// \file
/// The errors of supervisor requests, and the structured form of a failed child start.

#include <stdexcept>
#include <string>

#include <ractor/errors.hpp>

namespace ractor {

/// A supervisor refused a request (the text says why: `not_found`, `running`,
/// `restarting`, `already_started`, `already_present`, `simple_one_for_one`,
/// `not_simple_one_for_one`) or could not be reached.
class supervisor_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Which child failed to start, and why (OTP's `{failed_to_start_child, Id, Reason}`).
struct failed_to_start_child {
    std::string id;
    std::string reason;  ///< the start's exception text (pre_start's, for a failed spawn)

    /// `failed_to_start_child <id>: <reason>`.
    std::string to_string() const { return "failed_to_start_child " + id + ": " + reason; }
};

/// `start_child`, `start_dynamic_child` or `restart_child` could not start the child.
class child_start_error : public supervisor_error {
public:
    explicit child_start_error(failed_to_start_child f) : supervisor_error(f.to_string()), failure_(std::move(f)) {}
    const failed_to_start_child& failure() const noexcept { return failure_; }

private:
    failed_to_start_child failure_;
};

/// `spawn_supervisor` failed because one of its children did not start.
class supervisor_start_error : public spawn_error {
public:
    explicit supervisor_start_error(failed_to_start_child f) : spawn_error(f.to_string(), f.reason), failure_(std::move(f)) {}
    const failed_to_start_child& failure() const noexcept { return failure_; }

private:
    failed_to_start_child failure_;
};

}  // namespace ractor
