#pragma once
/// \file
/// A publisher of values to many actors, each with its own message type (ractor's `OutputPort`).

#include <algorithm>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include <ractor/actor_ref.hpp>
#include <ractor/send_status.hpp>

namespace ractor {

/// Names one subscription of an `output_port`, for `unsubscribe`.
enum class subscription_id : std::uint64_t {};

/// Publishes values of type `T` to any number of subscribers. Each subscriber is an actor
/// with a mapping from `T` into its own message type, so unrelated actors can listen to one
/// source without the source knowing their types. A subscription ends when its subscriber
/// stops, or on `unsubscribe`. Values sent from one thread (or one actor) reach each
/// subscriber in the order sent.
template <class T>
class output_port {
public:
    /// Subscribes `to`: every value sent from now on is passed to `map`, and what it returns
    /// is cast to `to`. `map` returns a `Msg` (or something a `Msg` is made from), or a
    /// `std::optional` of one, where `std::nullopt` skips that value for this subscriber.
    template <class Msg, class Map>
    subscription_id subscribe(const actor_ref<Msg>& to, Map map) {
        std::function<bool(const T&)> deliver = [to, m = std::move(map)](const T& value) {
            using mapped = std::invoke_result_t<const Map&, const T&>;
            if constexpr (is_optional<mapped>::value) {
                auto msg = m(value);
                if (!msg) return to.is_alive();
                return to.cast(Msg(std::move(*msg))) != send_status::stopped;
            } else {
                return to.cast(Msg(m(value))) != send_status::stopped;
            }
        };
        std::lock_guard g(mutex_);
        const auto id = static_cast<subscription_id>(++last_id_);
        subscribers_.push_back({id, to, std::move(deliver)});
        return id;
    }

    /// Ends one subscription; false if it had ended already.
    bool unsubscribe(subscription_id id) {
        std::lock_guard g(mutex_);
        return std::erase_if(subscribers_, [&](const subscriber& s) { return s.id == id; }) > 0;
    }

    /// Casts `value`, mapped, to every subscriber; subscribers found stopped are dropped.
    void send(const T& value) {
        std::vector<subscriber> now;
        {
            std::lock_guard g(mutex_);
            now = subscribers_;
        }
        std::vector<subscription_id> gone;
        for (const subscriber& s : now) {
            if (!s.deliver(value)) gone.push_back(s.id);
        }
        if (gone.empty()) return;
        std::lock_guard g(mutex_);
        std::erase_if(subscribers_, [&](const subscriber& s) {
            return std::find(gone.begin(), gone.end(), s.id) != gone.end();
        });
    }

    /// The subscriptions not known to have ended (a stopped subscriber is noticed by the
    /// next `send`, or here).
    std::size_t subscriber_count() const {
        std::lock_guard g(mutex_);
        return static_cast<std::size_t>(
            std::count_if(subscribers_.begin(), subscribers_.end(),
                          [](const subscriber& s) { return s.to.is_alive(); }));
    }

private:
    template <class U>
    struct is_optional : std::false_type {};
    template <class U>
    struct is_optional<std::optional<U>> : std::true_type {};

    struct subscriber {
        subscription_id id;
        any_actor_ref to;
        std::function<bool(const T&)> deliver;  ///< false once the subscriber has stopped
    };

    mutable std::mutex mutex_;  ///< guards the two members below
    std::uint64_t last_id_ = 0;
    std::vector<subscriber> subscribers_;
};

}  // namespace ractor
