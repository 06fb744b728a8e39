// Traces that name things: spawn events carry an actor's kind, message type and registered
// name; Perfetto tracks and HTML lanes use them; the cluster layer's own actors are grouped
// after the user's and hidden in the HTML unless asked for; long runs draw a window.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include <ractor/cluster/node.hpp>
#include <ractor/ractor.hpp>
#include <ractor/sim/example_programs.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/trace_export.hpp>
#include <ractor/sim/world.hpp>

namespace sim = ractor::sim;
using json = nlohmann::json;

namespace {

using namespace std::chrono_literals;

sim::run_report run(std::string_view name, sim::run_options o = {}) {
    const auto* p = sim::find_example_program(name);
    REQUIRE(p != nullptr);
    return sim::run_program(p->body, o);
}

std::string html(const sim::run_report& r, sim::export_info info) {
    std::ostringstream out;
    sim::write_html(out, r.events, info);
    return out.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

/// Perfetto thread names and sort indices, by track.
struct perfetto_tracks {
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> names;
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> sort_index;
    std::set<std::string> message_slices;
};

perfetto_tracks tracks_of(const sim::run_report& r, std::string_view program) {
    std::ostringstream out;
    sim::write_trace(out, sim::trace_format::perfetto, r, program);
    perfetto_tracks t;
    const json doc = json::parse(out.str());
    for (const auto& e : doc.at("traceEvents")) {
        const auto track = std::make_pair(e.at("pid").get<std::uint64_t>(), e.at("tid").get<std::uint64_t>());
        const std::string name = e.at("name").get<std::string>();
        if (name == "thread_name") t.names[track] = e.at("args").at("name").get<std::string>();
        if (name == "thread_sort_index") t.sort_index[track] = e.at("args").at("sort_index").get<std::uint64_t>();
        if (e.value("cat", std::string()) == "message" && e.at("ph") == "X") t.message_slices.insert(name);
    }
    return t;
}

struct idle : ractor::actor<int> {
    void handle(ractor::actor_ref<int>, int, std::monostate&) {}
};

/// Two cluster nodes that connect, with one user actor each: the run has library actors.
void two_node_cluster(sim::world& w) {
    ractor::actor_system a(w.add_node("a"));
    ractor::actor_system b(w.add_node("b"));
    const auto options = [](std::string name) {
        ractor::cluster::node_options o;
        o.name = name;
        o.cookie = "c";
        o.listen_address = name;
        return o;
    };
    ractor::cluster::node na(a, options("a"));
    ractor::cluster::node nb(b, options("b"));
    auto sleeper = a.spawn(idle{}, {}, {.name = "sleeper"});
    b.spawn(idle{}, {}, {.name = "bystander"});
    na.connect("b");
    for (int i = 0; i < 100 && na.nodes().empty(); ++i) sleeper.wait_for(10ms);
    if (na.nodes().empty()) throw std::runtime_error("the nodes did not connect");
    sleeper.stop();
    na.shutdown();
    nb.shutdown();
}

}  // namespace

TEST_CASE("export names: a spawn event carries the actor's kind, message type and name", "[sim][export]") {
    const auto r = run("ping-pong");
    std::set<std::string> spawns;
    for (const auto& e : r.events) {
        if (e.kind == ractor::trace_kind::spawn) spawns.insert(std::string(e.text));
    }
    CHECK(spawns == std::set<std::string>{
                        "kind=ractor::sim::(anonymous namespace)::player; message=ractor::sim::(anonymous namespace)::ball; name=ping",
                        "kind=ractor::sim::(anonymous namespace)::player; message=ractor::sim::(anonymous namespace)::ball; name=pong"});
}

TEST_CASE("export names: Perfetto tracks and message slices are named", "[sim][export]") {
    const auto pp = tracks_of(run("ping-pong"), "ping-pong");
    CHECK(pp.names.at({1, 1}) == "ping #1");
    CHECK(pp.names.at({1, 2}) == "pong #2");
    CHECK(pp.message_slices.count("send ball to pong #2") == 1);
    CHECK(pp.message_slices.count("receive ball from ping #1") == 1);
    // Without a registered name, a track reads the actor's kind.
    const auto pool = tracks_of(run("worker-pool"), "worker-pool");
    CHECK(pool.names.at({1, 1}) == "supervisor_actor #1");
    CHECK(pool.names.at({1, 2}) == "pool_worker #2");
    for (const auto& [track, name] : pool.names) {
        INFO(name);
        CHECK(name.find("actor " + std::to_string(track.second)) == std::string::npos);
    }
}

TEST_CASE("export names: library actors follow the user's, and the HTML hides them unless asked", "[sim][export]") {
    const sim::run_report r = sim::run_program(two_node_cluster, sim::run_options{});
    REQUIRE(r.passed());
    const auto t = tracks_of(r, "cluster");
    std::size_t library = 0;
    for (const auto& [track, name] : t.names) {
        INFO(name);
        const bool is_library = name.starts_with("[library] ");
        library += is_library;
        // Grouped under their node, after its user actors.
        CHECK((t.sort_index.at(track) >= (std::uint64_t{1} << 40)) == is_library);
    }
    CHECK(library >= 4);  // at least an acceptor and a session per node
    CHECK(t.names.at({1, 1}).starts_with("[library] "));
    const sim::export_info info = sim::export_info_of(r, "cluster");
    const std::string hidden = html(r, info);
    CHECK(hidden.find(">sleeper #") != std::string::npos);
    CHECK(hidden.find(">bystander #") != std::string::npos);
    CHECK(hidden.find(" library actors (cluster sessions, proxies, acceptor, agent) hidden") != std::string::npos);
    sim::export_info all = info;
    all.show_library_actors = true;
    const std::string shown = html(r, all);
    CHECK(shown.find("library actors (cluster") == std::string::npos);
    CHECK(count(shown, "class=\"lane\"") >= count(hidden, "class=\"lane\"") + library);
}

TEST_CASE("export names: a long run's HTML draws a window, by default the one with the failure", "[sim][export]") {
    sim::run_options o;
    o.max_steps = 20'000;
    const auto r = run("livelock", o);
    REQUIRE(r.outcome == sim::run_outcome::step_budget);
    REQUIRE(r.failure_at > 10'000);
    const sim::export_info info = sim::export_info_of(r, "livelock");
    const std::string page = html(r, info);
    // The failure is beyond the first 6,000 events, and still drawn.
    CHECK(page.find("failure raised") != std::string::npos);
    CHECK(page.find("events #" + std::to_string(r.failure_at - 5000) + " to #") != std::string::npos);
    sim::export_info from = info;
    from.first_event = 100;
    const std::string early = html(r, from);
    CHECK(early.find("events #100 to #") != std::string::npos);
    CHECK(early.find("<title>#100 ") != std::string::npos);
    CHECK(early.find("<title>#99 ") == std::string::npos);
    CHECK(early.find("failure raised") == std::string::npos);
}
