#!/usr/bin/env bash
# Builds the fuzz targets of fuzz/ with libFuzzer on the stable toolchain (no nightly, no
# cargo-fuzz: libfuzzer-sys compiles libFuzzer with the machine's C++ compiler, and rustc's
# SanitizerCoverage pass is enabled by codegen flags) and runs each one for a while.
#
# Usage: scripts/fuzz.sh [--long] [--seconds N] [TARGET...]
#   default       every target, 5 s each (about 30 s of fuzzing, plus the build)
#   --long        10 minutes per target
#   --seconds N   N seconds per target
#   --runs N      at most N inputs per target (with --seed: the same inputs on every run)
#   --seed N      libFuzzer's random seed (default: a new one each run)
#   --build-only  build, do not run
# New inputs go to fuzz/target/corpus/TARGET (the committed seeds in fuzz/corpus/TARGET are
# read, never written); a crash is saved under fuzz/artifacts/TARGET/ and the script fails.
# Reproduce one with `fuzz/target/<host>/release/TARGET fuzz/artifacts/TARGET/crash-...`,
# then turn it into a regression test in the crate it belongs to.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=5
runs=-1
seed=0
build_only=false
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --long) seconds=600 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift ;;
    --runs) runs="${2:?--runs needs a number}"; shift ;;
    --seed) seed="${2:?--seed needs a number}"; shift ;;
    --build-only) build_only=true ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=(payload http_trigger app_json route ncrontab attribute_args)
fi

host=$(rustc -vV | sed -n 's/^host: //p')
# With an explicit --target, RUSTFLAGS reach only the target's code, not build scripts and
# proc-macros (which need no instrumentation).
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
cargo build --release --locked --target "$host" $(printf -- '--bin %s ' "${targets[@]}")
$build_only && exit 0

for t in "${targets[@]}"; do
  mkdir -p "target/corpus/$t" "artifacts/$t"
  echo "fuzz.sh: $t (up to ${seconds}s)"
  "target/$host/release/$t" "target/corpus/$t" "corpus/$t" \
    -max_total_time="$seconds" -runs="$runs" -seed="$seed" -artifact_prefix="artifacts/$t/" -rss_limit_mb=2048 \
    -max_len=4096 -print_final_stats=1 2>"target/$t.log" || {
      tail -n 40 "target/$t.log" >&2
      echo "fuzz.sh: $t failed; the input is in fuzz/artifacts/$t/" >&2
      exit 1
    }
  grep -E '^stat::(number_of_executed_units|new_units_added):' "target/$t.log" | tr '\n' ' '
  echo
done
