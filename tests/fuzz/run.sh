#!/usr/bin/env bash
# Builds the wire fuzzer with clang's libFuzzer (ASan + UBSan) and runs it on the committed
# corpus for a bounded time. Usage: tests/fuzz/run.sh [SECONDS] (default 60).
# New interesting inputs go to build/fuzz/corpus (the committed corpus stays as it is); a
# crash input is written to build/fuzz/ and should be copied into tests/fuzz/regressions/,
# which the regression test (cluster.fuzz_corpus) replays in every build.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:-60}
out="$root/build/fuzz"
mkdir -p "$out/corpus"
sources=(
  cluster/src/bounded_msgpack.cpp cluster/src/fields.cpp cluster/src/handshake.cpp
  cluster/src/handshake_machine.cpp cluster/src/wire.cpp
)
flags=(-std=c++20 -O1 -g -I"$root/cluster/include" -I"$root/cluster/src" -I"$root/api/include")
cd "$root"
clang++ "${flags[@]}" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  tests/fuzz/wire_fuzz_main.cpp tests/fuzz/wire_fuzz.cpp "${sources[@]}" -lcrypto -o "$out/wire_fuzz"
if [[ -z "$(ls -A tests/fuzz/corpus 2>/dev/null)" ]]; then
  clang++ "${flags[@]}" tests/fuzz/make_seeds.cpp "${sources[@]}" -lcrypto -o "$out/make_seeds"
  mkdir -p tests/fuzz/corpus
  "$out/make_seeds" tests/fuzz/corpus
fi
# -rss_limit_mb and -timeout turn a memory blow-up or a hang into a finding.
"$out/wire_fuzz" "$out/corpus" tests/fuzz/corpus tests/fuzz/regressions \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
  -artifact_prefix="$out/" -print_final_stats=1 2>&1 | tail -n 25
