#pragma once
/// \file
/// The nlohmann_json encoding of `remote_job`, for cluster nodes (needs nlohmann_json).
///
/// `{"key": <Key>, "msg": <Msg>, "priority": 0..255, "ttl_ns": 0..}` (`ttl_ns` only when a
/// ttl is set). Decoding checks every field it owns and throws `std::invalid_argument`
/// naming the field; `Key` and `Msg` decode through their own serializers.

#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include <ractor/factory/remote_job.hpp>

namespace ractor::factory::detail {

/// The largest ttl a remote job may carry: about 146 years, far from overflowing a time point.
inline constexpr std::int64_t max_remote_ttl_ns = std::int64_t{1} << 62;

/// A non-negative integer field of `j` no larger than `max`; throws naming `field` otherwise.
template <class BasicJsonType>
std::int64_t bounded_field(const BasicJsonType& j, const char* field, std::int64_t max) {
    const auto it = j.find(field);
    if (it == j.end()) throw std::invalid_argument(std::string("remote job: no ") + field);
    if (!it->is_number_integer()) throw std::invalid_argument(std::string("remote job: ") + field + " is not an integer");
    const bool negative = it->is_number_unsigned() ? false : it->template get<std::int64_t>() < 0;
    if (negative || it->template get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        throw std::invalid_argument(std::string("remote job: ") + field + " out of range 0.." + std::to_string(max));
    }
    return it->template get<std::int64_t>();
}

}  // namespace ractor::factory::detail

template <class Key, class Msg>
struct nlohmann::adl_serializer<ractor::factory::remote_job<Key, Msg>> {
    template <class BasicJsonType>
    static void to_json(BasicJsonType& j, const ractor::factory::remote_job<Key, Msg>& r) {
        j = BasicJsonType{{"key", r.key}, {"msg", r.msg}, {"priority", r.priority}};
        if (r.ttl) j["ttl_ns"] = r.ttl->count();
    }

    template <class BasicJsonType>
    static ractor::factory::remote_job<Key, Msg> from_json(const BasicJsonType& j) {
        if (!j.is_object()) throw std::invalid_argument("remote job: not an object");
        const auto priority = ractor::factory::detail::bounded_field(j, "priority", 255);
        std::optional<ractor::duration> ttl;
        if (j.contains("ttl_ns")) {
            ttl = ractor::duration(ractor::factory::detail::bounded_field(j, "ttl_ns",
                                                                          ractor::factory::detail::max_remote_ttl_ns));
        }
        if (!j.contains("key")) throw std::invalid_argument("remote job: no key");
        if (!j.contains("msg")) throw std::invalid_argument("remote job: no msg");
        return {j.at("key").template get<Key>(), j.at("msg").template get<Msg>(), static_cast<std::uint8_t>(priority),
                ttl};
    }
};
