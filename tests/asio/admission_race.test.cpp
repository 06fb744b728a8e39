// A send admitted while its target starts draining is handled, even when the drain gets all
// the way to the drain check between the send's admission and its enqueue.
#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string_view>

#include <ractor/ractor.hpp>
#include <ractor/asio_backend/runtime_host.hpp>

#include "asio/asio_test_support.hpp"

using namespace ractor;
using namespace ractor::asio_backend;
using namespace ractor::asio_test;

namespace {

/// Widens the admission window on asio as far as it goes: the next admitted send (on the
/// thread that armed it) runs `in_window`, then waits until the target reached its drain
/// check, before it enqueues. It injects no faults.
class admission_seam final : public fault_injector {
public:
    void arm(std::function<void()> in_window) { in_window_ = std::move(in_window); }
    std::size_t drain_checks() const { return drain_checks_.count(); }

    bool fail_invocation(std::uint64_t, const std::type_info&, std::uint64_t) override { return false; }
    bool buggify(std::string_view) override { return false; }
    void at_sync_point(sync_point where) override {
        if (where == sync_point::drain_check) {
            drain_checks_.add();
        } else if (where == sync_point::admission && in_window_) {
            const std::size_t seen = drain_checks_.count();
            std::exchange(in_window_, nullptr)();
            drain_checks_.wait_for(seen + 1);
        }
    }

private:
    std::function<void()> in_window_;  ///< only touched by the arming thread
    event_count drain_checks_;
};

struct counting : actor<int, std::shared_ptr<std::atomic<int>>, std::shared_ptr<std::atomic<int>>> {
    std::shared_ptr<std::atomic<int>> pre_start(actor_ref<int>, std::shared_ptr<std::atomic<int>> n) { return n; }
    void handle(actor_ref<int>, int, std::shared_ptr<std::atomic<int>>& n) { ++*n; }
};

}  // namespace

TEST_CASE("asio: a send admitted before a drain is handled although the drain checks the mailbox first",
          "[asio][admission]") {
    runtime_host host{host_options{.threads = 2}};
    runtime& base = host.add_node("n1");
    admission_seam seam;
    runtime view = base;
    view.faults = &seam;
    actor_system sys(base);
    for (int round = 0; round < 20; ++round) {
        auto handled = std::make_shared<std::atomic<int>>(0);
        auto target = sys.spawn(counting{}, handled, {.runtime_view = &view});
        seam.arm([&] { target.drain(); });
        const std::size_t checks = seam.drain_checks();
        REQUIRE(target.cast(1) == send_status::ok);
        REQUIRE(target.wait_for(patience));
        // The drain check did run inside the window: the race was really set up.
        CHECK(seam.drain_checks() > checks);
        INFO("round " << round);
        CHECK(handled->load() == 1);  // "nothing already accepted is lost"
        CHECK(target.cast(2) == send_status::stopped);
    }
}
