// The HTML spacetime diagram renders in a real browser: headless Chromium takes a
// screenshot of a failing bank run. Skipped, with a notice, where chromium is not installed.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <ractor/sim/example_programs.hpp>
#include <ractor/sim/run_program.hpp>
#include <ractor/sim/trace_export.hpp>

namespace sim = ractor::sim;
namespace fs = std::filesystem;

TEST_CASE("export: the HTML diagram renders in headless Chromium", "[sim][export]") {
    if (std::system("command -v chromium >/dev/null 2>&1") != 0) {
        WARN("chromium is not installed: render check skipped (apt-get install chromium)");
        SUCCEED("skipped");
        return;
    }
    const fs::path dir = fs::temp_directory_path() / ("ractor-render-" + std::to_string(::getpid()));
    fs::create_directories(dir / "profile");
    const fs::path page = dir / "bank.html";
    const fs::path shot = dir / "bank.png";
    sim::run_options o;
    o.strategy = sim::strategy_kind::pct;
    o.depth = 2;
    o.seed = 20;
    const auto r = sim::run_program(sim::find_example_program("bank")->body, o);
    {
        std::ofstream out(page);
        sim::write_trace(out, sim::trace_format::html, r, "bank");
    }
    const std::string command =
        "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
        "--disable-component-update --disable-sync --no-first-run --user-data-dir='" +
        (dir / "profile").string() + "' --screenshot='" + shot.string() +
        "' --window-size=1200,800 'file://" + page.string() + "' >/dev/null 2>&1";
    const int status = std::system(command.c_str());
    INFO(command);
    CHECK(status == 0);
    REQUIRE(fs::exists(shot));
    // A blank 1200x800 page compresses to a few kilobytes; the diagram's lines, marks and
    // labels make the PNG much larger.
    CHECK(fs::file_size(shot) > 30'000);
    std::ifstream png(shot, std::ios::binary);
    char magic[8] = {};
    png.read(magic, 8);
    CHECK(std::string(magic + 1, 3) == "PNG");
    fs::remove_all(dir);
}
