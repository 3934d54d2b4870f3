#!/usr/bin/env bash
# Does a change keep cptlint's output byte-identical? Builds BASE (a commit, default HEAD) in a throw-away
# worktree, runs both builds with --format json on the same inputs, and compares the outputs.
#
# usage: bench/same-output.sh [BASE] [EXTRA_INPUT...]
#   inputs: ../shared/corpus/all.mbox (with --jobs 1, --jobs 2 and --include-context), the seed mbox
#   (../shared/seed) and every file in patches/, plus any EXTRA_INPUT (e.g. a kernel-sweep mbox).
# Exits 0 when every output is identical, 1 when one differs (the first lines of the diff are printed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
base=${1:-HEAD}
shift || true
extra=("$@")

work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add --detach -q "$work/base" "$base"
if cmp -s "$root/package-lock.json" "$work/base/package-lock.json"; then
  ln -s "$root/node_modules" "$work/base/node_modules"
else
  (cd "$work/base" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi
(cd "$work/base" && npx tsc -p tsconfig.build.json)
npx tsc -p tsconfig.build.json

inputs=()
corpus=../shared/corpus/all.mbox
[ -f "$corpus" ] && inputs+=("$corpus")
for f in ../shared/seed/*.mbox patches/*; do [ -f "$f" ] && inputs+=("$f"); done
inputs+=("${extra[@]}")

status=0
run() { # name, args...
  local name=$1; shift
  (cd "$work/base" && node dist/src/cli.js --format json --fail-level none "$@") >"$work/base.out" 2>"$work/base.err" || true
  node dist/src/cli.js --format json --fail-level none "$@" >"$work/new.out" 2>"$work/new.err" || true
  # The JSON names the tool's version and nothing else that differs between two checkouts.
  if cmp -s "$work/base.out" "$work/new.out" && cmp -s "$work/base.err" "$work/new.err"; then
    echo "same      $name"
  else
    echo "DIFFERENT $name"
    diff <(cat "$work/base.out" "$work/base.err") <(cat "$work/new.out" "$work/new.err") | head -20 || true
    status=1
  fi
}

for input in "${inputs[@]}"; do
  abs=$(cd "$(dirname "$input")" && pwd)/$(basename "$input")
  run "$input" --jobs 1 "$abs"
done
if [ -f "$corpus" ]; then
  abs=$(cd "$(dirname "$corpus")" && pwd)/$(basename "$corpus")
  run "$corpus --jobs 2" --jobs 2 "$abs"
  run "$corpus --include-context" --jobs 1 --include-context "$abs"
fi
exit $status
