#include "cli_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace ractor::tool {
namespace {

bool all_digits(std::string_view s, int base) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [base](char c) {
        const auto u = static_cast<unsigned char>(c);
        return base == 16 ? std::isxdigit(u) != 0 : std::isdigit(u) != 0;
    });
}

/// `text` read whole in `base`, or empty if it has other characters or overflows.
std::optional<std::uint64_t> read_whole(std::string_view text, int base) {
    if (!all_digits(text, base)) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return v;
}

}  // namespace

CLI::Validator unsigned_integer(std::uint64_t max) {
    return CLI::Validator(
        [max](const std::string& s) -> std::string {
            const auto v = read_whole(s, 10);
            return v && *v <= max ? ""
                                  : "must be an integer from 0 to " + std::to_string(max) + ", not '" + s + "'";
        },
        "");
}

CLI::Validator probability() {
    return CLI::Validator(
        [](const std::string& s) -> std::string {
            double v = 0;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            const bool whole = ec == std::errc{} && end == s.data() + s.size();
            return whole && v >= 0.0 && v <= 1.0 ? "" : "must be a number from 0 to 1, not '" + s + "'";
        },
        "[0,1]");
}

std::optional<std::uint64_t> parse_trace_hash(std::string_view text) {
    if (text.starts_with("0x") || text.starts_with("0X")) {
        text.remove_prefix(2);
        return text.size() <= 16 ? read_whole(text, 16) : std::nullopt;
    }
    return read_whole(text, 10);
}

CLI::Validator trace_hash() {
    return CLI::Validator(
        [](const std::string& s) -> std::string {
            return parse_trace_hash(s) ? ""
                                       : "must be a trace hash such as 0x0123456789abcdef, not '" +
                                             s + "'";
        },
        "HASH");
}

}  // namespace ractor::tool
