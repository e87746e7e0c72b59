#!/usr/bin/env bash
# Azurite (the Azure Storage emulator, npm package `azurite`) for the storage tests and for
# `cargo azfn start --storage azurite`.
#
#   scripts/azurite.sh install   install it once into target/azurite (npm install --prefix)
#   scripts/azurite.sh start     install if needed, start blob + queue services on 127.0.0.1
#                                with a fresh temporary data folder, wait until they answer, and
#                                print the lines below (also written to target/azurite/env):
#                                  AZURITE_BLOB_PORT=10000
#                                  AZURITE_QUEUE_PORT=10001
#                                  AZURITE_PID=1234
#                                  AZURITE_DATA=/tmp/azurite.XXXX
#   scripts/azurite.sh stop      stop the Azurite this script started (by its recorded pid)
#
# Environment: AZURITE_VERSION (default 3.37.0), AZURITE_BLOB_PORT / AZURITE_QUEUE_PORT
# (default 10000 / 10001, Azurite's own defaults), AZURITE_HOME (default target/azurite).
set -euo pipefail
cd "$(dirname "$0")/.."

version="${AZURITE_VERSION:-3.37.0}"
home="${AZURITE_HOME:-$PWD/target/azurite}"
blob_port="${AZURITE_BLOB_PORT:-10000}"
queue_port="${AZURITE_QUEUE_PORT:-10001}"
bin="$home/node_modules/.bin"

install() {
    if [ -x "$bin/azurite-queue" ] && [ -x "$bin/azurite-blob" ] \
        && [ "$(cat "$home/version" 2>/dev/null)" = "$version" ]; then
        return
    fi
    command -v npm >/dev/null || { echo "error: npm is not installed; install Node.js 18 or later" >&2; exit 1; }
    mkdir -p "$home"
    echo "installing azurite@$version into $home" >&2
    npm install --prefix "$home" --no-audit --no-fund --loglevel=error "azurite@$version" >&2
    echo "$version" >"$home/version"
}

answers() {
    # Any HTTP answer counts (Azurite answers 400 or 403 to an unsigned request).
    (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && head -c 12 <&3 | grep -q '^HTTP/') 2>/dev/null
}

start() {
    install
    data="$(mktemp -d "${TMPDIR:-/tmp}/azurite.XXXXXX")"
    # Blob and queue only (no table service); loopback only; no access log on stdout.
    node "$home/node_modules/azurite/dist/src/azurite.js" \
        --silent --skipApiVersionCheck --location "$data" \
        --blobHost 127.0.0.1 --blobPort "$blob_port" \
        --queueHost 127.0.0.1 --queuePort "$queue_port" \
        --tableHost 127.0.0.1 --tablePort 0 \
        >"$data/azurite.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 200); do
        if answers "$blob_port" && answers "$queue_port"; then
            {
                echo "AZURITE_BLOB_PORT=$blob_port"
                echo "AZURITE_QUEUE_PORT=$queue_port"
                echo "AZURITE_PID=$pid"
                echo "AZURITE_DATA=$data"
            } | tee "$home/env"
            return
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "error: azurite exited; its log ($data/azurite.log):" >&2
            cat "$data/azurite.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "error: azurite did not answer on ports $blob_port and $queue_port within 20s" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
}

stop() {
    [ -f "$home/env" ] || { echo "no azurite started by this script" >&2; return; }
    # shellcheck disable=SC1091
    . "$home/env"
    kill "$AZURITE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$AZURITE_PID" 2>/dev/null || break
        sleep 0.1
    done
    rm -rf "$AZURITE_DATA" "$home/env" || true
}

case "${1:-start}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    *) echo "usage: scripts/azurite.sh [install|start|stop]" >&2; exit 2 ;;
esac
