#!/usr/bin/env bash
# Measures what each hand-written fast path of the runtime buys end to end: builds
# examples/hello and examples/forwarded from a scratch copy of this checkout with the fast path
# replaced by the plain serde_json / hyper version (bench/fast-paths/<name>.patch), and runs
# `azfn-bench pinned` with that build as the baseline (`--bare`) and this checkout's build as the
# app, in payload and in forwarding mode. A ratio above 1 is what the fast path buys; one that
# buys less than 3 % is to go (BENCHMARKS.md, "Fast paths").
#
# Usage: scripts/fast-paths.sh [PATCH-NAME...] [-- azfn-bench pinned options]
#   default: every bench/fast-paths/*.patch, `--runs 3 --seconds 8 --cold-runs 0`
# The servers run on CPU 0 and the load generator on CPU 1 (taskset).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
names=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do names+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
opts=("$@")
[ ${#opts[@]} -gt 0 ] || opts=(--runs 3 --seconds 8 --cold-runs 0)
if [ ${#names[@]} -eq 0 ]; then
  for p in bench/fast-paths/*.patch; do names+=("$(basename "$p" .patch)"); done
fi

cargo build --release --locked -p azfn-bench -p example-hello -p example-forwarded
work=$root/target/fast-paths
export CARGO_TARGET_DIR=$work/target
for name in "${names[@]}"; do
  patch_file=bench/fast-paths/$name.patch
  [ -f "$patch_file" ] || { echo "fast-paths.sh: no $patch_file" >&2; exit 2; }
  src=$work/$name
  rm -rf "$src"
  mkdir -p "$src"
  # The checkout's files with their times kept, so that only what the patch touches rebuilds.
  git ls-files -z | xargs -0 cp -p --parents -t "$src"
  if ! patch -s -p1 -d "$src" <"$patch_file"; then
    echo "fast-paths.sh: $patch_file no longer applies to this checkout: update it" >&2
    exit 1
  fi
  cargo build --release --locked --manifest-path "$src/Cargo.toml" -p example-hello -p example-forwarded
  mkdir -p "$work/bin/$name"
  cp "$CARGO_TARGET_DIR/release/example-hello" "$CARGO_TARGET_DIR/release/example-forwarded" "$work/bin/$name/"
done
for name in "${names[@]}"; do
  for mode in payload forwarding; do
    app=example-hello
    [ $mode = forwarding ] && app=example-forwarded
    echo "== $name, $mode mode: --bare is the plain version, --app this checkout"
    taskset -c 1 target/release/azfn-bench pinned --labels "$name,azfn" --bare "$work/bin/$name/$app" \
      --app "target/release/$app" --mode $mode "${opts[@]}"
  done
done
