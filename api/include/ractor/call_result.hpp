#pragma once
/// \file
/// The outcome of an rpc call: a value, a timeout, or a sender error with its reason.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
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

    /// The reply, or `fallback` if the call did not succeed.
    template <class U>
    R value_or(U&& fallback) const& {
        return ok() ? *value_ : static_cast<R>(std::forward<U>(fallback));
    }
    template <class U>
    R value_or(U&& fallback) && {
        return ok() ? std::move(*value_) : static_cast<R>(std::forward<U>(fallback));
    }

    /// `f(reply)` as a successful result, or this failure (same status and reason) unchanged.
    template <class F>
    auto map(F&& f) const& {
        return map_impl(*this, std::forward<F>(f));
    }
    template <class F>
    auto map(F&& f) && {
        return map_impl(std::move(*this), std::forward<F>(f));
    }

    /// `f(reply)`, itself a `call_result` (a follow-up call), or this failure unchanged.
    template <class F>
    auto and_then(F&& f) const& {
        return and_then_impl(*this, std::forward<F>(f));
    }
    template <class F>
    auto and_then(F&& f) && {
        return and_then_impl(std::move(*this), std::forward<F>(f));
    }

    /// This result if it succeeded, else `f(*this)` (which sees the status and reason): a
    /// `call_result<R>` (e.g. a retry) or a value of `R` (a success).
    template <class F>
    call_result or_else(F&& f) const& {
        return ok() ? *this : recover(std::forward<F>(f));
    }
    template <class F>
    call_result or_else(F&& f) && {
        return ok() ? std::move(*this) : recover(std::forward<F>(f));
    }

private:
    template <class>
    friend class call_result;

    call_result(call_status s, std::string e) : status_(s), error_(std::move(e)) {}

    template <class Self, class F>
    static auto map_impl(Self&& self, F&& f) {
        using U = std::remove_cvref_t<
            std::invoke_result_t<F, decltype(*std::forward<Self>(self).value_)>>;
        static_assert(!std::is_void_v<U>,
                      "call_result::map needs a function that returns the new value");
        if (!self.ok()) return call_result<U>(self.status_, self.error_);
        return call_result<U>::success(std::forward<F>(f)(*std::forward<Self>(self).value_));
    }
    template <class Self, class F>
    static auto and_then_impl(Self&& self, F&& f) {
        using next = std::remove_cvref_t<
            std::invoke_result_t<F, decltype(*std::forward<Self>(self).value_)>>;
        static_assert(is_call_result<next>::value,
                      "call_result::and_then needs a function that returns a call_result");
        if (!self.ok()) return next(self.status_, self.error_);
        return std::forward<F>(f)(*std::forward<Self>(self).value_);
    }
    template <class F>
    call_result recover(F&& f) const {
        using alt = std::remove_cvref_t<std::invoke_result_t<F, const call_result&>>;
        if constexpr (std::is_same_v<alt, call_result>) {
            return std::forward<F>(f)(*this);
        } else {
            static_assert(
                std::is_convertible_v<alt, R>,
                "call_result::or_else needs a function that returns a call_result<R> or an R");
            return success(std::forward<F>(f)(*this));
        }
    }

    template <class T>
    struct is_call_result : std::false_type {};
    template <class T>
    struct is_call_result<call_result<T>> : std::true_type {};
    void check() const {
        if (!ok()) throw call_error("call failed: " + error_);
    }

    call_status status_;
    std::optional<R> value_;
    std::string error_;
};

}  // namespace ractor
