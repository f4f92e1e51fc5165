#!/usr/bin/env bash
# Ranking quality: newsidx against SQLite FTS5 and Xapian on a judged
# collection, same queries, same metrics, same run.
#
#   benches/ranking.sh JUDGED_DIR CORPUS
#
# JUDGED_DIR holds queries.tsv (query_id<TAB>query) and qrels.tsv
# (query_id<TAB>doc_id<TAB>grade), as `newsidx eval` reads them; doc ids are
# paths relative to CORPUS (newsidx's ids). Every system gets each query's
# words ORed: the query text is cut into words (letters and digits, with the
# apostrophes and hyphens inside a word kept for the analyzers that use them),
# so natural-language queries need no escaping and no system sees syntax.
#
# One evaluator (python3, below) scores every system's top DEPTH ids exactly
# as `newsidx eval` does: P@K, nDCG@K (gain 2^grade-1, discount
# log2(rank+1)), MRR and MAP over the top DEPTH, unjudged = not relevant.
# It prints one Markdown table, ratios newsidx ÷ best peer, and exits 1 when
# newsidx's MAP or P@K is below the best peer's (2 on a usage error).
#
# How each system is run:
#   newsidx  index CORPUS --rebuild; search --default-operator or -n DEPTH --duplicates show
#            (plus $NEWSIDX_ARGS, e.g. NEWSIDX_ARGS=--expand)
#   SQLite   fts5(name, body, tokenize='porter'), content read with fsdir()
#            as benches/compare.sh does; `MATCH '"w1" OR "w2"' ORDER BY rank`
#            (FTS5's bm25, both columns weight 1)
#   Xapian   omindex --db DB --url / CORPUS; quest -o or (BM25 weighting,
#            English stemmer, quest's defaults)
#
# Environment:
#   NEWSIDX=PATH     the newsidx binary to measure (default: build the
#                    release binary with cargo and use it)
#   NEWSIDX_ARGS     extra arguments for every newsidx search
#   PEERS="sqlite xapian"   which peers to run
#   DEPTH=100  K=10  ranking depth and the cut-off of P@K and nDCG@K
#   WORK=/tmp/newsidx-ranking   scratch space; peer indexes are kept there
#                    and reused while the corpus is unchanged (REINDEX=1
#                    rebuilds them)
#   NO_INSTALL=1     never call apt-get; skip peers that are missing
set -euo pipefail

usage() {
    echo "usage: benches/ranking.sh JUDGED_DIR CORPUS" >&2
    exit 2
}
[[ $# -eq 2 ]] || usage
JUDGED=$(cd "$1" && pwd) || { echo "ranking.sh: $1: not a folder" >&2; exit 2; }
CORPUS=$(cd "$2" && pwd) || { echo "ranking.sh: $2: not a folder" >&2; exit 2; }
for f in queries.tsv qrels.tsv; do
    [[ -f $JUDGED/$f ]] || { echo "ranking.sh: $JUDGED/$f is missing" >&2; exit 2; }
done
PEERS=${PEERS:-"sqlite xapian"}
DEPTH=${DEPTH:-100}
K=${K:-10}
WORK=${WORK:-/tmp/newsidx-ranking}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# shellcheck source=benches/lib.sh
source "$REPO/benches/lib.sh"

ensure python3 python3 || { log "python3 is required (it scores the runs)"; exit 2; }
# shellcheck disable=SC2086
pick_peers "sqlite xapian" -- $PEERS

if [[ -z ${NEWSIDX:-} ]]; then
    NEWSIDX=$(install_newsidx "$WORK/bin") || exit 2
fi
[[ -x $NEWSIDX ]] || { log "$NEWSIDX is not an executable"; exit 2; }

# Scratch space per corpus, so two collections do not share indexes.
key=$(printf '%s' "$CORPUS" | cksum | cut -d' ' -f1)
DIR=$WORK/$key
RUNS=$DIR/runs
mkdir -p "$DIR" "$RUNS"
stamp="$CORPUS $(find "$CORPUS" -type f -printf '%s %T@\n' | cksum)"
if [[ ${REINDEX:-0} == 1 || ! -f $DIR/stamp || $(cat "$DIR/stamp") != "$stamp" ]]; then
    rm -rf "$DIR/fts.db" "$DIR/xapian"
    echo "$stamp" >"$DIR/stamp.new"
fi

# The words of each query, one line per query: "id<TAB>w1 w2 ...".
python3 - "$JUDGED/queries.tsv" >"$DIR/words.tsv" <<'EOF'
import re, sys
seen = False
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    qid, _, text = line.partition("\t")
    if not seen and qid == "query_id":
        seen = True
        continue
    seen = True
    # Words: letters/digits, with apostrophes and hyphens inside a word.
    words = re.findall(r"\w+(?:['’\-]\w+)*", text.replace("_", " "))
    print(qid + "\t" + " ".join(words))
EOF

# ---------------------------------------------------------------- runs ----

log "indexing $CORPUS with newsidx"
"$NEWSIDX" index "$CORPUS" --index "$DIR/newsidx" --rebuild --no-progress >/dev/null 2>"$DIR/newsidx-index.err" ||
    { log "newsidx index failed: $(tail -3 "$DIR/newsidx-index.err")"; exit 2; }
: >"$RUNS/newsidx.tsv"
while IFS=$'\t' read -r qid words; do
    [[ -n $words ]] || continue
    # Operator words in capitals would be syntax; as words they mean the same
    # lower-cased to the analyzer.
    q=$(printf '%s' "$words" | sed -E 's/(^| )(AND|OR|NOT)( |$)/\1\L\2\3/g; s/(^| )(AND|OR|NOT)( |$)/\1\L\2\3/g')
    # shellcheck disable=SC2086
    # --duplicates show: judgments are per article and the peers fold
    # nothing (folding near-duplicates cost BBC 0.085 MAP against them).
    "$NEWSIDX" search "$q" --index "$DIR/newsidx" --default-operator or -n "$DEPTH" \
        --duplicates show --format ndjson --snippet-chars 1 --color never ${NEWSIDX_ARGS:-} 2>/dev/null |
        python3 -c '
import json, sys
for i, line in enumerate(sys.stdin):
    print(sys.argv[1] + "\t" + json.loads(line)["id"] + "\t" + str(i + 1))
' "$qid" >>"$RUNS/newsidx.tsv" || true
done <"$DIR/words.tsv"

if have_peer sqlite; then
    if [[ ! -f $DIR/fts.db ]]; then
        log "indexing $CORPUS with SQLite FTS5"
        fts_index "$DIR/fts.db.tmp" "$CORPUS" 1
        mv "$DIR/fts.db.tmp" "$DIR/fts.db"
    fi
    : >"$RUNS/sqlite.tsv"
    while IFS=$'\t' read -r qid words; do
        [[ -n $words ]] || continue
        # Each word a quoted FTS5 string (a quote inside doubled), ORed.
        m=$(printf '%s\n' $words | sed 's/"/""/g; s/.*/"&"/' | paste -sd' ' | sed 's/" "/" OR "/g')
        printf "SELECT name FROM docs WHERE docs MATCH '%s' ORDER BY rank LIMIT %d;\n" "${m//\'/\'\'}" "$DEPTH" |
            sqlite3 -readonly "$DIR/fts.db" | awk -v q="$qid" '{print q "\t" $0 "\t" NR}' >>"$RUNS/sqlite.tsv"
    done <"$DIR/words.tsv"
fi

if have_peer xapian; then
    if [[ ! -d $DIR/xapian ]]; then
        log "indexing $CORPUS with Xapian omindex (about a minute for Reuters-21578)"
        xapian_index "$DIR/xapian.tmp" "$CORPUS"
        mv "$DIR/xapian.tmp" "$DIR/xapian"
    fi
    : >"$RUNS/xapian.tsv"
    while IFS=$'\t' read -r qid words; do
        [[ -n $words ]] || continue
        quest -d "$DIR/xapian" -o or -m "$DEPTH" -- "$words" |
            sed -n 's|^url=/||p' | awk -v q="$qid" '{print q "\t" $0 "\t" NR}' >>"$RUNS/xapian.tsv"
    done <"$DIR/words.tsv"
fi
[[ -f $DIR/stamp.new ]] && mv "$DIR/stamp.new" "$DIR/stamp"

# -------------------------------------------------------------- scoring ----

python3 - "$JUDGED" "$RUNS" "$K" "newsidx$ACTIVE" "$CORPUS" <<'EOF'
import math, os, sys
judged_dir, runs, k, systems, corpus = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(), sys.argv[5]

def rows(path):
    first = True
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if first and cols[0] == "query_id":
            first = False
            continue
        first = False
        yield cols

qrels = {}
for qid, doc, grade, *_ in rows(os.path.join(judged_dir, "qrels.tsv")):
    qrels.setdefault(qid, {})[doc] = int(grade)
topics = [cols[0] for cols in rows(os.path.join(judged_dir, "queries.tsv"))]
topics = [t for t in topics if any(g > 0 for g in qrels.get(t, {}).values())]

def metrics(ranked, judged):
    g = lambda d: judged.get(d, 0)
    rel = sum(1 for v in judged.values() if v > 0)
    p = sum(1 for d in ranked[:k] if g(d) > 0) / k
    rr = next((1 / (i + 1) for i, d in enumerate(ranked) if g(d) > 0), 0.0)
    hits, s = 0, 0.0
    for i, d in enumerate(ranked):
        if g(d) > 0:
            hits += 1
            s += hits / (i + 1)
    ap = s / rel
    dcg = lambda gs: sum((2 ** x - 1) / math.log2(i + 2) for i, x in enumerate(gs))
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    nd = dcg([g(d) for d in ranked[:k]]) / ideal if ideal else 0.0
    return ap, p, nd, rr

names = {"newsidx": "newsidx", "sqlite": "SQLite FTS5 (bm25, porter)", "xapian": "Xapian (BM25, English stemmer)"}
table = {}
returned = set()
for s in systems:
    run = {}
    for qid, doc, rank in rows(os.path.join(runs, s + ".tsv")):
        run.setdefault(qid, []).append(doc)
        returned.add(doc)
    ms = [metrics(run.get(t, []), qrels[t]) for t in topics]
    table[s] = [sum(m[i] for m in ms) / len(ms) for i in range(4)]

# Judged ids are paths relative to a corpus folder: with another folder no
# run names a judged document, and every figure would be a silent 0.
judged_ids = {d for v in qrels.values() for d in v}
if not returned & judged_ids:
    print(f"ranking.sh: no system returned a judged document: qrels.tsv names documents "
          f"like {min(judged_ids)!r}, the runs like {min(returned) if returned else None!r}; "
          f"give as CORPUS the folder the judged ids are relative to", file=sys.stderr)
    sys.exit(2)

print()
print(f"collection: {judged_dir} ({len(topics)} queries with a relevant judgment, "
      f"{sum(len(v) for v in qrels.values())} judgments); corpus: {corpus}")
print(f"every system gets each query's words ORed; metrics over the top {os.environ.get('DEPTH', 100)} "
      f"(MAP, MRR) and the top {k} (P@{k}, nDCG@{k})")
print()
print(f"| system | MAP | P@{k} | nDCG@{k} | MRR |")
print("|---|---|---|---|---|")
for s in systems:
    print(f"| {names[s]} | " + " | ".join(f"{v:.3f}" for v in table[s]) + " |")
peers = [s for s in systems if s != "newsidx"]
code = 0
if peers:
    best = [max(table[s][i] for s in peers) for i in range(4)]
    ratios = [table["newsidx"][i] / best[i] if best[i] else float("nan") for i in range(4)]
    print("| newsidx ÷ best peer | " + " | ".join(f"{r:.3f}" for r in ratios) + " |")
    if table["newsidx"][0] < best[0] or table["newsidx"][1] < best[1]:
        print(f"\nnewsidx is below the best peer on MAP or P@{k}")
        code = 1
    else:
        print(f"\nnewsidx is at or above the best peer on MAP and P@{k}")
sys.exit(code)
EOF
