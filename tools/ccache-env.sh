# Sourced by the build scripts (with $root set to the checkout): lets ccache share hits between
# clones in different directories (CI checks out afresh), and keeps the cache in the build tree
# when there is no home directory.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
if [[ -z "${CCACHE_DIR:-}" && -z "${HOME:-}" ]]; then
  export CCACHE_DIR="$root/build/ccache"
fi
