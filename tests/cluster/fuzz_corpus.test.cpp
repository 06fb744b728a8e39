// Every input of the wire fuzzer's corpus and every crash it ever found, replayed in the
// normal build: a regression of the decoder or the handshake machine fails here, not only
// under libFuzzer.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/wire_fuzz.hpp"
#include "support/test_paths.hpp"

TEST_CASE("the wire fuzzer's corpus and regressions run clean", "[cluster][fuzz]") {
    std::size_t inputs = 0;
    for (const std::string& dir : {ractor::test_paths::fuzz_dir() + "/corpus", ractor::test_paths::fuzz_dir() + "/regressions"}) {
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            std::ifstream in(entry.path(), std::ios::binary);
            const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            INFO(entry.path().string());
            ractor::fuzz::feed_wire(bytes);  // traps on a broken invariant
            ++inputs;
        }
    }
    CHECK(inputs >= 13);
}
