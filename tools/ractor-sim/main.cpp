// ractor-sim: the toolkit's command line with the built-in programs and actor kinds.
#include <ractor/tool/builtins.hpp>
#include <ractor/tool/main.hpp>

int main(int argc, char** argv) {
    ractor::tool::registry r;
    ractor::tool::add_builtins(r);
    return ractor::tool::main(argc, argv, r);
}
