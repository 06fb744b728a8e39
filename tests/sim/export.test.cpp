// Trace export: JSON lines, Perfetto trace-event JSON and the HTML spacetime diagram.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include <ractor/sim/example_programs.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/trace_export.hpp>

namespace sim = ractor::sim;
using json = nlohmann::json;

namespace {

sim::run_report run(std::string_view name, std::uint64_t seed = 1) {
    const auto* p = sim::find_example_program(name);
    REQUIRE(p != nullptr);
    sim::run_options o;
    o.seed = seed;
    return sim::run_program(p->body, o);
}

std::string exported(const sim::run_report& r, sim::trace_format f, std::string_view name) {
    std::ostringstream out;
    sim::write_trace(out, f, r, name);
    return out.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

std::size_t events_of_kind(const sim::run_report& r, ractor::trace_kind k) {
    std::size_t n = 0;
    for (const auto& e : r.events) n += e.kind == k ? 1 : 0;
    return n;
}

}  // namespace

TEST_CASE("export: format names", "[sim][export]") {
    CHECK(sim::parse_trace_format("jsonl") == sim::trace_format::jsonl);
    CHECK(sim::parse_trace_format("perfetto") == sim::trace_format::perfetto);
    CHECK(sim::parse_trace_format("html") == sim::trace_format::html);
    CHECK_FALSE(sim::parse_trace_format("svg").has_value());
}

TEST_CASE("export: JSON lines have one object per event in the documented schema", "[sim][export]") {
    const auto r = run("worker-pool");
    std::istringstream in(exported(r, sim::trace_format::jsonl, "worker-pool"));
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        const json j = json::parse(line);
        const auto& e = r.events.at(n);
        REQUIRE(j.size() == 9);
        CHECK(j.at("seq") == n);
        CHECK(j.at("step") == e.step);
        CHECK(j.at("t_ns") == e.time_ns);
        CHECK(j.at("node") == e.node);
        CHECK(j.at("kind") == sim::kind_name(e.kind));
        CHECK(j.at("actor") == e.actor);
        CHECK(j.at("peer") == e.peer);
        CHECK(j.at("value") == e.value);
        CHECK(j.at("text") == e.text);
        ++n;
    }
    CHECK(n == r.events.size());
    CHECK(n > 50);
    // Field order is part of the schema: the first line starts with "seq".
    CHECK(exported(r, sim::trace_format::jsonl, "x").rfind("{\"seq\":0,\"step\":", 0) == 0);
}

TEST_CASE("export: Perfetto JSON is valid trace-event JSON with tracks, flows and markers", "[sim][export]") {
    const auto r = run("worker-pool", 3);
    const json doc = json::parse(exported(r, sim::trace_format::perfetto, "worker-pool"));
    REQUIRE(doc.is_object());
    REQUIRE(doc.contains("traceEvents"));
    const json& events = doc.at("traceEvents");
    REQUIRE(events.is_array());
    CHECK(doc.at("otherData").at("program") == "worker-pool");
    CHECK(doc.at("otherData").at("seed") == 3);

    std::set<std::pair<std::uint64_t, std::uint64_t>> named_threads;
    std::set<std::uint64_t> named_processes;
    std::map<std::uint64_t, int> flow_starts;
    std::map<std::uint64_t, int> flow_ends;
    std::map<std::uint64_t, double> start_ts;
    std::size_t slices = 0;
    std::size_t supervision = 0;
    std::size_t failures = 0;
    double last_ts = -1;
    for (const auto& e : events) {
        REQUIRE(e.is_object());
        REQUIRE(e.contains("ph"));
        REQUIRE(e.contains("pid"));
        REQUIRE(e.contains("tid"));
        REQUIRE(e.contains("ts"));
        REQUIRE(e.at("ts").is_number());
        REQUIRE(e.at("pid").is_number_unsigned());
        REQUIRE(e.at("tid").is_number_unsigned());
        const std::string ph = e.at("ph");
        const auto track = std::make_pair(e.at("pid").get<std::uint64_t>(), e.at("tid").get<std::uint64_t>());
        if (ph == "M") {
            REQUIRE(e.contains("name"));
            if (e.at("name") == "thread_name") named_threads.insert(track);
            if (e.at("name") == "process_name") named_processes.insert(track.first);
            continue;
        }
        // Every drawn event is on a named track, and time never runs backwards.
        CHECK(named_threads.count(track) == 1);
        CHECK(named_processes.count(track.first) == 1);
        CHECK(e.at("ts").get<double>() >= last_ts);
        last_ts = e.at("ts").get<double>();
        REQUIRE(e.contains("name"));
        if (ph == "X") {
            REQUIRE(e.at("dur").is_number());
            CHECK(e.at("dur").get<double>() > 0);
            ++slices;
        } else if (ph == "s") {
            ++flow_starts[e.at("id").get<std::uint64_t>()];
            start_ts[e.at("id").get<std::uint64_t>()] = e.at("ts").get<double>();
        } else if (ph == "f") {
            CHECK(e.at("bp") == "e");
            const auto id = e.at("id").get<std::uint64_t>();
            ++flow_ends[id];
            REQUIRE(start_ts.count(id) == 1);  // the start comes first
            CHECK(e.at("ts").get<double>() >= start_ts[id]);
        } else {
            REQUIRE(ph == "i");
            CHECK(e.at("s") == "t");
            if (e.at("cat") == "supervision") ++supervision;
            if (e.at("cat") == "failure") ++failures;
        }
    }
    // Flows pair up one to one: one per message that was received.
    CHECK(flow_starts.size() == flow_ends.size());
    for (const auto& [id, n] : flow_starts) {
        CHECK(n == 1);
        CHECK(flow_ends[id] == 1);
    }
    const std::size_t receives = events_of_kind(r, ractor::trace_kind::receive);
    CHECK(flow_starts.size() == receives);
    CHECK(slices == receives + events_of_kind(r, ractor::trace_kind::send));
    // Four poison jobs: four failures, and the supervisor hears of each.
    CHECK(failures == 4);
    CHECK(supervision >= 4);
}

TEST_CASE("export: the Perfetto time axis is virtual time, stretched per step on request", "[sim][export]") {
    const auto r = run("ticker");
    sim::export_info info;
    info.program = "ticker";
    info.trace_hash = r.trace_hash;
    info.node_names = r.node_names;
    info.step_width_ns = 0;
    std::ostringstream out;
    sim::write_perfetto(out, r.events, info);
    const json doc = json::parse(out.str());
    double max_ts = 0;
    for (const auto& e : doc.at("traceEvents")) max_ts = std::max(max_ts, e.at("ts").get<double>());
    // Pure virtual time: the last tick is at 10 s = 1e7 microseconds.
    CHECK(max_ts == Approx(1e7).epsilon(1e-6));
    CHECK(doc.at("traceEvents").size() > 1000);
}

TEST_CASE("export: the HTML page holds an SVG spacetime diagram of the run", "[sim][export]") {
    const auto r = run("worker-pool", 2);
    const std::string page = exported(r, sim::trace_format::html, "worker-pool");
    CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(count(page, "<svg ") == 1);
    CHECK(count(page, "</svg>") == 1);
    CHECK(page.find("</html>") != std::string::npos);
    CHECK(page.find("<script") == std::string::npos);  // self-contained and static
    CHECK(page.find("http://") == page.find("http://www.w3.org/2000/svg"));
    // One lane per track, one arrow per received message, a cross per failure.
    std::set<std::pair<std::uint64_t, std::uint64_t>> tracks;
    for (const auto& e : r.events) {
        if (e.kind == ractor::trace_kind::park || e.kind == ractor::trace_kind::wake) continue;
        if (e.kind == ractor::trace_kind::send) tracks.insert({e.node, e.peer});
        else if (e.kind == ractor::trace_kind::timer) tracks.insert({e.node, 0});
        else tracks.insert({e.node, e.actor});
    }
    CHECK(count(page, "class=\"lane\"") == tracks.size());
    CHECK(count(page, "marker-end=\"url(#arrow)\"") == events_of_kind(r, ractor::trace_kind::receive));
    CHECK(count(page, "stroke=\"#c53030\"") == events_of_kind(r, ractor::trace_kind::fail));
    CHECK(page.find("node 1 (pool)") != std::string::npos);
    CHECK(page.find("fail actor=") != std::string::npos);
    CHECK(page.find("text=&quot;poison job 5&quot;") != std::string::npos);
}

TEST_CASE("export: a message dropped by a killed actor is drawn as dropped", "[sim][export]") {
    const auto* p = sim::find_example_program("livelock");
    REQUIRE(p != nullptr);
    sim::run_options o;
    o.max_steps = 50;
    const auto r = sim::run_program(p->body, o);
    REQUIRE(r.outcome == sim::run_outcome::step_budget);
    const std::string page = exported(r, sim::trace_format::html, "livelock");
    const std::size_t sends = events_of_kind(r, ractor::trace_kind::send);
    const std::size_t receives = events_of_kind(r, ractor::trace_kind::receive);
    REQUIRE(sends == receives + 1);  // the ball in flight when the budget ran out
    CHECK(count(page, "class=\"msg dropped\"") == 1);
    CHECK(count(page, "marker-end=\"url(#arrow)\"") == receives);
    CHECK(page.find("step_budget: the step budget of 50 steps") != std::string::npos);
    CHECK(page.find("failure raised") != std::string::npos);
    const json doc = json::parse(exported(r, sim::trace_format::perfetto, "livelock"));
    std::size_t dropped = 0;
    for (const auto& e : doc.at("traceEvents")) {
        if (e.contains("args") && e.at("args").contains("dropped")) ++dropped;
    }
    CHECK(dropped == 1);
}
