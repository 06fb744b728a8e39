// A depth- and size-checking SAX layer in front of nlohmann_json's DOM builder.
#include <ractor/cluster/bounded_msgpack.hpp>

namespace ractor::cluster {

namespace {

using json = nlohmann::json;

/// Forwards SAX events to nlohmann's DOM builder, stopping the parse (by returning false,
/// which the binary reader honours before it recurses) at the first limit crossed.
class bounded_sax {
public:
    bounded_sax(json& out, std::size_t max_depth, std::size_t input_size)
        : dom_(out, /*allow_exceptions=*/false), max_depth_(max_depth), input_size_(input_size) {}

    bool null() { return dom_.null(); }
    bool boolean(bool v) { return dom_.boolean(v); }
    bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
    bool number_float(json::number_float_t v, const json::string_t& s) { return dom_.number_float(v, s); }
    bool string(json::string_t& v) { return dom_.string(v); }
    bool binary(json::binary_t& v) { return dom_.binary(v); }
    bool key(json::string_t& v) { return dom_.key(v); }
    bool start_object(std::size_t n) { return enter(n, 2) && dom_.start_object(n); }
    bool end_object() { return leave() && dom_.end_object(); }
    bool start_array(std::size_t n) { return enter(n, 1) && dom_.start_array(n); }
    bool end_array() { return leave() && dom_.end_array(); }
    bool parse_error(std::size_t pos, const std::string& token, const nlohmann::detail::exception& e) {
        if (error_.empty()) error_ = e.what();
        return dom_.parse_error(pos, token, e);
    }

    const std::string& error() const noexcept { return error_; }

private:
    /// Each element takes at least `bytes_each` bytes, so a count above what the input could
    /// hold is a lie told to make the parser loop or allocate.
    bool enter(std::size_t count, std::size_t bytes_each) {
        if (++depth_ > max_depth_) return fail("nesting deeper than " + std::to_string(max_depth_) + " levels");
        if (count != static_cast<std::size_t>(-1) && count > input_size_ / bytes_each) {
            return fail("a container announces " + std::to_string(count) + " elements in " +
                        std::to_string(input_size_) + " bytes");
        }
        return true;
    }
    bool leave() {
        --depth_;
        return true;
    }
    bool fail(std::string why) {
        if (error_.empty()) error_ = std::move(why);
        return false;
    }

    nlohmann::detail::json_sax_dom_parser<json> dom_;
    const std::size_t max_depth_;
    const std::size_t input_size_;
    std::size_t depth_ = 0;
    std::string error_;
};

}  // namespace

parsed_msgpack parse_msgpack(std::span<const std::uint8_t> bytes, std::size_t max_depth) {
    parsed_msgpack out;
    if (bytes.empty()) {
        out.error = "empty MessagePack value";
        return out;
    }
    bounded_sax sax(out.value, max_depth, bytes.size());
    const bool ok = json::sax_parse(bytes.begin(), bytes.end(), &sax, json::input_format_t::msgpack, /*strict=*/true);
    if (!ok) {
        out.error = sax.error().empty() ? std::string("malformed MessagePack") : sax.error();
        out.value = json();
    }
    return out;
}

}  // namespace ractor::cluster
