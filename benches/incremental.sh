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

# One run → "wall_ms cpu_ms" (cpu = user + sys of the process).
run() {
    local TIMEFORMAT='%R %U %S' t
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' <<<"$t"
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
minimum() { printf '%s\n' "$@" | sort -n | head -1; }

files=$(find "$corpus" -type f | wc -l)
echo "corpus: $corpus ($files files), $runs runs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm the page cache, so both kinds of run see the same disk.
"$bin" index "$corpus" --index "$ix" --no-progress >/dev/null 2>&1
full_wall=() full_cpu=() again_wall=() again_cpu=()
for _ in $(seq "$runs"); do
    read -r w c < <(run "$bin" index "$corpus" --index "$ix" --rebuild --no-progress)
    full_wall+=("$w") full_cpu+=("$c")
    # Files modified within 2 s before a run are re-hashed by the next one
    # (the racy-mtime guard); a real archive's files are older than that.
    sleep 2
    for _ in 1 2 3; do
        read -r w c < <(run "$bin" index "$corpus" --index "$ix" --no-progress)
        again_wall+=("$w") again_cpu+=("$c")
    done
done
"$bin" index "$corpus" --index "$ix" --no-progress --format json |
    grep -E '"(added|updated|removed|unchanged|bytes|commits)"' | tr -d ' \n'
echo
report() { # name wall[] cpu[]
    local name=$1 n=$2
    shift 2
    local wall=("${@:1:n}") cpu=("${@:n+1}")
    printf '%-24s wall min %5d ms, median %5d ms; cpu median %5d ms  (wall: %s)\n' "$name" \
        "$(minimum "${wall[@]}")" "$(median "${wall[@]}")" "$(median "${cpu[@]}")" "${wall[*]}"
}
report "full index (--rebuild)" "${#full_wall[@]}" "${full_wall[@]}" "${full_cpu[@]}"
report "no-change re-index" "${#again_wall[@]}" "${again_wall[@]}" "${again_cpu[@]}"
awk -v aw="$(median "${again_wall[@]}")" -v fw="$(median "${full_wall[@]}")" \
    -v ac="$(median "${again_cpu[@]}")" -v fc="$(median "${full_cpu[@]}")" \
    'BEGIN { printf "no-change / full, medians: wall %.1f%%, cpu %.1f%%\n", 100 * aw / fw, 100 * ac / fc }'
