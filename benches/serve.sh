#!/usr/bin/env bash
# Load test of `newsidx serve`: CLIENTS concurrent keep-alive clients for
# DURATION seconds (wrk), rotating the fixed query set of compare.sh, against
# /api/search with the three facets, then against the results page (facets
# and timeline, as a browser gets it). Prints requests/s, p50/p90/p99
# latency, errors, and the server's RSS before and after each run (a flat
# RSS means no growth under load).
#
#   benches/serve.sh CORPUS
#
# Environment:
#   NEWSIDX=path       a built binary (default: `cargo build --release` here)
#   CLIENTS=8          concurrent connections
#   DURATION=20        seconds per run
#   THREADS=2          wrk threads
#   WORK=/tmp/newsidx-serve-bench   scratch space for the index
#   NO_INSTALL=1       never call apt-get (wrk must be on PATH)
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: benches/serve.sh CORPUS" >&2; exit 2; }
CORPUS=$(cd "$1" && pwd) || { echo "serve.sh: $1: not a folder" >&2; exit 2; }
CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-20}
THREADS=${THREADS:-2}
WORK=${WORK:-/tmp/newsidx-serve-bench}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { echo "serve.sh: $*" >&2; }

if ! command -v wrk >/dev/null 2>&1; then
    [[ ${NO_INSTALL:-0} == 1 ]] && { log "wrk is missing (apt-get install wrk)"; exit 2; }
    sudo=""
    [[ $(id -u) == 0 ]] || sudo="sudo -n"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi

if [[ -z ${NEWSIDX:-} ]]; then
    (cd "$REPO" && cargo build --release --quiet)
    NEWSIDX="${CARGO_TARGET_DIR:-$REPO/target}/release/newsidx"
fi

mkdir -p "$WORK"
rm -rf "$WORK/index"
"$NEWSIDX" index "$CORPUS" --index "$WORK/index" --no-progress 2>/dev/null

"$NEWSIDX" serve --index "$WORK/index" --bind 127.0.0.1:0 2>"$WORK/serve.err" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -f "$WORK/queries.lua"' EXIT
for _ in $(seq 100); do
    ADDR=$(grep -o 'http://[^/]*' "$WORK/serve.err" | head -1 || true)
    [[ -n $ADDR ]] && break
    sleep 0.05
done
[[ -n ${ADDR:-} ]] || { log "the server did not start: $(cat "$WORK/serve.err")"; exit 1; }

# compare.sh's queries, in newsidx's syntax, URL-encoded.
QUERIES=(sorghum market '%22interest+rates%22' 'oil+prices' 'wheat+OR+corn' Volcker 'trade+country%3Ajapan')
rss() { awk '/^VmRSS/ {print $2 / 1024 " MiB"}' "/proc/$PID/status"; }
hwm() { awk '/^VmHWM/ {print $2 / 1024 " MiB"}' "/proc/$PID/status"; }

run() { # run LABEL PREFIX SUFFIX
    local label=$1 prefix=$2 suffix=$3 q
    {
        echo "local paths = {"
        for q in "${QUERIES[@]}"; do echo "  \"$prefix$q$suffix\","; done
        echo "}"
        echo 'local i = 0'
        echo 'request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end'
    } >"$WORK/queries.lua"
    # Warm up: every query once, and check each answers 200.
    for q in "${QUERIES[@]}"; do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$ADDR$prefix$q$suffix")
        [[ $code == 200 ]] || { log "$prefix$q$suffix answered $code"; exit 1; }
    done
    local before
    before=$(rss)
    echo "== $label: $CLIENTS clients, ${DURATION} s, ${#QUERIES[@]} queries in turn"
    wrk -t"$THREADS" -c"$CLIENTS" -d"${DURATION}s" --latency -s "$WORK/queries.lua" "$ADDR" |
        grep -E 'Requests/sec|Transfer/sec| 50%| 90%| 99%|requests in|Non-2xx|Socket errors|Latency '
    echo "RSS before $before, after $(rss), peak $(hwm)"
}

echo "newsidx serve on $(basename "$CORPUS") ($(find "$CORPUS" -type f | wc -l) files), $(nproc) cores, $(date -u +%FT%TZ)"
run "/api/search with facets" "/api/search?q=" "&facet=country&facet=minister&facet=section"
run "results page (facets and timeline)" "/?q=" ""
