#!/usr/bin/env python3
"""Build a corpus FACTOR times larger than CORPUS, for benches/scale.sh.

    benches/scale-gen.py CORPUS DEST FACTOR

CORPUS is a folder of plain-text articles (title line, blank line,
paragraphs; Reuters-21578 as one .txt per story). DEST gets FACTOR copies
of every article, each a file of its own:

    DEST/YYYY/MM/DD/cKKK-NAME      (K = copy 0 … FACTOR-1)

- Dates: copy K is dated in year 1987 + K mod 30 (so 10x spans ten years
  and 100x thirty), and the files of one copy are spread over that year's
  days in their sorted order. newsidx reads the date from the path; the
  copies therefore fill a timeline, and `date:` and `--since` select parts.
- Ids: the path is the id, so every copy has its own.
- Text: copy 0 is the article unchanged (so 1x is the corpus itself, with
  dates). Every other copy is varied, deterministically (seeded by copy and
  file), so that terms, postings and near-duplicates are not trivially the
  same FACTOR times over:
  * words permuted: every word but the KEEP most frequent is replaced by
    another of about its frequency, by a permutation of the copy's own
    (copy_table), so word frequencies stay the corpus's but a copy's
    stories are its own, not near-duplicates of the other copies';
  * numbers other than years are shifted by the copy number (figures are
    a large share of a wire service's distinct terms);
  * the paragraphs after the first are shuffled (the title and the lead,
    which often carries the dateline, stay in place).

Generation is deterministic: the same CORPUS and FACTOR give the same files.
It runs on two processes (one per core) and prints files and bytes written.
"""

import os
import random
import re
import sys
from multiprocessing import Pool

# Words left as they are in every copy: the most frequent ones (function
# words, "said", "pct", "mln", ...), which carry phrases like "interest
# rates" and no story of their own.
KEEP = 300
# The other words are permuted, per copy, among the BAND words nearest them
# in frequency rank.
BAND = 64
WORDS = re.compile(r"([A-Za-z]+)")
NUMBER = re.compile(r"(?<![\d.,])\d+(?![\d])")
PARAGRAPH = re.compile(r"\n(?=[ \t]+\S)|\n\s*\n")


def vocabulary(sources):
    """The corpus's words in lower case, most frequent first (ties by word)."""
    counts = {}
    for raw in sources:
        for w in WORDS.findall(raw.decode("utf-8", errors="surrogateescape")):
            w = w.lower()
            counts[w] = counts.get(w, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


def copy_table(k):
    """Copy k's word map, as written in lower case, with a capital and in
    capitals: every word after the KEEP most frequent goes to another word
    of its frequency band (BAND words by rank), by a permutation of copy
    k's own. So a copy keeps the corpus's word frequencies (a query word
    finds as many articles in every copy) while its stories are not the
    first copy's: two words in five of Reuters' text are outside its 300
    most frequent, so three 3-word shingles in four change and the copies
    of an article are not near-duplicates of each other (the corpus's own
    near-duplicates stay near-duplicates within each copy)."""
    rng = random.Random(k * 7919)
    table = {}
    for start in range(KEEP, len(VOCABULARY), BAND):
        band = VOCABULARY[start:start + BAND]
        moved = band[:]
        rng.shuffle(moved)
        for a, b in zip(band, moved):
            if a != b:
                table[a] = b
                table[a[0].upper() + a[1:]] = b[0].upper() + b[1:]
                table[a.upper()] = b.upper()
    return table


def substitute(text, table):
    parts = WORDS.split(text)
    parts[1::2] = [table.get(w, w) for w in parts[1::2]]
    return "".join(parts)


def shift_numbers(text, k):
    def one(m):
        n = int(m.group(0))
        if 1900 <= n <= 2030 or len(m.group(0)) > 9:
            return m.group(0)
        return str(n + k)
    return NUMBER.sub(one, text)


def vary(text, k, seed, table):
    head, sep, body = text.partition("\n\n")
    if not sep:
        return substitute(text, table)
    paras = [p for p in PARAGRAPH.split(body) if p.strip()]
    if len(paras) > 2:
        rest = paras[1:]
        random.Random(seed).shuffle(rest)
        paras = paras[:1] + rest
    body = "\n".join(p if i == 0 or p[:1].isspace() else "    " + p for i, p in enumerate(paras))
    out = head + "\n\n" + body + "\n"
    return shift_numbers(substitute(out, table), k)


def write_copy(args):
    src, dest, files, k = args
    year = 1987 + k % 30
    n = len(files)
    made = set()
    count = size = 0
    table = copy_table(k) if k else {}
    for i, rel in enumerate(files):
        day = i * 365 // n
        # Day of the year → month and day, every month cut to 28 days.
        month, dom = day // 31 + 1, min(day % 31, 27) + 1
        folder = os.path.join(dest, f"{year:04}", f"{month:02}", f"{dom:02}")
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        raw = SOURCES[i]
        if k:
            text = raw.decode("utf-8", errors="surrogateescape")
            raw = vary(text, k, k * 1_000_003 + i, table).encode("utf-8", errors="surrogateescape")
        name = f"c{k:03}-" + rel.replace(os.sep, "-")
        # os.open/os.write: no buffered file object per file (2 M of them).
        fd = os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        count += 1
        size += len(raw)
    return count, size


SOURCES = []
VOCABULARY = []


def main():
    if len(sys.argv) != 4 or not sys.argv[3].isdigit() or int(sys.argv[3]) < 1:
        sys.exit("usage: benches/scale-gen.py CORPUS DEST FACTOR (FACTOR a positive integer)")
    src, dest, factor = sys.argv[1], sys.argv[2], int(sys.argv[3])
    files = sorted(
        os.path.relpath(os.path.join(d, f), src)
        for d, dirs, fs in os.walk(src)
        for f in fs
        if not f.startswith(".") and os.path.isfile(os.path.join(d, f))
    )
    if not files:
        sys.exit(f"scale-gen.py: {src}: no files")
    for rel in files:
        with open(os.path.join(src, rel), "rb") as f:
            SOURCES.append(f.read())
    VOCABULARY.extend(vocabulary(SOURCES))
    jobs = [(src, dest, files, k) for k in range(factor)]
    with Pool(min(2, factor)) as pool:
        done = pool.map(write_copy, jobs, chunksize=1)
    print(sum(c for c, _ in done), sum(s for _, s in done))


if __name__ == "__main__":
    main()
