#pragma once
// The backends every conformance test runs on, and the macro that runs a test on each.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ractor/runtime/runtime.hpp>

namespace ractor::testing {

/// One backend under test: hands out node runtimes that live as long as it does.
class test_backend {
public:
    virtual ~test_backend() = default;
    /// A runtime for a new node.
    virtual const runtime& add_node(std::string name) = 0;
    /// What to print when a test fails: the backend and, for the simulator, its seed and
    /// how to replay it.
    virtual std::string describe() const = 0;
    /// The trace hash so far (simulator only; 0 elsewhere).
    virtual std::uint64_t trace_hash() const { return 0; }
    /// Where a node named `node_name` listens: its name on the simulated network, a free
    /// loopback port on TCP.
    virtual std::string listen_address(const std::string& node_name) const = 0;
    /// Cuts the network between nodes `a` and `b` both ways; false if the backend cannot.
    virtual bool partition(std::uint64_t /*a*/, std::uint64_t /*b*/) { return false; }
    /// Heals a partition made by `partition`; false if the backend cannot.
    virtual bool heal(std::uint64_t /*a*/, std::uint64_t /*b*/) { return false; }
};

/// A backend entry: its name (the ctest suffix) and how to make one.
struct backend_entry {
    std::string_view name;
    std::unique_ptr<test_backend> (*make)();
};

/// The backends, as data, in the order the build lists them (RACTOR_TEST_BACKENDS, from
/// tests/CMakeLists.txt): every conformance test runs once per entry.
const std::vector<backend_entry>& backends();

/// Runs `body` on the backend named `name` (a conformance test's registration calls this).
void run_on(std::string_view name, void (*body)(test_backend&));

/// Registers `body` as one Catch2 test case per backend, named "`name` - <backend>" and
/// tagged `tags` plus "[<backend>]", at `file`:`line`; returns true (for a static initialiser).
bool register_conformance(void (*body)(test_backend&), const char* name, const char* tags,
                          const char* file, std::size_t line);

/// The seed simulator tests use: $RACTOR_SEED, or 1.
std::uint64_t test_seed();

}  // namespace ractor::testing

#define RACTOR_CONFORMANCE_CAT2(a, b) a##b
#define RACTOR_CONFORMANCE_CAT(a, b) RACTOR_CONFORMANCE_CAT2(a, b)
#define RACTOR_CONFORMANCE_IMPL(fn, name, tags)                                       \
    static void fn(::ractor::testing::test_backend& backend);                         \
    [[maybe_unused]] static const bool RACTOR_CONFORMANCE_CAT(fn, _registered) =      \
        ::ractor::testing::register_conformance(&fn, name, tags, __FILE__, __LINE__); \
    static void fn([[maybe_unused]] ::ractor::testing::test_backend& backend)

/// Defines a conformance test: its body (with a `backend` in scope) runs on every backend,
/// each as its own Catch2 test case tagged with the backend's name.
#define CONFORMANCE_TEST(name, tags) \
    RACTOR_CONFORMANCE_IMPL(RACTOR_CONFORMANCE_CAT(ractor_conformance_, __LINE__), name, tags)
