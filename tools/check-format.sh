#!/usr/bin/env bash
# Checks that the C++ lines changed since a base commit follow .clang-format (Debian's
# clang-format). Only changed lines are checked, so the tree is never reformatted at once and
# a file edited by two people is judged only on what each one wrote.
# Usage: tools/check-format.sh [BASE] [--fix]
#   BASE defaults to $RACTOR_FORMAT_BASE, else the merge base with main (or origin/main),
#   else, on main itself, the previous commit; uncommitted changes are included.
#   --fix applies clang-format's changes to those lines instead of failing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fix=0
base=${RACTOR_FORMAT_BASE:-}
for arg in "$@"; do
  case $arg in
    --fix) fix=1 ;;
    -*) echo "check-format: unknown option $arg" >&2; exit 2 ;;
    *) base=$arg ;;
  esac
done

format_diff=""
for candidate in clang-format-diff-14 clang-format-diff; do
  if command -v "$candidate" >/dev/null; then
    format_diff=$candidate
    break
  fi
done
if [[ -z $format_diff ]] || ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format and clang-format-diff are needed (Debian: clang-format; tools/setup.sh)" >&2
  exit 2
fi

# The base: given, or where this branch left main; on main itself, the commit before.
if [[ -z $base ]]; then
  for branch in main origin/main; do
    if git rev-parse -q --verify "$branch^{commit}" >/dev/null; then
      base=$(git merge-base HEAD "$branch")
      break
    fi
  done
  if [[ -z $base || $base == "$(git rev-parse HEAD)" ]]; then
    base=$(git rev-parse -q --verify 'HEAD~1^{commit}' || true)
  fi
fi
if [[ -z $base ]]; then
  base=HEAD  # a single commit (a shallow clone): only uncommitted changes are checked
fi
if ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
  echo "check-format: '$base' is not a commit" >&2
  exit 2
fi

paths=(':(glob)**/*.cpp' ':(glob)**/*.hpp' ':(glob)**/*.h')
# Pure deletions (hunks "+N,0") are dropped: they add no text to judge, and clang-format-diff
# would otherwise reformat the untouched line next to them.
drop_deletions='/^@@ .* \+[0-9]+,0 @@/ { skip = 1; next } /^(@@|diff |--- |\+\+\+ )/ { skip = 0 } !skip'
changes=$(git diff -U0 --no-color --diff-filter=AM "$base" -- "${paths[@]}" |
          awk "$drop_deletions" |
          "$format_diff" -p1 -binary clang-format -style=file $( ((fix)) && echo -i) || true)
if ((fix)); then
  echo "check-format: lines changed since ${base:0:12} formatted"
  exit 0
fi
if [[ -n $changes ]]; then
  echo "$changes"
  echo "check-format: lines changed since ${base:0:12} do not follow .clang-format;"
  echo "  tools/check-format.sh ${base:0:12} --fix formats them"
  exit 1
fi
echo "check-format: lines changed since ${base:0:12} follow .clang-format"
