// Message delivery on every backend: per-sender FIFO, exactly-once under load.
#include <catch2/catch.hpp>

#include "support/backends.hpp"
#include "support/test_actors.hpp"

using namespace ractor;
using namespace ractor::testing;

namespace {

namespace sink_msg {
struct item { int sender; int seq; };
struct await_total { long long total; reply_port<std::string> port; };  ///< answered with a verdict
}  // namespace sink_msg
using sink_message = std::variant<sink_msg::item, sink_msg::await_total>;

struct sink_state {
    std::vector<int> next_seq;          ///< per sender: the seq expected next
    std::vector<std::vector<bool>> seen;  ///< per sender: which seqs arrived
    long long total = 0;
    long long out_of_order = 0;
    long long duplicates = 0;
    std::optional<sink_msg::await_total> waiting;

    void answer_if_done() {
        if (!waiting || total < waiting->total) return;
        long long missing = 0;
        for (auto& s : seen) for (bool b : s) missing += !b;
        waiting->port.send("total=" + std::to_string(total) + " out_of_order=" + std::to_string(out_of_order) +
                           " duplicates=" + std::to_string(duplicates) + " missing=" + std::to_string(missing));
        waiting.reset();
    }
};

/// Counts items and checks that each sender's sequence numbers arrive in order, once each.
struct sink : actor<sink_message, sink_state, std::pair<int, int>> {
    sink_state pre_start(actor_ref<sink_message>, std::pair<int, int> senders_and_count) {
        sink_state s;
        const auto senders = static_cast<std::size_t>(senders_and_count.first);
        const auto count = static_cast<std::size_t>(senders_and_count.second);
        s.next_seq.assign(senders, 0);
        s.seen.assign(senders, std::vector<bool>(count, false));
        return s;
    }
    void handle(actor_ref<sink_message>, sink_message msg, sink_state& s) {
        std::visit(overloaded{
                       [&](sink_msg::item& it) {
                           ++s.total;
                           const auto sender = static_cast<std::size_t>(it.sender);
                           if (it.seq != s.next_seq[sender]) ++s.out_of_order;
                           s.next_seq[sender] = it.seq + 1;
                           auto&& slot = s.seen[sender][static_cast<std::size_t>(it.seq)];
                           if (slot) ++s.duplicates;
                           slot = true;
                           s.answer_if_done();
                       },
                       [&](sink_msg::await_total& a) {
                           s.waiting = std::move(a);
                           s.answer_if_done();
                       },
                   },
                   msg);
    }
};

/// On any message, sends `count` numbered items to the sink, in `chunks` handler runs.
struct source_args { actor_ref<sink_message> sink; int index; int count; int chunk; };
struct source : actor<int, source_args, source_args> {
    source_args pre_start(actor_ref<int>, source_args a) { return a; }
    void handle(actor_ref<int> self, int from, source_args& a) {
        const int to = std::min(a.count, from + a.chunk);
        for (int seq = from; seq < to; ++seq) a.sink.cast(sink_msg::item{a.index, seq});
        if (to < a.count) self.cast(to);  // yield between chunks so senders interleave
    }
};

std::string run_fan_in(test_backend& backend, int senders, int per_sender, int chunk) {
    actor_system sys(backend.add_node("n1"));
    auto s = sys.spawn(sink{}, {senders, per_sender});
    std::vector<actor_ref<int>> sources;
    for (int i = 0; i < senders; ++i) sources.push_back(sys.spawn(source{}, {s, i, per_sender, chunk}));
    for (auto& src : sources) src.cast(0);
    const long long total = static_cast<long long>(senders) * per_sender;
    return s.call([total](reply_port<std::string> p) { return sink_message{sink_msg::await_total{total, std::move(p)}}; })
        .value();
}

}  // namespace

CONFORMANCE_TEST("per-sender FIFO holds under many senders", "[messaging]") {
    CHECK(run_fan_in(backend, 16, 2000, 7) ==
          "total=32000 out_of_order=0 duplicates=0 missing=0");
}

CONFORMANCE_TEST("1,000,000 messages from 4 senders all arrive exactly once", "[messaging]") {
    CHECK(run_fan_in(backend, 4, 250000, 1000) ==
          "total=1000000 out_of_order=0 duplicates=0 missing=0");
}

CONFORMANCE_TEST("casts from outside any actor keep their order", "[messaging]") {
    actor_system sys(backend.add_node("n1"));
    auto s = sys.spawn(sink{}, {1, 5000});
    for (int seq = 0; seq < 5000; ++seq) s.cast(sink_msg::item{0, seq});
    auto verdict = s.call([](reply_port<std::string> p) { return sink_message{sink_msg::await_total{5000, std::move(p)}}; });
    CHECK(verdict.value() == "total=5000 out_of_order=0 duplicates=0 missing=0");
}
