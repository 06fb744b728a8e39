#pragma once
// CAF-style expectations over a simulated world's trace, for tests:
//
//     expect<int>(w).from(a).to(b).at(1s);
//
// finds the first message of type `int` that `b` received (from `a`, when named) and checks
// when it was handled. A failure is reported at the line that wrote the expectation.

#include <cstdint>
#include <optional>
#include <source_location>
#include <string>

#include <catch2/catch.hpp>

#include <ractor/actor_id.hpp>
#include <ractor/actor_ref.hpp>
#include <ractor/sim/recorded_event.hpp>
#include <ractor/sim/world.hpp>

namespace ractor::sim::test {

/// Records a failed check at `where` (the test's line, not this header's).
inline void fail_at(const std::source_location& where, const std::string& what) {
    Catch::AssertionHandler handler(
        "expect", Catch::SourceLineInfo(where.file_name(), where.line()), Catch::StringRef(),
        Catch::ResultDisposition::ContinueOnFailure);
    handler.handleMessage(Catch::ResultWas::ExplicitFailure, what);
    handler.complete();
}

/// One expected delivery of a `Msg`; see the file comment.
template <class Msg>
class expectation {
public:
    expectation(const world& w, std::source_location where) : world_(w), where_(where) {}

    /// Only a message sent by `sender`, an actor on the receiver's node, counts.
    template <class Ref>
    expectation& from(const Ref& sender) {
        sender_ = sender.id();
        return *this;
    }

    /// Finds the first message `receiver` handled (from the sender, if named).
    expectation& to(const actor_ref<Msg>& receiver) {
        const actor_id to = receiver.id();
        for (const recorded_event& e : world_.events()) {
            if (e.kind == trace_kind::receive && e.node == to.node && e.actor == to.local &&
                (!sender_ || e.peer == sender_->local)) {
                found_ = &e;
                return *this;
            }
        }
        fail_at(where_, "no message" + (sender_ ? " from " + sender_->to_string() : std::string()) +
                            " received by " + to.to_string() + " in the trace");
        return *this;
    }

    /// The message was handled at virtual time `t`.
    void at(duration t) const {
        if (found_ != nullptr && found_->time_ns != t.count()) {
            fail_at(where_, "received at " + std::to_string(found_->time_ns) + " ns, expected at " +
                                std::to_string(t.count()) + " ns: " + to_string(*found_));
        }
    }

private:
    const world& world_;
    std::source_location where_;
    std::optional<actor_id> sender_;
    const recorded_event* found_ = nullptr;
};

/// Starts an expectation on the trace of `w`.
template <class Msg>
expectation<Msg> expect(const world& w,
                        std::source_location where = std::source_location::current()) {
    return expectation<Msg>(w, where);
}

}  // namespace ractor::sim::test
