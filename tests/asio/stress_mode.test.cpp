// The stress mode's environment values are parsed strictly: whole numbers in range or a
// clear error naming the variable.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "support/stress.hpp"

using ractor::testing::parse_stress_count;

TEST_CASE("stress counts: whole numbers in range are accepted", "[asio][stress]") {
    CHECK(parse_stress_count("RACTOR_STRESS_REPEAT", "1", 1, 100) == 1);
    CHECK(parse_stress_count("RACTOR_STRESS_REPEAT", "100", 1, 100) == 100);
    CHECK(parse_stress_count("RACTOR_STRESS_HOG", "0", 0, 64) == 0);
    CHECK(parse_stress_count("RACTOR_STRESS_HOG", "007", 0, 64) == 7);
}

TEST_CASE("stress counts: hostile values are refused with the variable's name", "[asio][stress]") {
    const auto refused = [](const std::string& text, const std::string& problem) {
        try {
            parse_stress_count("RACTOR_STRESS_REPEAT", text, 1, 100);
        } catch (const std::invalid_argument& e) {
            const std::string what = e.what();
            INFO(what);
            CHECK(what.find("RACTOR_STRESS_REPEAT") != std::string::npos);
            CHECK(what.find(problem) != std::string::npos);
            return;
        }
        FAIL("accepted '" << text << "'");
    };
    refused("", "empty");
    refused("abc", "not a whole number");
    refused("-1", "not a whole number");
    refused("5x", "not a whole number");
    refused(" 5", "not a whole number");
    refused("0", "out of range");
    refused("101", "out of range");
    refused("99999999999999999999999999999999999999", "out of range");
    refused(std::string(10'000, '9'), "...'");  // the echo of a long value is cut short
}
