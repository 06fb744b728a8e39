#pragma once
/// \file
/// The outcome of a remote name lookup: a typed reference, or why there is none.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <ractor/actor_ref.hpp>

namespace ractor::cluster {

/// How a lookup ended.
enum class lookup_status : std::uint8_t {
    found,         ///< `value()` is a reference to the actor
    unknown_node,  ///< no session with that node
    unknown_name,  ///< the node has no actor registered under that name
    wrong_type,    ///< the actor accepts another message type (or one not registered for remote use)
    unregistered,  ///< the requested message type was never registered with `register_message`
    timeout,       ///< the node did not answer in time, or the session was lost meanwhile
};

/// Thrown by `lookup_result::value()` when there is no reference.
class lookup_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The result of `node::where_is<Msg>`.
template <class Msg>
class lookup_result {
public:
    static lookup_result found(actor_ref<Msg> ref) {
        lookup_result r(lookup_status::found, {});
        r.ref_ = std::move(ref);
        return r;
    }
    static lookup_result failed(lookup_status s, std::string why) { return lookup_result(s, std::move(why)); }

    lookup_status status() const noexcept { return status_; }
    bool ok() const noexcept { return status_ == lookup_status::found; }
    explicit operator bool() const noexcept { return ok(); }
    /// The reference; throws `lookup_error` with the reason if the lookup failed.
    const actor_ref<Msg>& value() const {
        if (!ok()) throw lookup_error("lookup failed: " + error_);
        return *ref_;
    }
    /// Why the lookup failed (empty on success).
    const std::string& error() const noexcept { return error_; }

private:
    lookup_result(lookup_status s, std::string e) : status_(s), error_(std::move(e)) {}

    lookup_status status_;
    std::optional<actor_ref<Msg>> ref_;
    std::string error_;
};

}  // namespace ractor::cluster
