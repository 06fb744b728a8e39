#!/usr/bin/env bash
# The layering check: dependencies run one way. Each C++ file under api/, cluster/, sim/ and
# backends/ belongs to a layer, each `#include <ractor/...>` names the layer of the header,
# and a file may include only the layers below its own:
#
#   runtime  api/include/ractor/runtime/    the runtime interface: nothing but itself
#   api      api/ (the rest)                runtime, api
#   cluster  cluster/                       runtime, api, cluster
#   backend_common  backends/common/        nothing of ractor (what both backends share)
#   asio     backends/asio/                 runtime, backend_common, asio, and the leaf utilities below
#   sim      sim/                           runtime, backend_common, sim, and the leaf utilities below
#   toolkit  sim/testing/ (ractor::sim_testing)   runtime, api, cluster, sim, asio (`real`), toolkit
#
# Leaf utilities are api headers that include only the standard library (checked here), so a
# backend using one depends on nothing of the actor layer. Every other backend include of an
# api header is a listed exception with its reason, to be removed when its fix lands.
# A quoted include that climbs out of its directory ("../") is refused everywhere.
# Usage: tools/check-layering.sh. Exits 1 on a violation.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Self-contained api headers (std includes only) the backends may use.
leaf_headers=(ractor/prng.hpp ractor/detail/spinlock.hpp ractor/detail/type_name.hpp
  ractor/detail/exception_text.hpp ractor/assertion_site.hpp)

# Known violations, as "file|include|why". Each needs a change outside this round's reach.
allowed=(
  # The shared queues and the one wait helper live in api/detail and park through the actor
  # cell's park_here (so a kill interrupts a blocked receive); moving park_here behind the
  # runtime interface (a transport reports "interrupted", api turns it into the kill) is
  # still to do.
  "backends/asio/src/tcp_connection.hpp|ractor/detail/frame_queue.hpp|queues park via actor_cell"
  "backends/asio/src/tcp_connection.hpp|ractor/detail/wait_list.hpp|queues park via actor_cell"
  "backends/asio/src/tcp_listener.hpp|ractor/detail/parking_queue.hpp|queues park via actor_cell"
  "backends/asio/src/tcp_transport.cpp|ractor/detail/wait_list.hpp|queues park via actor_cell"
  "sim/src/sim_network.hpp|ractor/detail/frame_queue.hpp|queues park via actor_cell"
  "sim/src/sim_network.hpp|ractor/detail/wait_list.hpp|queues park via actor_cell"
  # The simulator saves the current cell around a fiber switch (current_cell_keeper); the
  # hook leaves api with the same actor_cell.cpp change.
  "sim/src/world_fibers.cpp|ractor/detail/actor_cell.hpp|current_cell_keeper"
  # The world hosts nodes: each simulated node owns an actor system on its runtime, so the
  # host part of the simulator sits above api, like tools and tests that do the same.
  "sim/src/world_core.hpp|ractor/actor_system.hpp|the world hosts one actor system per node"
  "sim/src/sim_node.hpp|ractor/actor_system.hpp|the world hosts one actor system per node"
)

layer_of_file() {
  local file=$1
  case $file in
    api/include/ractor/runtime/*) echo runtime ;;
    api/*) echo api ;;
    cluster/*) echo cluster ;;
    backends/common/*) echo backend_common ;;
    backends/asio/*) echo asio ;;
    sim/testing/*) echo toolkit ;;
    sim/*) echo sim ;;
    *) echo other ;;
  esac
}

layer_of_include() {
  # The toolkit's headers share the ractor/sim/ prefix with the backend's: found by place.
  if [[ -f "sim/testing/include/$1" ]]; then
    echo toolkit
    return
  fi
  case $1 in
    ractor/runtime/*) echo runtime ;;
    ractor/cluster/*) echo cluster ;;
    ractor/sim/*) echo sim ;;
    ractor/asio_backend/*) echo asio ;;
    ractor/backend_common/*) echo backend_common ;;
    *) echo api ;;
  esac
}

may_include() {  # may_include FILE_LAYER INCLUDE_LAYER
  case "$1:$2" in
    runtime:runtime) return 0 ;;
    api:runtime | api:api) return 0 ;;
    cluster:runtime | cluster:api | cluster:cluster) return 0 ;;
    backend_common:backend_common) return 0 ;;
    asio:runtime | asio:backend_common | asio:asio) return 0 ;;
    sim:runtime | sim:backend_common | sim:sim) return 0 ;;
    toolkit:runtime | toolkit:api | toolkit:cluster | toolkit:sim | toolkit:asio | toolkit:toolkit) return 0 ;;
  esac
  return 1
}

is_excepted() {  # is_excepted FILE INCLUDE
  local entry
  for entry in "${allowed[@]}"; do
    [[ "${entry%%|*}" == "$1" && "$(cut -d'|' -f2 <<<"$entry")" == "$2" ]] && return 0
  done
  return 1
}

violations=0
report() {
  echo "$1"
  violations=$((violations + 1))
}

for leaf in "${leaf_headers[@]}"; do
  if grep -nE '#[[:space:]]*include[[:space:]]*("|<[^>]*[./])' "api/include/$leaf" | grep -vE '<[a-z_]+>' ; then
    report "api/include/$leaf: a leaf utility must include only standard headers"
  fi
done

while IFS= read -r file; do
  layer=$(layer_of_file "$file")
  [[ $layer == other ]] && continue
  while IFS=: read -r line include; do
    if [[ $include == \"*../* ]]; then
      report "$file:$line: includes $include, which climbs out of its directory"
      continue
    fi
    [[ $include == \<ractor/* ]] || continue
    include=${include#<}
    include=${include%>}
    target=$(layer_of_include "$include")
    may_include "$layer" "$target" && continue
    [[ ($layer == asio || $layer == sim) && " ${leaf_headers[*]} " == *" $include "* ]] && continue
    is_excepted "$file" "$include" && continue
    report "$file:$line: the $layer layer includes <$include> of the $target layer"
  done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$file" |
             sed -nE 's/^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*([<"][^>"]+[>"]).*/\1:\2/p')
done < <(git ls-files -- 'api/*.[ch]pp' 'cluster/*.[ch]pp' 'sim/*.[ch]pp' 'backends/*.[ch]pp')

# An exception that no longer matches anything is stale: its fix landed, so it must go.
for entry in "${allowed[@]}"; do
  file=${entry%%|*}
  include=$(cut -d'|' -f2 <<<"$entry")
  if [[ ! -f $file ]] || ! grep -qE "#[[:space:]]*include[[:space:]]*<${include//./\\.}>" "$file"; then
    report "tools/check-layering.sh: stale exception '$file -> $include': remove it"
  fi
done

if ((violations != 0)); then
  echo "check-layering: $violations violation(s)"
  exit 1
fi
echo "check-layering: every include runs down the layers"
