#!/usr/bin/env bash
# Load test of `newsidx serve`: CLIENTS concurrent keep-alive clients for
# DURATION seconds (wrk), rotating the fixed query set of compare.sh, against
# /api/search with the three facets, then against the results page (facets
# and timeline, as a browser gets it). For each run it prints wrk's figures,
# the server's CPU time per request and its RSS before and after, and at the
# end one line per run with everything the issue's targets need:
#
#   api-search-facets: p50 1.10 ms  p99 4.80 ms  (target p50 <= 2 ms, p99 <= 20 ms: met)  errors 0  RSS 17.5 -> 17.6 MiB  ...
#
#   benches/serve.sh NEWSIDX INDEX      a built binary, an index (e.g. of Reuters-21578)
#
# Build the binary in release (`cargo build --release`; without LTO is
# quicker and near enough: CARGO_PROFILE_RELEASE_LTO=off). Index with
# `NEWSIDX index CORPUS --index INDEX`.
#
# Environment:
#   CLIENTS=8          concurrent connections
#   DURATION=20        seconds per run
#   THREADS=2          wrk threads
#   NO_INSTALL=1       never call apt-get (wrk must be on PATH)
set -euo pipefail

usage() { echo "usage: benches/serve.sh NEWSIDX INDEX   (a built newsidx binary, an index folder)" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
NEWSIDX=$1 INDEX=$2
[[ -x $NEWSIDX ]] || { echo "serve.sh: $NEWSIDX is not an executable" >&2; usage; }
[[ -f $INDEX/meta.json ]] || { echo "serve.sh: $INDEX is not an index folder (no meta.json)" >&2; usage; }
CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-20}
THREADS=${THREADS:-2}
WORK=$(mktemp -d /tmp/newsidx-serve-bench.XXXXXX)
log() { echo "serve.sh: $*" >&2; }

if ! command -v wrk >/dev/null 2>&1; then
    [[ ${NO_INSTALL:-0} == 1 ]] && { log "wrk is missing (apt-get install wrk)"; exit 2; }
    sudo=""
    [[ $(id -u) == 0 ]] || sudo="sudo -n"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
command -v curl >/dev/null 2>&1 || { log "curl is missing"; exit 2; }

"$NEWSIDX" serve --index "$INDEX" --bind 127.0.0.1:0 2>"$WORK/serve.err" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 200); do
    ADDR=$(grep -o 'http://[^/]*' "$WORK/serve.err" | head -1 || true)
    [[ -n $ADDR ]] && break
    kill -0 $PID 2>/dev/null || break
    sleep 0.05
done
[[ -n ${ADDR:-} ]] || { log "the server did not start: $(cat "$WORK/serve.err")"; exit 1; }

# compare.sh's queries, in newsidx's syntax, URL-encoded.
QUERIES=(sorghum market '%22interest+rates%22' 'oil+prices' 'wheat+OR+corn' Volcker 'trade+country%3Ajapan')
# CPU seconds the server has used (user + system), from /proc/PID/stat.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$PID/stat"; }
rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status"; }
hwm() { awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$PID/status"; }
# wrk's latency ("850.00us", "1.20ms", "2.00s") in milliseconds.
ms() { awk '{v = $1; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
             f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1;
             printf "%.2f", v * f}' <<<"$1"; }

SUMMARY=()
run() { # run LABEL PREFIX SUFFIX
    local label=$1 prefix=$2 suffix=$3 q code
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
    local before after cpu0 out n p50 p99 non2xx sockerr errors verdict rps
    before=$(rss)
    cpu0=$(cpu)
    echo "== $label: $CLIENTS clients, ${DURATION} s, ${#QUERIES[@]} queries in turn"
    out=$(wrk -t"$THREADS" -c"$CLIENTS" -d"${DURATION}s" --latency -s "$WORK/queries.lua" "$ADDR")
    after=$(rss)
    grep -E 'Requests/sec|Transfer/sec| 50%| 90%| 99%|requests in|Non-2xx|Socket errors|Latency ' <<<"$out"
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    p50=$(ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    # "Socket errors: connect 0, read 0, write 0, timeout 0"
    sockerr=$(awk '/Socket errors/ {for (i = 3; i <= NF; i++) s += $i + 0} END {print s + 0}' <<<"$out")
    errors=$(( ${non2xx:-0} + ${sockerr:-0} ))
    # Latency waits for the machine; CPU per request does not (much): on an
    # idle machine a request takes about its CPU time.
    local cpu_req
    cpu_req=$(awk -v a="$cpu0" -v b="$(cpu)" -v n="$n" 'BEGIN {printf "%.3f", (b - a) * 1000 / n}')
    echo "server CPU per request: $cpu_req ms"
    echo "RSS before $before MiB, after $after MiB, peak $(hwm) MiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    verdict=$(awk -v a="$p50" -v b="$p99" -v e="$errors" 'BEGIN {print (a <= 2 && b <= 20 && e == 0) ? "met" : "NOT met"}')
    SUMMARY+=("$(printf '%-22s p50 %s ms  p99 %s ms  (p50 <= 2 ms, p99 <= 20 ms, no errors: %s)  errors %s  %s req/s  %s requests  CPU %s ms/req  RSS %s -> %s MiB (peak %s)' \
        "$label:" "$p50" "$p99" "$verdict" "$errors" "$rps" "$n" "$cpu_req" "$before" "$after" "$(hwm)")")
}

echo "newsidx serve on $INDEX ($("$NEWSIDX" stats --index "$INDEX" --format json | awk -F'[:,]' '/"documents"/ {gsub(/ /, "", $2); print $2; exit}') documents), $(nproc) cores, $(date -u +%FT%TZ)"
echo "uptime: $(uptime)"
run "api-search-facets" "/api/search?q=" "&facet=country&facet=minister&facet=section"
run "results-page" "/?q=" ""
echo
echo "== summary ($CLIENTS clients, ${DURATION} s each; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%s\n' "${SUMMARY[@]}"
