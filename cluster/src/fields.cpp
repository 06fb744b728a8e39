// Strict readers for frame-body fields.
#include "fields.hpp"

namespace ractor::cluster::detail {

namespace {

[[noreturn]] void wrong(std::string_view what, std::string_view expected) {
    throw bad_field("field '" + std::string(what) + "': expected " + std::string(expected));
}

}  // namespace

const nlohmann::json& field(const nlohmann::json& body, std::string_view key) {
    if (!body.is_object()) throw bad_field("frame body is not a map");
    auto it = body.find(key);
    if (it == body.end()) throw bad_field("field '" + std::string(key) + "' is missing");
    return *it;
}

std::uint64_t as_u64(const nlohmann::json& v, std::string_view what) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
    wrong(what, "a non-negative integer");
}

const std::string& as_string(const nlohmann::json& v, std::string_view what, std::size_t max_size) {
    if (!v.is_string()) wrong(what, "a string");
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > max_size) wrong(what, "a string of at most " + std::to_string(max_size) + " bytes");
    return s;
}

std::span<const std::uint8_t> as_bytes(const nlohmann::json& v, std::string_view what, std::size_t size) {
    if (!v.is_binary()) wrong(what, "a byte string");
    const auto& b = v.get_binary();
    if (b.size() != size) wrong(what, "exactly " + std::to_string(size) + " bytes");
    return {b.data(), b.size()};
}

const nlohmann::json& as_array(const nlohmann::json& v, std::string_view what, std::size_t max_count) {
    if (!v.is_array()) wrong(what, "an array");
    if (v.size() > max_count) wrong(what, "at most " + std::to_string(max_count) + " elements");
    return v;
}

bool as_bool(const nlohmann::json& v, std::string_view what) {
    if (!v.is_boolean()) wrong(what, "a boolean");
    return v.get<bool>();
}

}  // namespace ractor::cluster::detail
