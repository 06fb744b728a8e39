// check_property and RC_PARAMS: max_success is honoured, and a reproduce= replays the
// property it names without stopping the others.
#include <catch2/catch.hpp>

#include <sstream>

#include <ractor/sim/property_check.hpp>

using namespace ractor::sim;

namespace {

/// A property over ints that fails from 50 up, counting its calls and keeping the last int.
auto counted(int* calls, int* last) {
    return [calls, last] {
        ++*calls;
        *last = *rc::gen::inRange(0, 100);
        RC_ASSERT(*last < 50);
    };
}

/// A property that always holds, counting its cases.
auto always(int* calls) {
    return [calls] {
        ++*calls;
        RC_ASSERT(*rc::gen::inRange(0, 10) >= 0);
    };
}

}  // namespace

TEST_CASE("check_property runs its own budget when RC_PARAMS says nothing", "[properties]") {
    int calls = 0;
    std::ostringstream out;
    const auto r = check_property("budget", 13, always(&calls), out, nullptr);
    CHECK(r.passed);
    CHECK(r.cases == 13);
    CHECK(calls == 13);
}

TEST_CASE("RC_PARAMS max_success overrides the property's own budget", "[properties]") {
    for (const int n : {3, 42}) {
        int calls = 0;
        std::ostringstream out;
        const std::string params = "max_success=" + std::to_string(n);
        const auto r = check_property("budget", 13, always(&calls), out, params.c_str());
        CHECK(r.passed);
        CHECK(r.cases == n);
        CHECK(calls == n);
    }
}

TEST_CASE("a reproduce= replays its property once and leaves the others running", "[properties]") {
    int calls = 0;
    int last = 0;
    std::ostringstream out;
    const auto failed = check_property("fails", 200, counted(&calls, &last), out, nullptr);
    REQUIRE(!failed.passed);
    REQUIRE(failed.rc_params.rfind("reproduce=", 0) == 0);

    REQUIRE(last == 50);  // shrunk to the smallest failing int
    int replays = 0;
    last = 0;
    const auto again =
        check_property("fails", 200, counted(&replays, &last), out, failed.rc_params.c_str());
    CHECK(again.reproduced);
    CHECK(!again.passed);
    CHECK(again.cases == 0);  // no new case was drawn
    CHECK(last == 50);  // the shrunk case, drawn again from its recorded choices and shrink path

    int others = 0;
    std::ostringstream note;
    const auto other = check_property("holds", 17, always(&others), note, failed.rc_params.c_str());
    CHECK(!other.reproduced);
    CHECK(other.passed);
    CHECK(other.cases == 17);
    CHECK(others == 17);
    CHECK(note.str().find("reproduces other properties") != std::string::npos);
}

TEST_CASE("a malformed RC_PARAMS is an error that names it", "[properties]") {
    int calls = 0;
    std::ostringstream out;
    CHECK_THROWS_WITH(check_property("budget", 5, always(&calls), out, "max_success=lots"),
                      Catch::Contains("RC_PARAMS: 'max_success'"));
    CHECK(calls == 0);
}
