#pragma once
/// \file
/// The outcome of an rpc call: a value, a timeout, or a sender error with its reason.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace ractor {

/// How a call ended.
enum class call_status : std::uint8_t {
    success,       ///< the actor replied
    timeout,       ///< the deadline passed first; a later reply is discarded
    sender_error,  ///< the request could not be delivered or the reply port was dropped
};

/// Thrown by `call_result::value()` when there is no value.
class call_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The result of `actor_ref::call`.
template <class R>
class call_result {
public:
    static call_result success(R value) {
        call_result r(call_status::success, {});
        r.value_.emplace(std::move(value));
        return r;
    }
    static call_result timeout() { return call_result(call_status::timeout, "call timed out"); }
    static call_result sender_error(std::string why) {
        return call_result(call_status::sender_error, std::move(why));
    }

    call_status status() const noexcept { return status_; }
    bool ok() const noexcept { return status_ == call_status::success; }
    bool is_timeout() const noexcept { return status_ == call_status::timeout; }
    bool is_sender_error() const noexcept { return status_ == call_status::sender_error; }
    explicit operator bool() const noexcept { return ok(); }

    /// The reply; throws `call_error` with the reason if the call did not succeed.
    R& value() & { return check(), *value_; }
    const R& value() const& { return check(), *value_; }
    R&& value() && { return check(), std::move(*value_); }

    /// Why the call failed (empty on success).
    const std::string& error() const noexcept { return error_; }

private:
    call_result(call_status s, std::string e) : status_(s), error_(std::move(e)) {}
    void check() const {
        if (!ok()) throw call_error("call failed: " + error_);
    }

    call_status status_;
    std::optional<R> value_;
    std::string error_;
};

}  // namespace ractor
