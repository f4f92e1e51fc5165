#!/usr/bin/env bash
# Whole-process benchmark: newsidx against the tools a user could pick instead
# (SQLite FTS5, Xapian omindex + quest, ripgrep; tantivy-cli on request), on
# the same corpus, in the same run, on the same machine.
#
#   benches/compare.sh CORPUS [FACTOR]
#
# CORPUS is a folder of articles (e.g. Reuters-21578 as one .txt per story).
# FACTOR > 1 first builds, under $WORK, a corpus FACTOR times larger by copying
# CORPUS into FACTOR subfolders (distinct paths, so distinct ids); generating
# it is not timed. With FACTOR > 1 newsidx also indexes CORPUS itself, to show
# how its per-MB rate holds up as the corpus grows.
#
# Every number is a whole process (start-up, reading, writing, exit), timed
# with hyperfine (queries) or GNU time (indexing, peak RSS). The page cache is
# warm for every tool (the corpus is read once before the first index run).
# Ratios are what to compare: absolute times move with the machine's load.
#
# Environment:
#   RUNS=20            timed runs per query (after WARMUP untimed ones)
#   WARMUP=3
#   INDEX_RUNS=3       index builds per tool (median, min, max are shown)
#   PEERS="sqlite xapian rg"   which peers to run (tantivy is added by
#                      WITH_TANTIVY_CLI=1; it needs `tantivy` from
#                      `cargo install tantivy-cli` on PATH)
#   WORK=/tmp/newsidx-bench    scratch space for indexes and the big corpus
#   NO_INSTALL=1       never call apt-get; skip peers that are missing
#   NEWSIDX=PATH       the newsidx binary to measure (default: build the
#                      release binary with cargo)
#
# Peers that are missing are installed from Debian packages (apt-get, as root
# or with passwordless sudo); a peer that still is not there is skipped.
set -euo pipefail

usage() {
    echo "usage: benches/compare.sh CORPUS [FACTOR]" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
CORPUS_IN=$(cd "$1" && pwd) || { echo "compare.sh: $1: not a folder" >&2; exit 2; }
FACTOR=${2:-1}
[[ $FACTOR =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: FACTOR must be a positive integer, got '$FACTOR'" >&2; exit 2; }

RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
INDEX_RUNS=${INDEX_RUNS:-3}
PEERS=${PEERS:-"sqlite xapian rg"}
[[ ${WITH_TANTIVY_CLI:-0} == 1 ]] && PEERS="$PEERS tantivy"
WORK=${WORK:-/tmp/newsidx-bench}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TIME=/usr/bin/time

median_of() { sort -g | awk '{a[NR] = $1} END {if (NR == 0) print ""; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# ---------------------------------------------------------------- tools ----

# shellcheck source=benches/lib.sh
source "$REPO/benches/lib.sh"

ensure jq jq || { log "jq is required"; exit 2; }
ensure hyperfine hyperfine || { log "hyperfine is required"; exit 2; }
[[ -x $TIME ]] || ensure "$TIME" time || { log "GNU time (/usr/bin/time) is required"; exit 2; }

# shellcheck disable=SC2086
pick_peers "sqlite xapian rg tantivy" -- $PEERS

NEWSIDX=$(install_newsidx "$WORK/bin" "${NEWSIDX:-}") || exit 2

# --------------------------------------------------------------- corpus ----

mkdir -p "$WORK"
if [[ $FACTOR == 1 ]]; then
    CORPUS=$CORPUS_IN
else
    CORPUS=$WORK/corpus-x$FACTOR
    stamp="$CORPUS_IN x$FACTOR"
    if [[ ! -f $WORK/corpus-x$FACTOR.stamp || $(cat "$WORK/corpus-x$FACTOR.stamp") != "$stamp" ]]; then
        log "generating $CORPUS ($FACTOR copies of $CORPUS_IN)"
        rm -rf "$CORPUS"
        mkdir -p "$CORPUS"
        for ((i = 1; i <= FACTOR; i++)); do cp -r "$CORPUS_IN" "$CORPUS/part$i"; done
        echo "$stamp" >"$WORK/corpus-x$FACTOR.stamp"
    fi
fi

bytes_of() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
CORPUS_BYTES=$(bytes_of "$CORPUS")
CORPUS_FILES=$(find "$CORPUS" -type f | wc -l)
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
log "corpus: $CORPUS ($CORPUS_FILES files, $(mib "$CORPUS_BYTES") MiB)"
# Warm the page cache so the first tool is not the one that pays for the disk.
find "$CORPUS" -type f -print0 | xargs -0 cat >/dev/null

# ------------------------------------------------------------- indexing ----

# Index commands, one per tool; each builds into $1 from scratch.
index_newsidx() { "$NEWSIDX" index "$CORPUS" --index "$1" --no-progress 2>/dev/null; }
index_sqlite() { fts_index "$1/fts.db" "$CORPUS"; }
index_xapian() { xapian_index "$1/db" "$CORPUS"; }
index_tantivy() {
    # tantivy-cli reads NDJSON on stdin; the conversion (python3) runs in the
    # timed process tree, as it is part of what a user has to do.
    cat >"$1/meta.json" <<'EOF'
{"index_settings":{"docstore_compression":"lz4","docstore_blocksize":16384},"segments":[],"schema":[
{"name":"name","type":"text","options":{"indexing":null,"stored":true}},
{"name":"body","type":"text","options":{"indexing":{"record":"position","fieldnorms":true,"tokenizer":"en_stem"},"stored":true}}],
"opstamp":0}
EOF
    python3 -c '
import json, os, sys
for d, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        p = os.path.join(d, f)
        with open(p, encoding="utf-8", errors="replace") as h:
            print(json.dumps({"name": p, "body": h.read()}))
' "$CORPUS" | tantivy index -i "$1" >/dev/null 2>&1
}
export -f index_newsidx index_sqlite index_xapian index_tantivy fts_index xapian_index
export NEWSIDX CORPUS

declare -A IDX_MED IDX_MIN IDX_MAX IDX_CPU IDX_RSS IDX_SIZE IDX_DIR

declare -A IDX_TIMES IDX_CPUS IDX_RSSES IDX_FAILED

# index_once TOOL: one fresh build into the tool's folder (the last is kept).
index_once() {
    local tool=$1 dir=$WORK/index-$1 t u sy rss
    rm -rf "$dir"
    mkdir -p "$dir"
    if ! $TIME -f '%e %U %S %M' -o "$WORK/time.out" bash -c 'index_$0 "$1"' "$tool" "$dir"; then
        log "$tool: index run failed"
        return 1
    fi
    read -r t u sy rss <"$WORK/time.out"
    IDX_TIMES[$tool]+="$t "
    IDX_CPUS[$tool]+="$(awk -v u="$u" -v s="$sy" 'BEGIN {print u + s}') "
    IDX_RSSES[$tool]+="$rss "
    log "$tool index run: ${t}s (CPU ${u}s user ${sy}s sys), peak RSS $((rss / 1024)) MiB"
}

# index_summary TOOL: median, min and max of its runs, and what it built.
index_summary() {
    local tool=$1 dir=$WORK/index-$1
    IDX_MED[$tool]=$(printf '%s\n' ${IDX_TIMES[$tool]} | median_of)
    IDX_CPU[$tool]=$(printf '%s\n' ${IDX_CPUS[$tool]} | median_of)
    IDX_MIN[$tool]=$(printf '%s\n' ${IDX_TIMES[$tool]} | sort -g | head -1)
    IDX_MAX[$tool]=$(printf '%s\n' ${IDX_TIMES[$tool]} | sort -g | tail -1)
    IDX_RSS[$tool]=$(printf '%s\n' ${IDX_RSSES[$tool]} | sort -g | tail -1)
    IDX_SIZE[$tool]=$(bytes_of "$dir")
    IDX_DIR[$tool]=$dir
}

# time_index TOOL: INDEX_RUNS fresh builds of one tool in a row.
time_index() {
    local tool=$1 r
    IDX_TIMES[$tool]="" IDX_CPUS[$tool]="" IDX_RSSES[$tool]=""
    for ((r = 1; r <= INDEX_RUNS; r++)); do index_once "$tool" || return 1; done
    index_summary "$tool"
}

# The tools take turns, a run each per round, so that a change in the
# machine's speed (it is shared) falls on all of them alike, not on the one
# whose runs it happened to meet. Xapian, twenty times slower, runs its
# builds after the others.
TOOLS="newsidx$ACTIVE"
ROUND_TOOLS="" INDEXED=""
for tool in $TOOLS; do
    case $tool in rg) ;; xapian) ;; *) ROUND_TOOLS+=" $tool" ;; esac
done
log "indexing with$ROUND_TOOLS in turn ($INDEX_RUNS rounds)"
for ((r = 1; r <= INDEX_RUNS; r++)); do
    for tool in $ROUND_TOOLS; do
        [[ -n ${IDX_FAILED[$tool]:-} ]] && continue
        index_once "$tool" || IDX_FAILED[$tool]=1
    done
done
for tool in $ROUND_TOOLS; do
    [[ -n ${IDX_FAILED[$tool]:-} ]] && continue
    index_summary "$tool" && INDEXED+=" $tool"
done
if [[ " $TOOLS " == *" xapian "* ]]; then
    log "indexing with xapian ($INDEX_RUNS runs)"
    time_index xapian && INDEXED+=" xapian"
fi

# Per-MB rate on the original corpus, for the linear-growth target.
BASE_RATE=""
if [[ $FACTOR != 1 ]]; then
    big=$CORPUS
    export CORPUS=$CORPUS_IN
    log "indexing the x1 corpus with newsidx, for the per-MB rate"
    saved=("${IDX_MED[newsidx]}" "${IDX_MIN[newsidx]}" "${IDX_MAX[newsidx]}" "${IDX_RSS[newsidx]}" "${IDX_SIZE[newsidx]}" "${IDX_CPU[newsidx]}")
    time_index newsidx
    BASE_RATE=$(awk -v b="$(bytes_of "$CORPUS_IN")" -v t="${IDX_MED[newsidx]}" 'BEGIN {printf "%.2f", b / 1048576 / t}')
    IDX_MED[newsidx]=${saved[0]} IDX_MIN[newsidx]=${saved[1]} IDX_MAX[newsidx]=${saved[2]}
    IDX_RSS[newsidx]=${saved[3]} IDX_SIZE[newsidx]=${saved[4]} IDX_CPU[newsidx]=${saved[5]}
    export CORPUS=$big
    # The x1 build went into the same folder; rebuild the big one for queries.
    log "rebuilding the x$FACTOR newsidx index for the queries"
    rm -rf "$WORK/index-newsidx"
    mkdir -p "$WORK/index-newsidx"
    index_newsidx "$WORK/index-newsidx"
fi

# -------------------------------------------------------------- queries ----

# The fixed query set: label, then the query in each tool's own syntax.
# newsidx ANDs bare terms, as do FTS5 and `quest -o and`; ripgrep gets the
# same words (case-insensitive, whole words), AND as a pipeline of two rg.
# QUERIES, Q_NEWSIDX and Q_FTS come from lib.sh (scale.sh runs the same set).
declare -A Q_RG=(
    [rare]="rg -l -i -w sorghum '$CORPUS'"
    [common]="rg -l -i -w market '$CORPUS'"
    [phrase]="rg -l -i -w -U 'interest\\s+rates' '$CORPUS'"
    [and]="rg -l -i -w oil '$CORPUS' | xargs -d '\\n' rg -l -i -w prices"
    [or]="rg -l -i -w -e wheat -e corn '$CORPUS'"
    [name]="rg -l -i -w volcker '$CORPUS'"
    [country]="rg -l -i -w trade '$CORPUS' | xargs -d '\\n' rg -l -i -w japan")

# `country:` is the documented filter; a build without it gets the field the
# country names are indexed in, so the timing still means something.
rc=0
"$NEWSIDX" search "${Q_NEWSIDX[country]}" --index "$WORK/index-newsidx" --count >/dev/null 2>&1 || rc=$?
if [[ $rc == 2 ]]; then
    log "this newsidx does not know '${Q_NEWSIDX[country]}'; timing 'trade countries:japan' instead"
    Q_NEWSIDX[country]='trade countries:japan'
fi

sql_quote() { printf "%s" "${1//\'/\'\'}"; }
# FTS5 queries go through a file, so no shell quoting gets in their way.
for q in "${QUERIES[@]}"; do
    printf "SELECT name, snippet(docs, 1, '[', ']', '…', 24) FROM docs WHERE docs MATCH '%s' ORDER BY rank LIMIT 10;\n" \
        "$(sql_quote "${Q_FTS[$q]}")" >"$WORK/fts-$q.sql"
    printf "SELECT count(*) FROM docs WHERE docs MATCH '%s';\n" "$(sql_quote "${Q_FTS[$q]}")" >"$WORK/fts-count-$q.sql"
done
# query_cmd TOOL LABEL: the command line hyperfine runs.
query_cmd() {
    local tool=$1 q=$2 dir=$WORK/index-$1
    case $tool in
        newsidx) printf "%s search '%s' --index %s" "$NEWSIDX" "${Q_NEWSIDX[$q]}" "$dir" ;;
        sqlite) printf "sqlite3 -readonly %s/fts.db '.read %s/fts-%s.sql'" "$dir" "$WORK" "$q" ;;
        xapian) printf "quest -d %s/db -o and -m 10 '%s'" "$dir" "${Q_FTS[$q]}" ;;
        tantivy) printf "tantivy search -i %s -q '%s'" "$dir" "${Q_FTS[$q]}" ;;
        rg) printf "%s" "${Q_RG[$q]}" ;;
    esac
}
# hits TOOL LABEL: matching documents, where the tool can say.
hits() {
    local tool=$1 q=$2 dir=$WORK/index-$1
    case $tool in
        newsidx) "$NEWSIDX" search "${Q_NEWSIDX[$q]}" --index "$dir" --count 2>/dev/null || true ;;
        sqlite) sqlite3 -readonly "$dir/fts.db" ".read $WORK/fts-count-$q.sql" ;;
        xapian) quest -d "$dir/db" -o and -m 0 -c 100000000 "${Q_FTS[$q]}" | sed -n 's/^\(Exactly\|About\|Between\) \([0-9]*\).*/\2/p' | head -1 ;;
        rg) { bash -c "${Q_RG[$q]}" || true; } | wc -l ;;
        *) echo "?" ;;
    esac
}

declare -A QMED QMIN QMAX QCPU QHITS SRSS
QTOOLS="newsidx"
for t in $INDEXED; do [[ $t != newsidx ]] && QTOOLS+=" $t"; done
have_peer rg && QTOOLS+=" rg"

# Query by query, every tool in turn: a tool's runs of one query follow
# the others' within seconds, so a drift in the machine's speed meets them all.
for tool in $QTOOLS; do SRSS[$tool]=0; done
for q in "${QUERIES[@]}"; do
    for tool in $QTOOLS; do
        cmd=$(query_cmd "$tool" "$q")
        shell=(-N)
        [[ $tool == rg ]] && shell=()
        hyperfine "${shell[@]}" -i --style none --warmup "$WARMUP" --runs "$RUNS" \
            --export-json "$WORK/hf.json" "$cmd" >/dev/null 2>"$WORK/hf.err" ||
            { log "$tool $q: hyperfine failed: $(cat "$WORK/hf.err")"; continue; }
        read -r med mn mx cpu < <(jq -r '.results[0] | "\(.median * 1000) \(.min * 1000) \(.max * 1000) \((.user + .system) * 1000)"' "$WORK/hf.json")
        QMED[$tool.$q]=$med QMIN[$tool.$q]=$mn QMAX[$tool.$q]=$mx QCPU[$tool.$q]=$cpu
        QHITS[$tool.$q]=$(hits "$tool" "$q")
        $TIME -f '%M' -o "$WORK/time.out" bash -c "$cmd" >/dev/null 2>&1 || true
        rss=$(tail -1 "$WORK/time.out")
        ((rss > SRSS[$tool])) && SRSS[$tool]=$rss
        log "$tool $q: median $(printf '%.1f' "$med") ms, ${QHITS[$tool.$q]} hits"
    done
done

# --------------------------------------------------------------- report ----

f1() { [[ -n $1 ]] && printf '%.1f' "$1" || printf '–'; }
f2() { [[ -n $1 ]] && printf '%.2f' "$1" || printf '–'; }
# Small ratios (newsidx against ripgrep) keep two significant digits.
ratio() { [[ -n $1 && -n $2 ]] && awk -v a="$1" -v b="$2" 'BEGIN {r = a / b; printf (r < 0.1 ? "%.2g" : "%.2f"), r}' || printf '–'; }
name_of() {
    case $1 in
        newsidx) echo "newsidx" ;; sqlite) echo "SQLite FTS5 (porter)" ;;
        xapian) echo "Xapian omindex + quest" ;; rg) echo "ripgrep (no index)" ;;
        tantivy) echo "tantivy-cli (jq NDJSON in)" ;;
    esac
}

declare -A QALL QALLCPU
for tool in $QTOOLS; do
    QALL[$tool]=$(for q in "${QUERIES[@]}"; do [[ -n ${QMED[$tool.$q]:-} ]] && echo "${QMED[$tool.$q]}"; done | median_of)
    QALLCPU[$tool]=$(for q in "${QUERIES[@]}"; do [[ -n ${QCPU[$tool.$q]:-} ]] && echo "${QCPU[$tool.$q]}"; done | median_of)
done

echo
echo "corpus: $CORPUS — $CORPUS_FILES files, $(mib "$CORPUS_BYTES") MiB; $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "index: median of $INDEX_RUNS whole-process builds [min–max]; queries: median of $RUNS runs after $WARMUP warm-up, median over the ${#QUERIES[@]} queries"
echo "ratios are newsidx ÷ peer (below 1: newsidx is faster or smaller); CPU is user + system time, which a busy machine disturbs less than wall time"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| tool | index s [min–max] | newsidx ÷ | index CPU s | index ÷ corpus | peak RSS indexing MiB | query ms (median) | newsidx ÷ | query CPU ms | newsidx ÷ | peak RSS search MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for tool in $QTOOLS; do
    if [[ -n ${IDX_MED[$tool]:-} ]]; then
        idx="$(f2 "${IDX_MED[$tool]}") [$(f2 "${IDX_MIN[$tool]}")–$(f2 "${IDX_MAX[$tool]}")]"
        idxr=$(ratio "${IDX_MED[newsidx]:-}" "${IDX_MED[$tool]}")
        size=$(ratio "${IDX_SIZE[$tool]}" "$CORPUS_BYTES")
        irss=$((IDX_RSS[$tool] / 1024))
    else
        idx="–" idxr="–" size="–" irss="–"
    fi
    echo "| $(name_of "$tool") | $idx | $idxr | $(f2 "${IDX_CPU[$tool]:-}") | $size | $irss | $(f1 "${QALL[$tool]}") | $(ratio "${QALL[newsidx]:-}" "${QALL[$tool]}") | $(f1 "${QALLCPU[$tool]}") | $(ratio "${QALLCPU[newsidx]:-}" "${QALLCPU[$tool]}") | $((SRSS[$tool] / 1024)) |"
done

echo
printf "| query (newsidx syntax) |"
for tool in $QTOOLS; do printf " %s ms [min–max] CPU (hits) |" "$tool"; done
for tool in $QTOOLS; do [[ $tool != newsidx ]] && printf " newsidx ÷ %s |" "$tool"; done
echo
printf "|---|"
for tool in $QTOOLS; do printf -- "---|"; [[ $tool != newsidx ]] && printf -- "---|"; done
echo
for q in "${QUERIES[@]}"; do
    printf "| %s: \`%s\` |" "$q" "${Q_NEWSIDX[$q]}"
    for tool in $QTOOLS; do
        printf " %s [%s–%s] %s (%s) |" "$(f1 "${QMED[$tool.$q]:-}")" "$(f1 "${QMIN[$tool.$q]:-}")" "$(f1 "${QMAX[$tool.$q]:-}")" "$(f1 "${QCPU[$tool.$q]:-}")" "${QHITS[$tool.$q]:-?}"
    done
    for tool in $QTOOLS; do
        [[ $tool != newsidx ]] && printf " %s |" "$(ratio "${QMED[newsidx.$q]:-}" "${QMED[$tool.$q]:-}")"
    done
    echo
done

# The issue's targets, checked against this run.
echo
check() { # check DESCRIPTION CONDITION_AWK_EXPR
    if [[ -z $2 ]]; then
        echo "- [ ] $1 (not measured)"
    elif awk "BEGIN {exit !($2)}"; then
        echo "- [x] $1"
    else
        echo "- [ ] $1"
    fi
}
n_idx=${IDX_MED[newsidx]:-}
n_q=${QALL[newsidx]:-}
echo "targets:"
[[ -n ${IDX_MED[sqlite]:-} ]] && check "index time ≤ SQLite FTS5's ($(f2 "$n_idx") s vs $(f2 "${IDX_MED[sqlite]}") s)" "$n_idx <= ${IDX_MED[sqlite]}"
if [[ -n $BASE_RATE ]]; then
    big_rate=$(awk -v b="$CORPUS_BYTES" -v t="$n_idx" 'BEGIN {printf "%.2f", b / 1048576 / t}')
    check "x$FACTOR corpus indexes at ≥ 90% of the x1 per-MB rate ($big_rate vs $BASE_RATE MiB/s)" "$big_rate >= 0.9 * $BASE_RATE"
fi
[[ -n ${QALL[xapian]:-} ]] && check "query median ≤ Xapian quest's ($(f1 "$n_q") ms vs $(f1 "${QALL[xapian]}") ms)" "$n_q <= ${QALL[xapian]}"
[[ $FACTOR -ge 20 ]] && check "query median ≤ 15 ms on the x$FACTOR corpus ($(f1 "$n_q") ms)" "$n_q <= 15"
if [[ -n ${QALL[rg]:-} ]]; then
    want=20
    [[ $FACTOR -ge 20 ]] && want=200
    check "≥ ${want}× faster than ripgrep ($(awk -v a="${QALL[rg]}" -v b="$n_q" 'BEGIN {printf "%.0f", a / b}')×)" "${QALL[rg]} >= $want * $n_q"
fi
check "index size ≤ 1.3× corpus ($(ratio "${IDX_SIZE[newsidx]:-}" "$CORPUS_BYTES")×)" "${IDX_SIZE[newsidx]:-0} <= 1.3 * $CORPUS_BYTES"
check "peak RSS indexing ≤ 150 MiB ($((${IDX_RSS[newsidx]:-0} / 1024)) MiB)" "${IDX_RSS[newsidx]:-0} <= 150 * 1024"
check "peak RSS searching ≤ 30 MiB ($((${SRSS[newsidx]:-0} / 1024)) MiB)" "${SRSS[newsidx]:-0} <= 30 * 1024"
