// Assertion sites on every backend: they never change what actors do, they reach the
// runtime's assertion role when it has one, and only the simulator gives it one.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>

#include <ractor/ractor.hpp>

#include "support/backends.hpp"

using namespace ractor;
using namespace ractor::testing;
using namespace std::chrono_literals;

namespace {

struct ask {
    int n;
    reply_port<int> port;
};

/// Replies with twice its argument, passing two sites on the way.
struct asserting_doubler : actor<ask> {
    void handle(actor_ref<ask>, ask m, std::monostate&) {
        RACTOR_ALWAYS(m.n > 0, "test.conformance.positive");
        RACTOR_TRACK_MAX(m.n, "test.conformance.largest");
        m.port.send(2 * m.n);
    }
};

/// Counts what reaches it (from any worker thread on asio).
class counting_recorder final : public assertion_recorder {
public:
    void record(const assertion_site&, bool holds, std::int64_t) override {
        hits.fetch_add(1);
        held.fetch_add(holds ? 1 : 0);
    }
    std::atomic<int> hits{0};
    std::atomic<int> held{0};
};

/// The replies of the doubler to 1, 2 and 3 on `rt`.
std::vector<int> replies_on(const runtime& rt) {
    actor_system sys(rt);
    auto d = sys.spawn(asserting_doubler{});
    std::vector<int> out;
    for (int n = 1; n <= 3; ++n) {
        out.push_back(d.call([n](reply_port<int> p) { return ask{n, std::move(p)}; }, 10s).value());
    }
    return out;
}

}  // namespace

CONFORMANCE_TEST(
    "assertion sites record only where the runtime has a recorder, and change no behaviour",
    "[assertions]") {
    const runtime& rt = backend.add_node("n1");
    // The simulator records every run's hits; asio has no recorder, so its sites are inert.
    CHECK((rt.assertions != nullptr) == backend.describe().starts_with("backend sim"));
    const std::vector<int> plain = replies_on(rt);
    CHECK(plain == std::vector<int>{2, 4, 6});

    // The same code with a recorder of our own in the same backend's runtime: the sites
    // reach it (2 per call) and the replies are the same.
    counting_recorder counter;
    runtime recorded = rt;
    recorded.assertions = &counter;
    CHECK(replies_on(recorded) == plain);
    CHECK(counter.hits.load() == 6);
    CHECK(counter.held.load() == 6);
}
