#pragma once
/// \file
/// A typed reference to a factory: dispatch jobs, call through it, resize it, drain it.

#include <cstddef>
#include <memory>
#include <utility>

#include <ractor/actor_ref.hpp>
#include <ractor/factory/acceptance.hpp>
#include <ractor/factory/detail/erased_job.hpp>
#include <ractor/factory/factory_message.hpp>
#include <ractor/factory/job.hpp>
#include <ractor/factory/stats.hpp>

namespace ractor::factory {

/// A reference to a factory taking jobs of key `Key` and message `Msg`.
template <class Key, class Msg>
class factory_ref {
public:
    factory_ref() = default;
    explicit factory_ref(actor_ref<factory_message> actor) noexcept : actor_(std::move(actor)) {}

    /// Sends `j` to the factory without waiting; `ok` once queued in its mailbox (the factory
    /// may still discard it, telling its discard handler).
    send_status dispatch(job<Key, Msg> j) const { return actor_.cast(factory_msg::dispatch{erase(std::move(j))}); }

    /// Sends `j` and waits at most `timeout` for the factory to take it (hand it to a worker
    /// or queue it) or discard it: a caller that waits for each acceptance cannot outrun
    /// the factory (back-pressure).
    call_result<acceptance> dispatch_acknowledged(job<Key, Msg> j, duration timeout) const {
        return actor_.call(
            [&](reply_port<acceptance> port) {
                return factory_message{factory_msg::dispatch{erase(std::move(j)), std::move(port)}};
            },
            timeout);
    }

    /// Dispatches a job with `key` whose message `build(reply_port<R>)` carries the reply
    /// port, and waits at most `timeout` for the worker's reply (ractor's `call` through a
    /// factory). A discarded job's port is dropped: the caller gets a sender error at once.
    template <class Build>
    auto call_job(Key key, Build&& build, duration timeout, job_options options = {}) const {
        using R = typename ractor::detail::reply_type_of<Build>::type;
        return actor_.call(
            [&](reply_port<R> port) {
                return factory_message{
                    factory_msg::dispatch{erase(job<Key, Msg>{std::move(key), build(std::move(port)), options})}};
            },
            timeout);
    }

    /// Grows or shrinks the pool to `workers` (at least one); removed workers finish their
    /// job first, and their backlogs are routed again.
    void resize(std::size_t workers) const { actor_.cast(factory_msg::resize{workers}); }
    /// The factory's counters, or a timeout or sender error.
    call_result<factory_stats> stats(duration timeout) const {
        return actor_.call([](reply_port<factory_stats> p) { return factory_message{factory_msg::get_stats{std::move(p)}}; },
                           timeout);
    }
    /// Finishes queued and running jobs, refusing new ones, then stops the factory.
    void drain() const { actor_.cast(factory_msg::drain{}); }
    /// `drain`, then waits until the factory stopped.
    void drain_and_wait() const {
        drain();
        actor_.wait();
    }

    /// The factory actor (for supervision, `stop`, `wait`, ...).
    const actor_ref<factory_message>& actor() const noexcept { return actor_; }

private:
    static std::unique_ptr<detail::erased_job> erase(job<Key, Msg> j) {
        return std::make_unique<detail::typed_job<Key, Msg>>(std::move(j));
    }

    actor_ref<factory_message> actor_;
};

}  // namespace ractor::factory
