#!/usr/bin/env bash
# Builds the benchmark binaries in release mode and compares azfn with a bare hyper server.
# Usage: scripts/bench.sh [--slice-ms N] [--rounds N] [--connections N] [--server-cpu N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p azfn-bench -p example-hello -p example-forwarded
exec target/release/azfn-bench \
  --bare target/release/bare-handler \
  --payload-app target/release/example-hello \
  --forwarding-app target/release/example-forwarded "$@"
