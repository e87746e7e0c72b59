#!/usr/bin/env bash
# The queue fault test at full size: 1,000 orders (40 ms each) in the local host's in-memory
# queue, the handler killed mid-run, then SIGTERM; every order must be processed at least once
# or still queued (and restored at the next start), none poisoned, the printed counts matching.
# CI runs the same test with 50 orders (`cargo test -p azfn-cli --test queues`).
#
# Usage: scripts/fault-queue.sh [number of messages, default 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
AZFN_FAULT_MESSAGES="${1:-1000}" AZFN_FAULT_VERBOSE="${AZFN_FAULT_VERBOSE:-}" \
    cargo test -p azfn-cli --test queues --locked -- a_backlog_survives_a_killed_handler_and_a_stop --nocapture
