// The encoding of remote factory jobs: a round trip, and hostile input refused with the
// field named.
#include <catch2/catch.hpp>

#include <string>

#include <ractor/factory/remote_job_json.hpp>

using json = nlohmann::json;
using remote = ractor::factory::remote_job<std::string, int>;

namespace {

/// The text of what decoding `j` threw, or "" if it did not throw.
std::string refusal(const json& j) {
    try {
        (void)j.get<remote>();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a remote job survives encoding, through MessagePack too", "[factory]") {
    remote r{"user-7", 42, 3, std::chrono::milliseconds(250)};
    const json j = r;
    const remote back = json::from_msgpack(json::to_msgpack(j)).get<remote>();
    CHECK(back.key == "user-7");
    CHECK(back.msg == 42);
    CHECK(back.priority == 3);
    REQUIRE(back.ttl);
    CHECK(*back.ttl == std::chrono::milliseconds(250));
    const remote no_ttl = json(remote{"k", 1}).get<remote>();
    CHECK_FALSE(no_ttl.ttl);
}

TEST_CASE("hostile remote jobs are refused with the field named", "[factory]") {
    const json good = remote{"k", 1, 0, std::chrono::seconds(1)};
    auto with = [&](const char* field, json value) {
        json j = good;
        j[field] = std::move(value);
        return j;
    };
    auto without = [&](const char* field) {
        json j = good;
        j.erase(field);
        return j;
    };
    CHECK(refusal(json::array({1, 2})) == "remote job: not an object");
    CHECK(refusal(without("priority")) == "remote job: no priority");
    CHECK(refusal(without("key")) == "remote job: no key");
    CHECK(refusal(without("msg")) == "remote job: no msg");
    CHECK(refusal(with("priority", 256)) == "remote job: priority out of range 0..255");
    CHECK(refusal(with("priority", -1)) == "remote job: priority out of range 0..255");
    CHECK(refusal(with("priority", 1.5)) == "remote job: priority is not an integer");
    CHECK(refusal(with("priority", "high")) == "remote job: priority is not an integer");
    CHECK(refusal(with("ttl_ns", -5)).find("ttl_ns out of range") != std::string::npos);
    CHECK(refusal(with("ttl_ns", std::uint64_t{1} << 63)).find("ttl_ns out of range") != std::string::npos);
    CHECK_FALSE(refusal(with("key", 12)).empty());  // the key's own decoder refuses a number
    CHECK(refusal(good).empty());
}
