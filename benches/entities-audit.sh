#!/usr/bin/env bash
# Corpus-wide audit of the minister and country facets, for a person to
# review in minutes: the top values with their counts and, for each, a few
# articles with the words around the mention.
#
#   benches/entities-audit.sh CORPUS [TOP]
#
# Indexes CORPUS into a scratch index, then prints
#   1. the TOP (default 200) minister values (`newsidx stats`), each with the
#      roles and country codes it was given and SAMPLES articles (`newsidx
#      search minister:"…"`) showing the text around the name;
#   2. the TOP country values, each with SAMPLES articles and the text around
#      a word that names the country (names, adjectives, capitals from
#      schema/countries.tsv);
#   3. HITS (default 50) country hits drawn at random (fixed seed) from the
#      whole corpus with `newsidx parse`, each with its context: the sample to
#      judge "no country from a US state, a company or a person" on.
# Mark the wrong values by hand; the script judges nothing.
#
# Environment:
#   NEWSIDX=path     the binary (default: `cargo build --release` in this repo)
#   SAMPLES=3        articles shown per value
#   HITS=50          random country hits in part 3 (0: skip)
#   SEED=11          seed of the random draw
#   WORK=/tmp/newsidx-audit   scratch space (the index; removed at the end
#                    unless KEEP=1)
set -euo pipefail

usage() {
    echo "usage: benches/entities-audit.sh CORPUS [TOP]" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
CORPUS=$(cd "$1" && pwd) || { echo "entities-audit.sh: $1: not a folder" >&2; exit 2; }
TOP=${2:-200}
[[ $TOP =~ ^[1-9][0-9]*$ ]] || { echo "entities-audit.sh: TOP must be a positive integer, got '$TOP'" >&2; exit 2; }
SAMPLES=${SAMPLES:-3}
HITS=${HITS:-50}
SEED=${SEED:-11}
WORK=${WORK:-/tmp/newsidx-audit}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TSV=$REPO/schema/countries.tsv

for tool in jq perl shuf; do
    command -v "$tool" >/dev/null || { echo "entities-audit.sh: needs $tool" >&2; exit 2; }
done
if [[ -z ${NEWSIDX:-} ]]; then
    (cd "$REPO" && cargo build --release --quiet)
    NEWSIDX=${CARGO_TARGET_DIR:-$REPO/target}/release/newsidx
fi
[[ -x $NEWSIDX ]] || { echo "entities-audit.sh: $NEWSIDX is not executable" >&2; exit 2; }

mkdir -p "$WORK"
INDEX=$WORK/index
cleanup() { [[ ${KEEP:-0} == 1 ]] || rm -rf "$INDEX"; }
trap cleanup EXIT
"$NEWSIDX" index "$CORPUS" --index "$INDEX" --rebuild --no-progress --format json >/dev/null
export NEWSIDX_INDEX=$INDEX

# The words around a mention: the occurrence of any of the patterns (one per
# line in $PATS, matched as whole words) closest to an occurrence of $NEAR
# (case-insensitive; empty: the first occurrence). Newlines become spaces.
context() { # FILE
    PATS=$PATS NEAR=${NEAR:-} perl -0777 -ne '
        s/\s+/ /g;
        my @pats = grep { length } split /\n/, $ENV{PATS};
        exit unless @pats;
        my $re = join "|", map { quotemeta } sort { length $b <=> length $a } @pats;
        my @at;
        while (/(?<![\w.])(?:$re)(?!\w)/g) { push @at, [$-[0], $+[0]] }
        exit unless @at;
        my $best = $at[0];
        if (length $ENV{NEAR}) {
            my @near;
            my $n = quotemeta $ENV{NEAR};
            while (/$n/gi) { push @near, $-[0] }
            my $d = 1e18;
            for my $a (@at) {
                for my $p (@near) {
                    my $x = abs($a->[0] - $p);
                    if ($x < $d) { $d = $x; $best = $a }
                }
            }
        }
        my ($s, $e) = @$best;
        my $from = $s > 90 ? $s - 90 : 0;
        my $pre = substr($_, $from, $s - $from);
        my $hit = substr($_, $s, $e - $s);
        my $post = substr($_, $e, 90);
        print "…$pre«$hit»$post…\n";
    ' "$1"
}

# Every way countries.tsv writes a country code's name (traps and former-state
# marks stripped), one per line.
aliases() { # CODE
    awk -F'\t' -v c="$1" '$1 == c {
        n = split($2 ";" $3 ";" $4 ";" $5, a, ";")
        for (i = 1; i <= n; i++) {
            x = a[i]; gsub(/^[!~]+/, "", x); sub(/\^.*/, "", x)
            if (x != "") print x
        }
    }' "$TSV"
}

STATS=$("$NEWSIDX" stats --top "$TOP" --format json)
echo "# Entity audit of $CORPUS"
echo "# $(jq -r '"\(.documents) documents, \(.distinct_ministers) distinct ministers, \(.distinct_countries) distinct countries"' <<<"$STATS")"
echo "# newsidx: $NEWSIDX ($("$NEWSIDX" --version 2>/dev/null || echo '?'))"
echo

echo "## Ministers: top $TOP by documents"
i=0
while IFS=$'\t' read -r count value; do
    i=$((i + 1))
    q=$(jq -rn --arg v "$value" '"minister:\"" + ($v | gsub("\""; "")) + "\""')
    hits=$("$NEWSIDX" search "$q" --limit 50 --format json 2>/dev/null || echo '{"hits":[]}')
    # Only articles whose facet value is exactly this one.
    mine=$(jq -c --arg v "$value" '[.hits[] | select(.ministers | index($v))]' <<<"$hits")
    roles=$(jq -r --arg v "$value" '[.[].minister_roles[] | select(.name == $v)
        | "\(.role) (\(.country_code // "-"))"] | group_by(.) | map("\(.[0]) ×\(length)") | join("; ")' <<<"$mine")
    printf '%3d. %5d  %s   [%s]\n' "$i" "$count" "$value" "$roles"
    while IFS=$'\t' read -r id path role; do
        ctx=$(PATS=$value NEAR=$role context "$path")
        if [[ -z $ctx ]]; then
            ctx=$(PATS=${value##* } NEAR=$role context "$path")
        fi
        printf '        %s  %s\n' "$id" "$ctx"
    done < <(jq -r --arg v "$value" --argjson n "$SAMPLES" '.[:$n][]
        | [.id, .path, ([.minister_roles[] | select(.name == $v) | .role][0] // "")] | @tsv' <<<"$mine")
done < <(jq -r '.ministers[] | [.count, .value] | @tsv' <<<"$STATS")
echo

echo "## Countries: top $TOP by documents"
i=0
while IFS=$'\t' read -r count value code; do
    i=$((i + 1))
    printf '%3d. %5d  %s (%s)\n' "$i" "$count" "$value" "$code"
    pats=$(aliases "$code")
    while IFS=$'\t' read -r id path; do
        printf '        %s  %s\n' "$id" "$(PATS=$pats context "$path")"
    done < <("$NEWSIDX" search "country:$code" --limit "$SAMPLES" --format json 2>/dev/null \
        | jq -r '.hits[] | [.id, .path] | @tsv')
done < <(jq -r '.countries[] | [.count, .value, (.code // "")] | @tsv' <<<"$STATS")
echo

if [[ $HITS -gt 0 ]]; then
    echo "## Countries: $HITS hits drawn at random (seed $SEED)"
    n=0
    while IFS= read -r -d '' file && [[ $n -lt $HITS ]]; do
        while IFS=$'\t' read -r code name; do
            [[ $n -lt $HITS ]] || break
            n=$((n + 1))
            printf '%3d. %s (%s)  %s\n        %s\n' "$n" "$name" "$code" "${file#"$CORPUS"/}" \
                "$(PATS=$(aliases "$code") context "$file")"
        done < <("$NEWSIDX" parse "$file" --format json 2>/dev/null \
            | jq -r '.documents[]? | [.country_codes, .countries] | transpose[] | @tsv' \
            | shuf --random-source=<(yes "$SEED") -n 1)
    done < <(find "$CORPUS" -type f -print0 | sort -z | shuf -z --random-source=<(yes "$SEED"))
fi
