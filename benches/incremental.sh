#!/usr/bin/env bash
# Full index vs re-index of an unchanged corpus, release build, whole
# processes. The issue's target: the no-change run costs under 5% of the
# full one on ~20,000 files (Reuters-21578 has 19,043).
#
#   benches/incremental.sh /work/shared/corpora/reuters21578/articles [RUNS]
#
# Prints every timing, then min and median of each kind and their ratio.
set -euo pipefail
corpus=${1:?usage: benches/incremental.sh CORPUS [RUNS]}
runs=${2:-5}
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/newsidx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ix=$tmp/ix

ms() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}

stats() { # name values… → "name: min X ms, median Y ms"
    local name=$1
    shift
    local sorted
    sorted=$(printf '%s\n' "$@" | sort -n)
    local n=$#
    local min median
    min=$(echo "$sorted" | head -1)
    median=$(echo "$sorted" | sed -n "$(((n + 1) / 2))p")
    echo "$name: min $min ms, median $median ms (runs: $*)"
}

files=$(find "$corpus" -type f | wc -l)
echo "corpus: $corpus ($files files)"
# Warm the page cache, so both kinds of run see the same disk.
"$bin" index "$corpus" --index "$ix" --no-progress >/dev/null 2>&1
full=()
again=()
for _ in $(seq "$runs"); do
    full+=("$(ms "$bin" index "$corpus" --index "$ix" --rebuild --no-progress)")
    # Files modified within 2 s of the full run would be re-hashed once (the
    # racy-mtime guard); a real archive's files are older than that.
    sleep 2
    for _ in 1 2 3; do
        again+=("$(ms "$bin" index "$corpus" --index "$ix" --no-progress)")
    done
done
"$bin" index "$corpus" --index "$ix" --no-progress --format json |
    grep -E '"(added|updated|removed|unchanged|bytes|commits)"' | tr -d ' \n'
echo
stats "full index (--rebuild)" "${full[@]}"
stats "no-change re-index    " "${again[@]}"
fmin=$(printf '%s\n' "${full[@]}" | sort -n | sed -n "$(((${#full[@]} + 1) / 2))p")
amin=$(printf '%s\n' "${again[@]}" | sort -n | sed -n "$(((${#again[@]} + 1) / 2))p")
awk -v a="$amin" -v f="$fmin" 'BEGIN { printf "no-change / full (medians): %.1f%%\n", 100 * a / f }'
