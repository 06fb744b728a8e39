// The tools' strict value checks, on their own.
#include <catch2/catch.hpp>

#include <limits>

#include "common/cli_values.hpp"
#include "support/test_paths.hpp"

#ifdef RACTOR_HAVE_SIM_TOOL

using ractor::tool::parse_trace_hash;

TEST_CASE("cli values: trace hashes read as printed, in hex or decimal", "[tools][cli]") {
    CHECK(parse_trace_hash("0x00000000000000ff") == 255u);
    CHECK(parse_trace_hash("0XFFFFFFFFFFFFFFFF") == std::numeric_limits<std::uint64_t>::max());
    CHECK(parse_trace_hash("18446744073709551615") == std::numeric_limits<std::uint64_t>::max());
    CHECK(parse_trace_hash("42") == 42u);
    for (const char* bad : {"", "zz", "0x", "0x1g", "0x12345678901234567", "18446744073709551616", "-1", "+1",
                            " 1", "1 ", "0x-1"}) {
        INFO(bad);
        CHECK_FALSE(parse_trace_hash(bad));
    }
}

TEST_CASE("cli values: counts are digits only and in range, probabilities in [0, 1]", "[tools][cli]") {
    const auto count = ractor::tool::unsigned_integer();
    CHECK(count("0").empty());
    CHECK(count("123").empty());
    CHECK(count("18446744073709551615").empty());
    for (const char* bad : {"-1", "", "1.5", "+3", "1e3", "0x10", "18446744073709551616"}) {
        INFO(bad);
        CHECK_FALSE(count(bad).empty());
    }
    const auto small = ractor::tool::unsigned_integer(64);
    CHECK(small("64").empty());
    CHECK(small("65") == "must be an integer from 0 to 64, not '65'");
    const auto p = ractor::tool::probability();
    CHECK(p("0").empty());
    CHECK(p("0.25").empty());
    CHECK(p("1").empty());
    for (const char* bad : {"nan", "-0.1", "1.01", "inf", "", "0.5x"}) {
        INFO(bad);
        CHECK_FALSE(p(bad).empty());
    }
}

#endif  // RACTOR_HAVE_SIM_TOOL
