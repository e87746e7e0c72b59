#!/usr/bin/env bash
# Runs the README's test command with nothing of the repository's surroundings visible: a
# `shared/` folder beside the repository (reference material some checkouts have, a user's plain
# clone never) is hidden behind an empty read-only tmpfs in a private mount namespace, so a test
# that reads outside the repository fails here as it would for a user.
#
# Usage: scripts/test-isolated.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

test_command=(cargo test --workspace --locked "$@")
# Reference material some checkouts have beside the repository; a user's plain clone never.
beside="$(cd .. && pwd)/shared"

# A static check first: no source, manifest or script names the folder beside the repository.
if git grep -n -E '\.\./(\.\./)?shared' -- '*.rs' '*.toml' '.ci/*' 'scripts/*' \
    | grep -v -E '^[^:]+:[0-9]+:\s*(//|#)'; then
    echo "error: the lines above reach $beside, which a plain clone does not have; vendor what they need under vendor/" >&2
    exit 1
fi

if [ ! -e "$beside" ]; then
    exec "${test_command[@]}"
fi
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
    exec unshare --mount -- bash -c \
        'mount --make-rprivate / && mount -t tmpfs -o ro,size=1m azfn-hidden "$0" && exec "$@"' \
        "$beside" "${test_command[@]}"
fi
if [ "${CI:-}" = true ]; then
    echo "error: $beside exists and cannot be hidden (needs root and unshare); the tests must run without it" >&2
    exit 1
fi
echo "warning: $beside exists and cannot be hidden without root; running the tests with it visible" >&2
exec "${test_command[@]}"
