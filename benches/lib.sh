# Shared by the benchmark scripts (compare.sh, ranking.sh): sourced, never
# run. It sets up the peers and builds their indexes the same way for every
# script, so a speed figure and a ranking figure are about the same indexes.
#
#   log MESSAGE...            to stderr, after the calling script's name
#   ensure COMMAND PACKAGE... install Debian packages for a missing command
#                             (as root or with passwordless sudo; never
#                             with NO_INSTALL=1); fails if it is still missing
#   pick_peers KNOWN -- PEER...   sets ACTIVE to " p1 p2" for each PEER that
#                             is there or could be installed; KNOWN is the
#                             space-separated list the script accepts
#   have_peer PEER            whether PEER is in ACTIVE
#   fts_index DB CORPUS [RELATIVE]   SQLite FTS5 table `docs(name, body)`
#                             with the porter tokenizer, one row per file of
#                             CORPUS read by fsdir(); RELATIVE=1 stores names
#                             relative to CORPUS (newsidx's ids)
#   xapian_index DB CORPUS    Xapian omindex of CORPUS, urls relative to it
#   install_newsidx DIR [BINARY]   copy BINARY into DIR and print the
#                             copy's path; without BINARY, first build it
#                             (release_build, into CARGO_TARGET_DIR if set)
#   release_build REPO        build newsidx as installed for speed (static
#                             on Linux with glibc) and print its path

log() { echo "$(basename "$0"): $*" >&2; }

ensure() { # ensure COMMAND PACKAGE...
    local cmd=$1
    shift
    command -v "$cmd" >/dev/null 2>&1 && return 0
    [[ ${NO_INSTALL:-0} == 1 ]] && return 1
    local sudo=()
    if [[ $(id -u) != 0 ]]; then
        sudo -n true 2>/dev/null || { log "$cmd missing and no root to install $*"; return 1; }
        sudo=(sudo -n)
    fi
    log "installing $* (for $cmd)"
    if [[ -z ${APT_UPDATED:-} ]]; then
        "${sudo[@]}" apt-get update -qq >&2 || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >&2 || return 1
    command -v "$cmd" >/dev/null 2>&1
}

pick_peers() { # pick_peers KNOWN -- PEER...
    local known=$1 p
    shift 2
    ACTIVE=""
    for p in "$@"; do
        if [[ " $known " != *" $p "* ]]; then
            log "unknown peer '$p' (known: $known)"
            exit 2
        fi
        case $p in
            sqlite) ensure sqlite3 sqlite3 && ACTIVE+=" sqlite" || log "skipping SQLite FTS5 (no sqlite3)" ;;
            xapian) ensure omindex xapian-omega xapian-tools && ensure quest xapian-tools &&
                ACTIVE+=" xapian" || log "skipping Xapian (no omindex/quest)" ;;
            rg) ensure rg ripgrep && ACTIVE+=" rg" || log "skipping ripgrep" ;;
            tantivy) command -v tantivy >/dev/null 2>&1 && ACTIVE+=" tantivy" ||
                log "skipping tantivy-cli (run: cargo install tantivy-cli)" ;;
        esac
    done
}

have_peer() { [[ " $ACTIVE " == *" $1 "* ]]; }

fts_index() { # fts_index DB CORPUS [RELATIVE]
    # All inside one sqlite3 process: fsdir() walks the folder, its data
    # column reads each file (the shell's fileio extension). Porter stemming;
    # content stored (FTS5's default), so snippet() works.
    local name=name
    [[ ${3:-0} == 1 ]] && name="substr(name, $((${#2} + 2)))"
    sqlite3 "$1" "
        CREATE VIRTUAL TABLE docs USING fts5(name, body, tokenize='porter');
        INSERT INTO docs(name, body)
            SELECT $name, CAST(data AS TEXT) FROM fsdir('$2')
            WHERE (mode & 61440) = 32768;"
}

xapian_index() { omindex --db "$1" --url / "$2" >/dev/null; }

# The flags of a static build on Linux with glibc (see release_build).
STATIC_RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static"

release_build() { # release_build REPO: build newsidx as installed, print its path
    # On Linux with glibc the binary a user installs for speed is linked
    # statically (README, Performance): a search process then starts without
    # the dynamic loader, 0.5 ms (a fifth) less per search here. A static
    # build needs an explicit --target, so that the flags reach newsidx's
    # code and not the proc-macros cargo builds for the host.
    local repo=$1 host
    host=$(rustc -vV | sed -n 's/^host: //p')
    if [[ $host == *-linux-gnu ]]; then
        log "building newsidx (static, cargo build --release --target $host)"
        (cd "$repo" && RUSTFLAGS=$STATIC_RUSTFLAGS cargo build --release --quiet --target "$host") ||
            return 1
        echo "${CARGO_TARGET_DIR:-$repo/target}/$host/release/newsidx"
    else
        log "building newsidx (cargo build --release)"
        (cd "$repo" && cargo build --release --quiet) || return 1
        echo "${CARGO_TARGET_DIR:-$repo/target}/release/newsidx"
    fi
}

install_newsidx() { # install_newsidx DIR [BINARY]
    local bin=${2:-} repo
    if [[ -z $bin ]]; then
        repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
        bin=$(release_build "$repo") || return 1
    fi
    [[ -x $bin ]] || { log "$bin is not an executable"; return 1; }
    # Run an installed copy, as `cargo install` leaves one and as the peers
    # come from packages: a binary fresh from the linker sits in the page
    # cache in small pages (the linker writes it through a memory map) and
    # starts 0.1 ms slower than the same file copied (7% of a search on this
    # machine).
    mkdir -p "$1"
    cp "$bin" "$1/newsidx.tmp"
    mv -f "$1/newsidx.tmp" "$1/newsidx"
    echo "$1/newsidx"
}

# The fixed query set of compare.sh and scale.sh: a label, then the query in
# newsidx's syntax and in FTS5's (which has no field filter).
QUERIES=(rare common phrase and or name country)
declare -A Q_NEWSIDX=(
    [rare]='sorghum' [common]='market' [phrase]='"interest rates"' [and]='oil prices'
    [or]='wheat OR corn' [name]='Volcker' [country]='trade country:japan')
declare -A Q_FTS=(
    [rare]='sorghum' [common]='market' [phrase]='"interest rates"' [and]='oil prices'
    [or]='wheat OR corn' [name]='Volcker' [country]='trade japan')
