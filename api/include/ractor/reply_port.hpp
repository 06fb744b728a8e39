#pragma once
/// \file
/// The one-shot reply channel carried by an rpc request.

#include <memory>
#include <string>
#include <utility>

#include <ractor/detail/reply_slot.hpp>
#include <ractor/detail/sync_here.hpp>

namespace ractor {

/// Carried inside a request message; the handler answers through it with `send`.
///
/// Move-only and one-shot. Destroying a port without replying (for example because the
/// actor stopped with the request still queued) wakes the caller at once with a sender
/// error instead of leaving it to time out.
template <class R>
class reply_port {
public:
    explicit reply_port(std::shared_ptr<detail::reply_slot<R>> slot) noexcept
        : slot_(std::move(slot)) {}
    reply_port(reply_port&&) noexcept = default;
    reply_port& operator=(reply_port&& o) noexcept {
        if (this != &o) {
            abandon();
            slot_ = std::move(o.slot_);
        }
        return *this;
    }
    ~reply_port() { abandon(); }

    /// Sends the reply; false if the caller is gone (timed out) or a reply was sent already.
    bool send(R value) {
        if (!slot_) return false;
        detail::at_caller_sync_point(sync_point::reply);
        bool delivered = slot_->fulfil(std::move(value));
        slot_.reset();
        return delivered;
    }

    /// Gives up without a reply: the caller gets a sender error saying `reason` (for a
    /// request that can no longer be answered, e.g. because its node went down).
    void fail(std::string reason) noexcept {
        if (slot_) slot_->drop(std::move(reason));
        slot_.reset();
    }

private:
    void abandon() noexcept {
        if (slot_) slot_->drop("the actor dropped the request without replying");
        slot_.reset();
    }

    std::shared_ptr<detail::reply_slot<R>> slot_;
};

}  // namespace ractor
