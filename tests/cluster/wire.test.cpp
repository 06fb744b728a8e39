// The frame codec: layout, round trips, and every kind of bad input rejected with an error.
#include <catch2/catch.hpp>

#include <ractor/cluster/bounded_msgpack.hpp>
#include <ractor/cluster/handshake.hpp>
#include <ractor/cluster/wire.hpp>

using namespace ractor;
using namespace ractor::cluster;
using json = nlohmann::json;

namespace {

constexpr std::size_t limit = 4096;

frame_bytes encoded(const frame& f) {
    auto bytes = encode_frame(f, limit);
    REQUIRE(bytes);
    return *bytes;
}

std::string hex(std::span<const std::uint8_t> bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (auto b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

}  // namespace

TEST_CASE("a frame round-trips with its header fields and body", "[cluster][wire]") {
    frame f;
    f.type = frame_type::message;
    f.seq = 0x0102030405060708ULL;
    f.body = json{{"to", 42}, {"type", "echo"}, {"msg", {{"text", "hi"}, {"n", -3}}}, {"bin", json::binary({1, 2, 255})}};
    const frame_bytes bytes = encoded(f);
    REQUIRE(bytes.size() > frame_header_size);
    CHECK(bytes[0] == wire_version);
    CHECK(bytes[1] == static_cast<std::uint8_t>(frame_type::message));
    CHECK(std::vector<std::uint8_t>(bytes.begin() + 2, bytes.begin() + 10) ==
          std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8});
    decoded_frame d = decode_frame(bytes, limit);
    REQUIRE(d.frame);
    CHECK(d.error.empty());
    CHECK(d.frame->type == frame_type::message);
    CHECK(d.frame->seq == f.seq);
    CHECK(d.frame->version == wire_version);
    CHECK(d.frame->body == f.body);
}

TEST_CASE("every frame type round-trips and has a name", "[cluster][wire]") {
    for (int t = static_cast<int>(frame_type::hello); t <= static_cast<int>(frame_type::goodbye); ++t) {
        frame f;
        f.type = static_cast<frame_type>(t);
        f.seq = static_cast<std::uint64_t>(t);
        decoded_frame d = decode_frame(encoded(f), limit);
        REQUIRE(d.frame);
        CHECK(d.frame->type == f.type);
        CHECK(std::string(to_string(f.type)) != "unknown");
    }
    CHECK(std::string(to_string(static_cast<frame_type>(200))) == "unknown");
}

TEST_CASE("encoding refuses oversized frames and bodies that are not maps", "[cluster][wire]") {
    frame big;
    big.body = json{{"blob", std::string(limit, 'x')}};
    CHECK_FALSE(encode_frame(big, limit));
    CHECK(encode_frame(big, 2 * limit));
    frame not_map;
    not_map.body = json::array({1, 2});
    CHECK_FALSE(encode_frame(not_map, limit));
}

TEST_CASE("decoding rejects truncated, oversized, malformed and unknown frames", "[cluster][wire]") {
    frame f;
    f.type = frame_type::lookup;
    f.body = json{{"tag", 7}, {"name", "server"}};
    const frame_bytes good = encoded(f);

    SECTION("shorter than the header") {
        for (std::size_t n = 0; n < frame_header_size; ++n) {
            decoded_frame d = decode_frame(std::span(good.data(), n), limit);
            CHECK_FALSE(d.frame);
            CHECK(d.error.find("truncated") != std::string::npos);
        }
    }
    SECTION("a truncated body") {
        for (std::size_t n = frame_header_size; n < good.size(); ++n) {
            decoded_frame d = decode_frame(std::span(good.data(), n), limit);
            CHECK_FALSE(d.frame);
            CHECK_FALSE(d.error.empty());
        }
    }
    SECTION("trailing bytes after the body") {
        frame_bytes longer = good;
        longer.push_back(0xc0);
        CHECK_FALSE(decode_frame(longer, limit).frame);
    }
    SECTION("garbage") {
        frame_bytes junk(64);
        for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<std::uint8_t>(i * 37 + 11);
        junk[0] = wire_version;
        junk[1] = static_cast<std::uint8_t>(frame_type::message);
        junk[frame_header_size] = 0xc1;  // never used in MessagePack
        decoded_frame d = decode_frame(junk, limit);
        CHECK_FALSE(d.frame);
        CHECK(d.error.find("malformed") != std::string::npos);
    }
    SECTION("an oversized frame") {
        frame_bytes huge(limit + 1, 0);
        decoded_frame d = decode_frame(huge, limit);
        CHECK_FALSE(d.frame);
        CHECK(d.error.find("exceeds") != std::string::npos);
    }
    SECTION("an unknown version") {
        for (std::uint8_t v : {std::uint8_t{0}, std::uint8_t(wire_version + 1), std::uint8_t{255}}) {
            frame_bytes bad = good;
            bad[0] = v;
            decoded_frame d = decode_frame(bad, limit);
            CHECK_FALSE(d.frame);
            CHECK(d.error.find("version") != std::string::npos);
        }
    }
    SECTION("an unknown type") {
        for (std::uint8_t t : {std::uint8_t{0}, std::uint8_t{20}, std::uint8_t{255}}) {
            frame_bytes bad = good;
            bad[1] = t;
            decoded_frame d = decode_frame(bad, limit);
            CHECK_FALSE(d.frame);
            CHECK(d.error.find("unknown frame type") != std::string::npos);
        }
    }
    SECTION("nesting deeper than the limit, before the parser recurses") {
        // 4,000 nested one-element arrays in ~4 KB: v1 overflowed the fiber stack here.
        for (std::size_t depth : {max_body_depth + 1, std::size_t{4000}, std::size_t{200000}}) {
            frame_bytes deep(good.begin(), good.begin() + frame_header_size);
            deep.push_back(0x81);  // a map of one entry
            deep.push_back(0xa1);
            deep.push_back('k');
            for (std::size_t i = 1; i < depth; ++i) deep.push_back(0x91);  // fixarray of 1
            deep.push_back(0xc0);
            decoded_frame d = decode_frame(deep, std::size_t{1} << 20);
            CHECK_FALSE(d.frame);
            CHECK(d.error.find("nesting deeper") != std::string::npos);
        }
        frame_bytes ok(good.begin(), good.begin() + frame_header_size);
        ok.push_back(0x81);
        ok.push_back(0xa1);
        ok.push_back('k');
        for (std::size_t i = 1; i < max_body_depth; ++i) ok.push_back(0x91);
        ok.push_back(0xc0);
        CHECK(decode_frame(ok, limit).frame);  // exactly at the limit is fine
    }
    SECTION("a container that announces more elements than the bytes can hold") {
        frame_bytes lying(good.begin(), good.begin() + frame_header_size);
        for (int b : {0xdf, 0xff, 0xff, 0xff, 0xff})
            lying.push_back(static_cast<std::uint8_t>(b));  // map32 of 2^32-1 entries
        decoded_frame d = decode_frame(lying, limit);
        CHECK_FALSE(d.frame);
        CHECK(d.error.find("announces") != std::string::npos);
    }
    SECTION("a body that is not a map") {
        frame_bytes bad(good.begin(), good.begin() + frame_header_size);
        json::to_msgpack(json(5), bad);
        decoded_frame d = decode_frame(bad, limit);
        CHECK_FALSE(d.frame);
        CHECK(d.error.find("not a map") != std::string::npos);
    }
}

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2", "[cluster][wire]") {
    const std::string key = "Jefe";
    const std::string data = "what do ya want for nothing?";
    const auto mac = hmac_sha256({reinterpret_cast<const std::uint8_t*>(key.data()), key.size()},
                                 {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
    CHECK(hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
