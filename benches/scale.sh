#!/usr/bin/env bash
# Archive scale: how newsidx's costs grow with the size of the archive, next
# to SQLite FTS5 (and Xapian on the smaller sizes), measured in one run.
#
#   benches/scale.sh [--corpora DIR] CORPUS [FACTORS]   FACTORS default "1 10 100"
#
#   --corpora DIR   generate the corpora in DIR and keep them there; a later
#                   run with the same DIR reuses each one whose corpus, factor
#                   and generator are the same (100x of Reuters is 1.9 M
#                   files and takes 10-20 minutes to write). Without it they
#                   go in WORK and are deleted at the end.
#
# First, for each FACTOR, benches/scale-gen.py builds a corpus FACTOR times
# larger than CORPUS (not timed), all of them before anything is measured or
# deleted: FACTOR copies of every article, each copy dated
# in its own year and its files spread over the year's days (YYYY/MM/DD/ in
# the path, where newsidx reads the date), with its own ids, and every copy
# but the first varied: every word outside the 300 most frequent replaced
# by another of about its frequency (a permutation of the copy's own, so the
# copies are not near-duplicates of each other), numbers shifted by the copy
# number, body paragraphs shuffled. See the generator's header. (All first, because this disk's ext4
# has no journal: creating a file then skips every inode deleted in the last
# minutes; just after deleting 57 k files a create cost 0.9 ms of system
# time, against 0.06 ms a few minutes later.) Then, for each size:
#
# - `newsidx index`: wall and CPU time, MiB/s, peak RSS (GNU time), index
#   size ÷ corpus; then an unchanged re-index (wall, and % of the full run);
# - whole-process searches (hyperfine): the seven queries of compare.sh,
#   median and max over all their runs, plain and with `--facet country
#   --timeline`; `*` with `--facet country` (every article); peak RSS of a
#   search;
# - the same for SQLite FTS5 (one sqlite3 process indexes with fsdir(); a
#   query is `MATCH … ORDER BY rank LIMIT 10` with snippet(); FTS5 cannot
#   facet, so its "every article" row is `count(*)` over the table), and
#   Xapian (omindex, `quest -o and -m 10`) for FACTOR ≤ XAPIAN_MAX;
# - the process-spawn floor: a do-nothing Rust binary built with the same
#   profile (rustc, if there), timed like a search; the query moonshot is
#   newsidx's search median within 1.5x of it at 1x;
# - one table per size, the issue's targets ticked, then the growth between
#   sizes. Each size's indexes are deleted before the next one, the corpora
#   at the end (unless --corpora).
#
# Before it starts it checks the free space of the file systems of WORK and
# the corpora, and refuses with a clear message if the corpora (as allocated:
# a small file takes a whole block) and the largest size's indexes would
# leave less than MIN_FREE_GIB. Ratios are what to compare; absolute times move with the
# machine's load (quoted at the start and end of each size).
#
# The peers are built and installed by benches/lib.sh, as for compare.sh.
#
# Environment:
#   NEWSIDX=PATH     binary to measure (default: cargo build --release)
#   WORK=/tmp/newsidx-scale   scratch space (corpora, indexes)
#   RUNS=10 WARMUP=2 hyperfine runs per query
#   PEERS="sqlite xapian"     XAPIAN_MAX=10 (largest factor Xapian runs at)
#   MIN_FREE_GIB=25  free space to leave on WORK's file system
#   CORPORA=$WORK    where the generated corpora go (what --corpora sets;
#                    a tmpfs writes small files fastest, but holds a 4 KiB
#                    page per file: 7.5 GiB of RAM for 100x Reuters)
#   KEEP_CORPUS=1    keep generated corpora (what --corpora sets)
set -euo pipefail

usage() {
    echo "usage: benches/scale.sh [--corpora DIR] CORPUS [FACTORS]   (e.g. benches/scale.sh reuters/articles \"1 10 100\")" >&2
    echo "  --corpora DIR  keep the generated corpora in DIR and reuse them in later runs" >&2
    exit 2
}
if [[ ${1:-} == --corpora ]]; then
    [[ $# -ge 2 ]] || usage
    mkdir -p "$2" && CORPORA=$(cd "$2" && pwd) || { echo "scale.sh: --corpora $2: cannot create it" >&2; exit 2; }
    KEEP_CORPUS=1
    shift 2
fi
[[ $# -ge 1 && $# -le 2 ]] || usage
CORPUS_IN=$(cd "$1" 2>/dev/null && pwd) || { echo "scale.sh: $1: not a folder" >&2; exit 2; }
FACTORS=${2:-"1 10 100"}
for f in $FACTORS; do
    [[ $f =~ ^[1-9][0-9]*$ ]] || { echo "scale.sh: factors must be positive integers, got '$f'" >&2; exit 2; }
done

RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
PEERS=${PEERS:-"sqlite xapian"}
XAPIAN_MAX=${XAPIAN_MAX:-10}
MIN_FREE_GIB=${MIN_FREE_GIB:-25}
WORK=${WORK:-/tmp/newsidx-scale}
CORPORA=${CORPORA:-$WORK}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GEN=$REPO/benches/scale-gen.py
TIME=/usr/bin/time

# log, ensure (installs missing Debian packages), pick_peers, have_peer,
# fts_index, xapian_index, install_newsidx: shared with compare.sh.
# shellcheck source=benches/lib.sh
source "$REPO/benches/lib.sh"
die() { log "$*"; exit 2; }
ensure jq jq || die "jq is required"
ensure hyperfine hyperfine || die "hyperfine is required"
ensure python3 python3 || die "python3 is required (for scale-gen.py)"
[[ -x $TIME ]] || ensure "$TIME" time || die "GNU time (/usr/bin/time) is required"
# shellcheck disable=SC2086
pick_peers "sqlite xapian" -- $PEERS

BIN=$(install_newsidx "$WORK/bin" "${NEWSIDX:-}") || exit 2

# The process-spawn floor of the query moonshot: a do-nothing Rust binary
# built as newsidx's release profile builds (opt-level 3, fat LTO, one
# codegen unit; linked -no-pie on Linux, like newsidx: see src/build.rs),
# and linked statically when the newsidx measured is (release_build).
FLOOR=""
build_floor() {
    local link=()
    if [[ $(uname -s) == Linux ]]; then
        link=(-C link-arg=-no-pie)
        # shellcheck disable=SC2206 # the flags are words
        ldd "$BIN" >/dev/null 2>&1 || link=($STATIC_RUSTFLAGS)
    fi
    echo 'fn main() {}' >"$WORK/floor.rs"
    if command -v rustc >/dev/null 2>&1 &&
        rustc --edition 2021 -C opt-level=3 -C lto=fat -C codegen-units=1 "${link[@]}" \
            -o "$WORK/bin/floor" "$WORK/floor.rs" 2>"$WORK/cmd.err"; then
        FLOOR=$WORK/bin/floor
    else
        log "no spawn floor (rustc missing or failed): the moonshot is not measured"
    fi
}

bytes_of() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
free_bytes() { df -P -B1 "$1" | awk 'NR == 2 {print $4}'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
median_of() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print ""; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# ------------------------------------------------------------- queries ----

# The query set of compare.sh (QUERIES, Q_NEWSIDX, Q_FTS) comes from lib.sh.
FACETS=(--facet country --timeline)

sql_quote() { printf "%s" "${1//\'/\'\'}"; }
write_sql() {
    for q in "${QUERIES[@]}"; do
        printf "SELECT name, snippet(docs, 1, '[', ']', '…', 24) FROM docs WHERE docs MATCH '%s' ORDER BY rank LIMIT 10;\n" \
            "$(sql_quote "${Q_FTS[$q]}")" >"$WORK/fts-$q.sql"
    done
    echo "SELECT count(*) FROM docs;" >"$WORK/fts-all.sql"
}

# --------------------------------------------------------------- corpus ----

# The corpus at FACTOR: generated once per (corpus, factor, generator).
corpus_of() { echo "$CORPORA/corpus-x$1"; }
stamp_of() { echo "$CORPUS_IN x$1 $(sha1sum <"$GEN" | cut -c1-12)"; }
corpus_ready() { [[ -f $(corpus_of "$1").stamp && $(cat "$(corpus_of "$1").stamp") == "$(stamp_of "$1")" ]]; }

make_corpus() { # make_corpus FACTOR
    local f=$1 dir t0=$SECONDS
    dir=$(corpus_of "$f")
    if corpus_ready "$f"; then
        log "reusing $dir"
        return
    fi
    rm -rf "$dir" "$dir.stamp"
    GENERATED+=("$dir")
    log "generating $dir ($f × $CORPUS_IN; not timed)"
    python3 "$GEN" "$CORPUS_IN" "$dir" "$f" >/dev/null
    stamp_of "$f" >"$dir.stamp"
    log "generated in $((SECONDS - t0)) s"
}

# Refuse a run that would leave less than MIN_FREE_GIB free: the corpora not
# generated yet, as allocated (Reuters' 830-byte files take a 4 KiB block
# each: 4.8x their size), in CORPORA; the indexes of the largest size in
# WORK: newsidx's (~2.1x the corpus with fingerprints), FTS5's (~2x) and
# Xapian's (~6x, where it runs), one size at a time.
check_disk() {
    local f alloc bytes need_c=0 need_w=0 n free_c free_w same
    alloc=$(du -s -B1 "$CORPUS_IN" | cut -f1)
    bytes=$(bytes_of "$CORPUS_IN")
    for f in $FACTORS; do
        corpus_ready "$f" || need_c=$((need_c + alloc * f))
        n=5
        have_peer xapian && ((f <= XAPIAN_MAX)) && n=11
        ((bytes * f * n > need_w)) && need_w=$((bytes * f * n))
    done
    free_c=$(free_bytes "$CORPORA") free_w=$(free_bytes "$WORK")
    same=$([[ $(df -P "$CORPORA" | awk 'NR == 2 {print $1}') == $(df -P "$WORK" | awk 'NR == 2 {print $1}') ]] && echo 1 || echo 0)
    ((same)) && need_w=$((need_w + need_c)) need_c=0
    if ((free_w - need_w < MIN_FREE_GIB * 1073741824 || free_c - need_c < 1073741824)); then
        die "not enough disk for factors $FACTORS: $(mib "$need_w") MiB needed in $WORK ($(mib "$free_w") MiB free) and $(mib "$need_c") MiB in $CORPORA ($(mib "$free_c") MiB free); $MIN_FREE_GIB GiB must stay free (MIN_FREE_GIB). Nothing was measured"
    fi
}

# ------------------------------------------------------------- indexing ----

# timed OUTFILE CMD...: runs CMD under GNU time; OUTFILE gets "wall user sys rss_kib".
timed() {
    local out=$1
    shift
    $TIME -f '%e %U %S %M' -o "$out" "$@" >/dev/null 2>"$WORK/cmd.err" ||
        { log "failed: $* ($(tail -3 "$WORK/cmd.err"))"; return 1; }
}

declare -A R   # results of the current size: R[tool.metric]

index_tool() { # index_tool TOOL
    local tool=$1 dir=$WORK/index-$1 t u s rss
    rm -rf "$dir"
    mkdir -p "$dir"
    case $tool in
        newsidx) timed "$WORK/t" "$BIN" index "$CORPUS" --index "$dir/ix" --no-progress ;;
        sqlite) timed "$WORK/t" bash -c 'fts_index "$1" "$2"' _ "$dir/fts.db" "$CORPUS" ;;
        xapian) timed "$WORK/t" bash -c 'xapian_index "$1" "$2"' _ "$dir/db" "$CORPUS" ;;
    esac || return 1
    read -r t u s rss <"$WORK/t"
    R[$tool.idx_s]=$t
    R[$tool.idx_cpu]=$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')
    R[$tool.idx_rss]=$((rss / 1024))
    R[$tool.size]=$(bytes_of "$dir")
    # Segments a search opens (one document store each).
    [[ $tool == newsidx ]] && R[newsidx.segments]=$(find "$dir/ix" -name '*.store' | wc -l)
    log "$tool: indexed in ${t} s (CPU $(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}') s), peak RSS $((rss / 1024)) MiB, $(mib "${R[$tool.size]}") MiB"
}

reindex_newsidx() {
    # Files changed within 2 s before a run are re-hashed (racy mtime); the
    # generated files are older than that by now.
    local t rest
    timed "$WORK/t" "$BIN" index "$CORPUS" --index "$WORK/index-newsidx/ix" --no-progress || return 1
    read -r t rest <"$WORK/t"
    R[newsidx.reidx_s]=$t
    log "newsidx: unchanged re-index ${t} s"
}

# -------------------------------------------------------------- queries ----

# qcmd TOOL LABEL [facets]: the command line hyperfine runs.
qcmd() {
    local tool=$1 q=$2 dir=$WORK/index-$1
    case $tool.${3:-} in
        newsidx.) printf "%s search '%s' --index %s/ix" "$BIN" "${Q_NEWSIDX[$q]}" "$dir" ;;
        newsidx.facets) printf "%s search '%s' --index %s/ix %s" "$BIN" "${Q_NEWSIDX[$q]}" "$dir" "${FACETS[*]}" ;;
        newsidx.all) printf "%s search '*' --index %s/ix --facet country" "$BIN" "$dir" ;;
        floor.) printf "%s" "$FLOOR" ;;
        sqlite.) printf "sqlite3 -readonly %s/fts.db '.read %s/fts-%s.sql'" "$dir" "$WORK" "$q" ;;
        sqlite.all) printf "sqlite3 -readonly %s/fts.db '.read %s/fts-all.sql'" "$dir" "$WORK" ;;
        xapian.) printf "quest -d %s/db -o and -m 10 '%s'" "$dir" "${Q_FTS[$q]}" ;;
    esac
}

# run_set TOOL KIND LABEL...: hyperfine over the labels; R[TOOL.KIND_med]
# and R[TOOL.KIND_max] in ms over every timed run of every label.
run_set() {
    local tool=$1 kind=$2 q cmd
    shift 2
    : >"$WORK/times"
    : >"$WORK/cpus"
    for q in "$@"; do
        cmd=$(qcmd "$tool" "$q" "${kind#plain}")
        hyperfine -N -i --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$WORK/hf.json" \
            "$cmd" >/dev/null 2>"$WORK/hf.err" || { log "$tool $q: hyperfine failed: $(cat "$WORK/hf.err")"; return 1; }
        jq -r '.results[0].times[] * 1000' "$WORK/hf.json" >>"$WORK/times"
        jq -r '(.results[0].user + .results[0].system) * 1000' "$WORK/hf.json" >>"$WORK/cpus"
        $TIME -f '%M' -o "$WORK/t" bash -c "$cmd" >/dev/null 2>&1 || true
        local rss=$(($(tail -1 "$WORK/t") / 1024))
        ((rss > ${R[$tool.srss]:-0})) && R[$tool.srss]=$rss
    done
    R[$tool.${kind}_med]=$(median_of <"$WORK/times")
    R[$tool.${kind}_max]=$(sort -g "$WORK/times" | tail -1)
    R[$tool.${kind}_cpu]=$(median_of <"$WORK/cpus")
    log "$tool $kind: median $(f1 "${R[$tool.${kind}_med]}") ms, max $(f1 "${R[$tool.${kind}_max]}") ms"
}

search_tool() { # search_tool TOOL
    case $1 in
        newsidx)
            run_set newsidx plain "${QUERIES[@]}"
            run_set newsidx facets "${QUERIES[@]}"
            run_set newsidx all all ;;
        sqlite)
            run_set sqlite plain "${QUERIES[@]}"
            run_set sqlite all all ;;
        xapian) run_set xapian plain "${QUERIES[@]}" ;;
    esac
}

# --------------------------------------------------------------- report ----

f1() { [[ -n ${1:-} ]] && printf '%.1f' "$1" || printf '–'; }
f2() { [[ -n ${1:-} ]] && printf '%.2f' "$1" || printf '–'; }
f0() { [[ -n ${1:-} ]] && printf '%d' "$1" || printf '–'; }
ratio() { [[ -n ${1:-} && -n ${2:-} ]] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}' || printf '–'; }

# Derived figures of the size: MiB/s, index ÷ corpus, re-index %.
derive() {
    local tool
    for tool in newsidx $ACTIVE; do
        [[ -n ${R[$tool.idx_s]:-} ]] || continue
        R[$tool.rate]=$(awk -v b="$BYTES" -v t="${R[$tool.idx_s]}" 'BEGIN {printf "%.2f", b / 1048576 / t}')
        R[$tool.ratio]=$(awk -v a="${R[$tool.size]}" -v b="$BYTES" 'BEGIN {printf "%.2f", a / b}')
    done
    [[ -n ${R[newsidx.reidx_s]:-} ]] &&
        R[newsidx.reidx_pct]=$(awk -v a="${R[newsidx.reidx_s]}" -v b="${R[newsidx.idx_s]}" 'BEGIN {printf "%.1f", 100 * a / b}')
    return 0
}

# row LABEL METRIC FORMAT [SQLITE_METRIC]: the ratio is against SQLite's
# SQLITE_METRIC (default METRIC): newsidx with facets against FTS5 without.
row() {
    local label=$1 m=$2 fmt=$3 sm=${4:-$2} tool
    printf "| %s |" "$label"
    for tool in newsidx $ACTIVE; do printf " %s |" "$($fmt "${R[$tool.$m]:-}")"; done
    have_peer sqlite && printf " %s |" "$(ratio "${R[newsidx.$m]:-}" "${R[sqlite.$sm]:-}")"
    echo
}

print_size() { # print_size FACTOR
    local f=$1 tool
    echo
    echo "### ${f}× — $FILES files, $(mib "$BYTES") MiB; load average ${LOAD_BEFORE} before, $(loadavg) after; $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    printf "| |"
    for tool in newsidx $ACTIVE; do printf " %s |" "$tool"; done
    have_peer sqlite && printf " newsidx ÷ sqlite |"
    echo
    printf "|---|"
    for tool in newsidx $ACTIVE; do printf -- "---|"; done
    have_peer sqlite && printf -- "---|"
    echo
    row "index wall s" idx_s f2
    row "index CPU s" idx_cpu f2
    row "MiB/s (wall)" rate f2
    row "peak RSS indexing MiB" idx_rss f1
    row "index ÷ corpus" ratio f2
    row "index segments" segments f0
    row "unchanged re-index s" reidx_s f2
    row "re-index % of full" reidx_pct f1
    row "search median ms (7 queries)" plain_med f1
    row "search max ms" plain_max f1
    row "search CPU ms (user + sys, median of the queries' means)" plain_cpu f1
    row "… with --facet country --timeline, median ms (÷ FTS5 without)" facets_med f1 plain_med
    row "… with --facet country --timeline, max ms (÷ FTS5 without)" facets_max f1 plain_max
    row "… with --facet country --timeline, CPU ms (÷ FTS5 without)" facets_cpu f1 plain_cpu
    row "\`*\` --facet country ms (FTS5: count(*)), median" all_med f1
    row "\`*\` --facet country ms, max" all_max f1
    row "\`*\` --facet country CPU ms" all_cpu f1
    row "peak RSS search MiB" srss f1
    if [[ -n ${R[floor.plain_med]:-} ]]; then
        echo
        echo "spawn floor (a do-nothing Rust binary, same profile): median $(f1 "${R[floor.plain_med]}") ms, max $(f1 "${R[floor.plain_max]}") ms; newsidx's search median ÷ floor: $(ratio "${R[newsidx.plain_med]:-}" "${R[floor.plain_med]}") plain, $(ratio "${R[newsidx.facets_med]:-}" "${R[floor.plain_med]}") with facets and timeline"
    fi
    targets "$f"
}

check() { # check DESCRIPTION AWK_CONDITION (empty: not measured)
    if [[ -z $2 ]]; then
        echo "- [ ] $1 (not measured)"
    elif awk "BEGIN {exit !($2)}"; then
        echo "- [x] $1"
    else
        echo "- [ ] $1"
    fi
}
# cond A OP B: an awk condition, or nothing when a side is missing.
cond() { [[ -n ${1:-} && -n ${3:-} ]] && echo "$1 $2 $3" || true; }

targets() { # targets FACTOR: the issue's targets (set for 2 M articles) at this size
    local f=$1 base=${G[1.newsidx.rate]:-} worst_med worst_max
    worst_med=$(printf '%s\n' "${R[newsidx.plain_med]:-}" "${R[newsidx.facets_med]:-}" | sort -g | tail -1)
    worst_max=$(printf '%s\n' "${R[newsidx.plain_max]:-}" "${R[newsidx.facets_max]:-}" | sort -g | tail -1)
    echo
    echo "targets at ${f}×:"
    ((f > 1)) && check "indexing rate ≥ 90% of the 1× rate ($(f2 "${R[newsidx.rate]:-}") vs $(f2 "$base") MiB/s)" "$(cond "${R[newsidx.rate]:-}" ">=" "${base:+0.9 * $base}")"
    check "peak RSS indexing ≤ 200 MiB ($(f1 "${R[newsidx.idx_rss]:-}") MiB)" "$(cond "${R[newsidx.idx_rss]:-}" "<=" 200)"
    check "peak RSS per search ≤ 64 MiB ($(f1 "${R[newsidx.srss]:-}") MiB)" "$(cond "${R[newsidx.srss]:-}" "<=" 64)"
    check "index ≤ 1.3× corpus ($(f2 "${R[newsidx.ratio]:-}")×)" "$(cond "${R[newsidx.ratio]:-}" "<=" 1.3)"
    check "search median ≤ 10 ms, facets and timeline included ($(f1 "$worst_med") ms)" "$(cond "$worst_med" "<=" 10)"
    check "search max ≤ 50 ms, facets and timeline included ($(f1 "$worst_max") ms)" "$(cond "$worst_max" "<=" 50)"
    check "\`*\` --facet country ≤ 200 ms (median $(f1 "${R[newsidx.all_med]:-}") ms, max $(f1 "${R[newsidx.all_max]:-}") ms)" "$(cond "${R[newsidx.all_max]:-}" "<=" 200)"
    check "unchanged re-index ≤ 5% of a full index ($(f1 "${R[newsidx.reidx_pct]:-}")%)" "$(cond "${R[newsidx.reidx_pct]:-}" "<=" 5)"
    ((f == 1)) && check "query moonshot: search median with facets and timeline ≤ 1.5× the spawn floor ($(ratio "${R[newsidx.facets_med]:-}" "${R[floor.plain_med]:-}")×)" \
        "$(cond "${R[newsidx.facets_med]:-}" "<=" "${R[floor.plain_med]:+1.5 * ${R[floor.plain_med]}}")"
    have_peer sqlite || return 0
    local m n s label
    # newsidx's metric:SQLite's metric:what it is
    for m in idx_s:idx_s:"index wall s" idx_cpu:idx_cpu:"index CPU s" ratio:ratio:"index ÷ corpus" \
        reidx_s:idx_s:"unchanged re-index s (FTS5: its full index)" \
        plain_med:plain_med:"search median ms" plain_max:plain_max:"search max ms" \
        facets_med:plain_med:"search median ms, newsidx with facets and timeline" \
        facets_max:plain_max:"search max ms, newsidx with facets and timeline" \
        all_med:all_med:"every article ms (newsidx with a facet, FTS5 count(*))" \
        idx_rss:idx_rss:"peak RSS indexing MiB" srss:srss:"peak RSS search MiB"; do
        n=${m%%:*} s=${m#*:} label=${s#*:} s=${s%%:*}
        check "$label at or ahead of SQLite FTS5 ($(f2 "${R[newsidx.$n]:-}") vs $(f2 "${R[sqlite.$s]:-}"))" "$(cond "${R[newsidx.$n]:-}" "<=" "${R[sqlite.$s]:-}")"
    done
}

declare -A G   # every size's results: G[FACTOR.tool.metric]
DONE=()

growth() {
    ((${#DONE[@]} > 1)) || return 0
    echo
    echo "### Growth between sizes (bigger ÷ smaller)"
    echo
    echo "| | data | newsidx index wall | newsidx MiB/s | newsidx index ÷ corpus | newsidx re-index | newsidx search median | with facets, median | \`*\` --facet country | newsidx peak RSS indexing | FTS5 index wall | FTS5 search median |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    local i a b m
    for ((i = 1; i < ${#DONE[@]}; i++)); do
        a=${DONE[i - 1]} b=${DONE[i]}
        printf "| %s× → %s× | %s |" "$a" "$b" "$(ratio "${G[$b.bytes]}" "${G[$a.bytes]}")"
        for m in newsidx.idx_s newsidx.rate newsidx.ratio newsidx.reidx_s newsidx.plain_med newsidx.facets_med newsidx.all_med newsidx.idx_rss sqlite.idx_s sqlite.plain_med; do
            printf " %s |" "$(ratio "${G[$b.$m]:-}" "${G[$a.$m]:-}")"
        done
        echo
    done
}

GENERATED=()   # corpora this run started to write
cleanup() {
    rm -rf "$WORK/index-newsidx" "$WORK/index-sqlite" "$WORK/index-xapian" "$WORK"/{t,times,cpus,hf.json,hf.err,cmd.err,floor.rs} "$WORK"/fts-*.sql
    local dir f
    if [[ ${KEEP_CORPUS:-0} != 1 ]]; then
        for f in $FACTORS; do
            dir=$(corpus_of "$f")
            rm -rf "$dir" "$dir.stamp"
        done
    else
        # Only a corpus cut off half-written (it has no stamp).
        for dir in "${GENERATED[@]}"; do [[ -f $dir.stamp ]] || rm -rf "$dir"; done
    fi
}
trap cleanup EXIT

one_size() { # one_size FACTOR
    local f=$1 tool k
    CORPUS=$(corpus_of "$f")
    BYTES=$(bytes_of "$CORPUS")
    FILES=$(find "$CORPUS" -type f | wc -l)
    log "${f}×: $FILES files, $(mib "$BYTES") MiB; warming the page cache"
    find "$CORPUS" -type f -print0 | xargs -0 cat >/dev/null
    LOAD_BEFORE=$(loadavg)
    R=()
    index_tool newsidx
    sleep 2
    reindex_newsidx
    search_tool newsidx
    [[ -z $FLOOR ]] || run_set floor plain floor
    for tool in $ACTIVE; do
        [[ $tool == xapian ]] && ((f > XAPIAN_MAX)) && continue
        index_tool "$tool" && search_tool "$tool"
    done
    derive
    G[$f.bytes]=$BYTES
    for k in "${!R[@]}"; do G[$f.$k]=${R[$k]}; done
    DONE+=("$f")
    print_size "$f"
    rm -rf "$WORK/index-newsidx" "$WORK/index-sqlite" "$WORK/index-xapian"
}

export -f fts_index xapian_index
mkdir -p "$WORK" "$CORPORA"
build_floor
write_sql
echo "# newsidx at scale: $CORPUS_IN × ($FACTORS); $(nproc) cores; newsidx $("$BIN" --version 2>/dev/null | head -1)"
echo "# whole processes; hyperfine $RUNS runs after $WARMUP warm-up per query; medians and maxima over every run of the query set"
echo "# page cache warm (the corpus is read before indexing); ratios newsidx ÷ SQLite below 1: newsidx is faster or smaller"
check_disk
for f in $FACTORS; do
    make_corpus "$f"
done
for f in $FACTORS; do
    one_size "$f"
done
growth
