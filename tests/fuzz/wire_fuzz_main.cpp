// The libFuzzer entry point of the wire fuzzer.
#include <cstddef>
#include <cstdint>

#include "wire_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ractor::fuzz::feed_wire({data, size});
    return 0;
}
