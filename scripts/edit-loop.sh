#!/usr/bin/env bash
# The edit-build loop: change one function body and time the incremental `cargo build` of
# examples/orders (azfn: attribute macros and the azfn-build build script) and of the same
# functions on bare hyper + serde_json (bench/edit-loop/bare-orders), in the same run.
#
# Usage: scripts/edit-loop.sh [--reps N] [--release] [--optimize-build-deps] [--instructions]
#                             [--modules N]
#   --optimize-build-deps: the scratch workspace sets `[profile.dev.build-override]
#   opt-level = 3`, so build scripts and proc macros (and what they use: syn) are optimized
#   --instructions: afterwards, counts the instructions rustc executes to compile each
#   library after the same edit (twice each, under valgrind; needs `valgrind`): a figure that,
#   unlike the times, does not move with the load of a shared machine (the build script and
#   the binary are not counted)
#   --modules N: both crates get N more module files of plain code (about 280 lines each, the
#   same in both), as a larger app has: the build script reads them all, parses the changed
#   ones, and rustc compiles them in both
#
# Both crates are copied into one scratch workspace under target/edit-loop/ (its own target
# folder, built once before timing; the copies depend on this checkout's crates by path). Each
# repetition edits the string literal in the body of `order` in both copies, in alternating
# order, and times `cargo build -p <crate>` for each; the medians and their ratio are printed,
# with how often the build script ran.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
reps=9
profile=()
build_override=""
instructions=""
modules=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --release) profile=(--release); shift ;;
    --optimize-build-deps) build_override=$'\n[profile.dev.build-override]\nopt-level = 3\n'; shift ;;
    --instructions) instructions=1; shift ;;
    --modules) modules=$2; shift 2 ;;
    *) echo "edit-loop.sh: unknown argument $1 (use --reps N, --release, --optimize-build-deps, --instructions, --modules N)" >&2; exit 2 ;;
  esac
done
if [ -n "$instructions" ] && ! command -v valgrind >/dev/null; then
  echo "edit-loop.sh: --instructions needs valgrind: install it (e.g. apt-get install valgrind) or leave the option out" >&2
  exit 2
fi

work=$root/target/edit-loop
ws=$work/ws
mkdir -p "$ws"
# The scratch workspace: this checkout's workspace settings with its path dependencies made
# absolute, and the two crates.
{
  printf '[workspace]\nresolver = "3"\nmembers = ["orders", "bare-orders"]\n\n'
  sed -n '/^\[workspace.package\]/,/^\[profile/p' Cargo.toml | sed '/^\[profile/d' |
    sed "s|path = \"|path = \"$root/|"
  printf '%s' "$build_override"
} >"$ws/Cargo.toml.new"
cmp -s "$ws/Cargo.toml.new" "$ws/Cargo.toml" 2>/dev/null && rm "$ws/Cargo.toml.new" ||
  mv "$ws/Cargo.toml.new" "$ws/Cargo.toml"
[ -f "$ws/Cargo.lock" ] || cp Cargo.lock "$ws/Cargo.lock"
# Copied file by file, and only where the bytes differ: a fresh copy would change every mtime
# and rebuild everything.
copy_tree() { # copy_tree SRC DEST: copy the tree, touching only files whose bytes differ
  (cd "$1" && find . -type f ! -path './target/*' ! -name '*.json') | while read -r f; do
    mkdir -p "$(dirname "$2/$f")"
    cmp -s "$1/$f" "$2/$f" || cp "$1/$f" "$2/$f"
  done
}
copy_tree examples/orders "$ws/orders"
copy_tree bench/edit-loop/bare-orders "$ws/bare-orders"
# --modules: the same plain modules in both crates (only written when their text changes).
plain_module() { # plain_module I: about 280 lines of code that compiles on its own
  printf '//! Plain code (scripts/edit-loop.sh --modules).\n#![allow(dead_code)]\n\n'
  for ((j = 0; j < 40; j++)); do
    printf 'pub fn f%d(x: u64) -> u64 {\n    let mut y = x ^ %d;\n    for i in 0..8u64 {\n' "$j" "$(($1 * 100 + j))"
    printf '        y = y.rotate_left(5).wrapping_add(i * %d);\n    }\n    y\n}\n' "$((j + 1))"
  done
}
for dir in orders bare-orders; do
  for ((i = 0; i < modules; i++)); do
    file=$ws/$dir/src/extra_$i.rs
    plain_module "$i" >"$file.new"
    cmp -s "$file.new" "$file" && rm "$file.new" || mv "$file.new" "$file"
    echo "mod extra_$i;" >>"$ws/$dir/src/lib.rs"
  done
done

export CARGO_TARGET_DIR=$work/target
build() { cargo build --offline "${profile[@]}" --manifest-path "$ws/Cargo.toml" -p "$1" "${@:2}"; }
echo "edit-loop: building both crates once (dependencies included)..." >&2
build example-orders --quiet
build bare-orders --quiet

edit() { # edit CRATE_DIR N: a new string literal in the body of `order`
  sed -i "s/\"Order enqueued[^\"]*\"/\"Order enqueued $2\"/" "$ws/$1/src/lib.rs"
}
now() { date +%s%N; }
declare -A times=([orders]="" [bare-orders]="")
scripts=0
for ((i = 1; i <= reps; i++)); do
  if ((i % 2)); then order=(orders bare-orders); else order=(bare-orders orders); fi
  for dir in "${order[@]}"; do
    crate=$dir
    [ "$dir" = orders ] && crate=example-orders
    edit "$dir" "$i"
    start=$(now)
    out=$(build "$crate" -v 2>&1) || { echo "$out" >&2; exit 1; }
    end=$(now)
    times[$dir]+="$(((end - start) / 1000000)) "
    if [ "$dir" = orders ] && grep -q 'Running `.*example-orders-[0-9a-f]*/build-script-build`' <<<"$out"; then
      scripts=$((scripts + 1))
    fi
  done
done
median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
azfn=$(median <<<"${times[orders]}")
bare=$(median <<<"${times[bare-orders]}")
echo "edit-loop: incremental cargo build${profile:+ ${profile[*]}} after editing the body of \`order\`, $reps repetitions$( ((modules)) && echo ", $modules more module files in each crate")"
echo "  examples/orders (azfn)      median ${azfn} ms   (${times[orders]% }; build script ran $scripts of $reps times)"
echo "  bare-orders (bare hyper)    median ${bare} ms   (${times[bare-orders]% })"
awk -v a="$azfn" -v b="$bare" 'BEGIN { printf "  ratio azfn/bare            %.2f\n", a / b }'

[ -n "$instructions" ] || exit 0
# The library's rustc after the same edit, run under valgrind by a RUSTC_WRAPPER (cargo rebuilds
# nothing for a wrapper): the instructions executed, every codegen thread included.
wrapper=$work/count-rustc
cat >"$wrapper" <<'EOF'
#!/usr/bin/env bash
# RUSTC_WRAPPER of scripts/edit-loop.sh --instructions: the libraries of the two crates are
# compiled under valgrind, which writes its count to $EDIT_LOOP_COUNT.
rustc=$1
shift
case " $* " in
  *" --crate-name example_orders "*"--crate-type lib "* | *" --crate-name bare_orders "*"--crate-type lib "*)
    exec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
      --log-file="$EDIT_LOOP_COUNT" "$rustc" "$@"
    ;;
esac
exec "$rustc" "$@"
EOF
chmod +x "$wrapper"
declare -A counts=([orders]="" [bare-orders]="")
for dir in orders bare-orders; do
  crate=$dir
  [ "$dir" = orders ] && crate=example-orders
  # The first edit is not counted: a literal of another length than the last one recompiles more.
  edit "$dir" a
  build "$crate" --quiet
  for i in b c; do
    edit "$dir" "$i"
    log=$work/count-$dir.log
    rm -f "$log"
    EDIT_LOOP_COUNT=$log RUSTC_WRAPPER=$wrapper build "$crate" --quiet
    count=$(sed -n 's/.*I *refs: *//p' "$log" | tr -d ,)
    [ -n "$count" ] || { echo "edit-loop.sh: valgrind wrote no count to $log" >&2; exit 1; }
    counts[$dir]+="$((count / 1000000)) "
  done
done
azfn=$(median <<<"${counts[orders]}")
bare=$(median <<<"${counts[bare-orders]}")
echo "edit-loop: instructions of the library's rustc after the same edit (valgrind; millions)"
echo "  examples/orders (azfn)      ${counts[orders]% }"
echo "  bare-orders (bare hyper)    ${counts[bare-orders]% }"
awk -v a="$azfn" -v b="$bare" 'BEGIN { printf "  ratio azfn/bare            %.2f\n", a / b }'
