#!/usr/bin/env bash
# Soak run: one million invocations through the runtime (the orders example, driven as the
# Functions host drives it) and 100,000 through `cargo azfn start`, sampling RSS and open file
# descriptors; fails on any failed invocation or more than 10% growth after warm-up.
# Loopback only; bounded in count and time (each part stops after --max-seconds, default 900).
#
# Usage: scripts/soak.sh [--quick]   (--quick: 100,000 and 10,000 invocations)
set -euo pipefail
cd "$(dirname "$0")/.."
runtime_n=1000000
local_n=100000
if [ "${1:-}" = "--quick" ]; then
  runtime_n=100000
  local_n=10000
fi
cargo build --release --locked -p azfn-bench -p example-orders -p azfn-cli
# The app folder's host.json names the binary of the last build (the release one now).
target/release/azfn-soak --runtime target/release/example-orders --invocations "$runtime_n"
target/release/azfn-soak --local-host target/release/cargo-azfn --app examples/orders \
  --invocations "$local_n"
