#pragma once
/// \file
/// rpc beyond a single call: calling many actors at once, and forwarding a reply.

#include <atomic>
#include <memory>
#include <vector>

#include <ractor/actor_ref.hpp>
#include <ractor/timers.hpp>

namespace ractor {

namespace detail {

/// Wakes one park after `remaining` completions.
struct completion_counter {
    completion_counter(executor& e, park_token t, std::size_t n) : exec(e), token(t), remaining(n) {}
    executor& exec;
    park_token token;
    std::atomic<std::size_t> remaining;
    void completed() {
        if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) exec.unpark(token);
    }
};

/// Waits until `counter` reaches zero or `deadline` passes (a kill unwinds out of it).
void await_completions(completion_counter& counter, std::optional<time_point> deadline);

/// The final state of a slot whose caller stopped waiting: `abandoned` if it was still
/// pending (now it never completes), else what the port made of it.
reply_slot_base::state_t settle(reply_slot_base& slot);

template <class R>
call_result<R> result_of(reply_slot<R>& slot, reply_slot_base::state_t state) {
    switch (state) {
        case reply_slot_base::done: return call_result<R>::success(std::move(*slot.value));
        case reply_slot_base::dropped: return call_result<R>::sender_error(slot.drop_reason);
        default: return call_result<R>::timeout();
    }
}

}  // namespace detail

/// Sends the request `build(reply_port<R>)` to every actor in `targets` at once and waits at
/// most `timeout` for all the replies. One result per target, in the order of `targets`,
/// each with its own outcome (a stopped target is a sender error, a slow one a timeout).
template <class Msg, class Build>
auto multi_call(const std::vector<actor_ref<Msg>>& targets, Build build, duration timeout) {
    using R = typename detail::reply_type_of<Build>::type;
    std::vector<call_result<R>> results;
    if (targets.empty()) return results;
    const runtime& rt = detail::caller_runtime(*targets.front().cell());
    auto counter = std::make_shared<detail::completion_counter>(rt.executor, rt.executor.prepare_park(),
                                                                targets.size());
    const time_point deadline = rt.clock.now() + timeout;
    std::vector<std::shared_ptr<detail::reply_slot<R>>> slots;
    std::vector<send_status> sent;
    for (const auto& target : targets) {
        auto slot = std::make_shared<detail::reply_slot<R>>();
        slot->on_complete = [counter] { counter->completed(); };
        sent.push_back(target.cast(build(reply_port<R>(slot))));
        slots.push_back(std::move(slot));
    }
    detail::await_completions(*counter, deadline);
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const auto state = detail::settle(*slots[i]);
        results.push_back(sent[i] != send_status::ok ? call_result<R>::sender_error(std::string(to_string(sent[i])))
                                                     : detail::result_of(*slots[i], state));
    }
    return results;
}

/// Sends the request `build(reply_port<R>)` to `target` without waiting; when the reply
/// arrives within `timeout`, casts `map(reply)` to `forward_to`. Nothing is forwarded if the
/// call times out or `target` drops the request (ractor's `call_and_forward`).
template <class Msg, class Build, class ForwardMsg, class Map>
void call_and_forward(const actor_ref<Msg>& target, Build build, const actor_ref<ForwardMsg>& forward_to, Map map,
                      duration timeout) {
    using R = typename detail::reply_type_of<Build>::type;
    auto slot = std::make_shared<detail::reply_slot<R>>();
    // The timeout abandons the slot; completing first cancels the timeout.
    auto expiry = std::make_shared<timer_handle>(
        detail::start_once(*target.cell(), timeout, [slot] { slot->abandon(); }));
    slot->on_complete = [raw = slot.get(), expiry, forward_to, map = std::move(map)]() mutable {
        expiry->cancel();
        if (raw->state.load(std::memory_order_acquire) == detail::reply_slot_base::done) {
            forward_to.cast(map(std::move(*raw->value)));
        }
    };
    target.cast(build(reply_port<R>(std::move(slot))));
}

}  // namespace ractor
