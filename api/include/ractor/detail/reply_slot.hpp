#pragma once
/// \file
/// The rendezvous between a caller and a reply port.

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include <ractor/runtime/executor.hpp>

namespace ractor::detail {

/// Shared by a caller and the reply port of its request. Exactly one of the port (reply or
/// drop) and the caller (abandon on timeout or kill) wins the `pending` state.
///
/// On completion the slot wakes its caller's park, or, if `on_complete` is set, runs that
/// instead (multi_call counts completions; call_and_forward forwards the reply).
struct reply_slot_base {
    enum state_t : int { pending, writing, done, dropped, abandoned };

    std::atomic<int> state{pending};
    executor* exec = nullptr;  ///< where the caller parks
    park_token token{};        ///< the caller's park
    std::string drop_reason;   ///< written before `dropped` is published
    std::function<void()> on_complete;  ///< replaces the wake-up when set

    /// The port side gives up without a reply: wakes the caller with a sender error.
    void drop(std::string reason) noexcept {
        int expected = pending;
        if (!state.compare_exchange_strong(expected, writing, std::memory_order_acq_rel)) return;
        drop_reason = std::move(reason);
        state.store(dropped, std::memory_order_release);
        complete();
    }

    /// Claims the slot for the caller's side (timeout); false if the port got there first.
    bool abandon() noexcept {
        int expected = pending;
        return state.compare_exchange_strong(expected, abandoned, std::memory_order_acq_rel);
    }

protected:
    void complete() {
        if (on_complete) on_complete();
        else exec->unpark(token);
    }
};

/// A slot for a reply of type `R`.
template <class R>
struct reply_slot final : reply_slot_base {
    std::optional<R> value;

    /// Delivers the reply; false if the caller already gave up.
    bool fulfil(R&& v) {
        int expected = pending;
        if (!state.compare_exchange_strong(expected, writing, std::memory_order_acq_rel)) return false;
        value.emplace(std::move(v));
        state.store(done, std::memory_order_release);
        complete();
        return true;
    }
};

/// Waits for `slot` until it is fulfilled, dropped or `deadline` passes; returns the final
/// state (`done`, `dropped` or `abandoned`). A kill of the calling actor unwinds out of it.
reply_slot_base::state_t await_reply(reply_slot_base& slot, std::optional<time_point> deadline);

}  // namespace ractor::detail
