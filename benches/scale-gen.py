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
  * word substitutions from the fixed table SUBSTITUTIONS below (both
    directions); each copy turns on its own half of the table;
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

# Pairs of interchangeable words, common in news copy. Applied whole-word,
# keeping an initial capital.
SUBSTITUTIONS = [
    ("said", "stated"), ("market", "exchange"), ("prices", "rates"),
    ("price", "rate"), ("company", "firm"), ("government", "administration"),
    ("rise", "increase"), ("rose", "climbed"), ("fell", "dropped"),
    ("fall", "decline"), ("sales", "turnover"), ("profit", "earnings"),
    ("shares", "stock"), ("bank", "lender"), ("trade", "commerce"),
    ("talks", "negotiations"), ("officials", "authorities"),
    ("agreement", "accord"), ("plan", "proposal"), ("increase", "growth"),
    ("expected", "forecast"), ("million", "mln"), ("billion", "bln"),
    ("year", "twelvemonth"), ("week", "sennight"), ("month", "period"),
    ("large", "big"), ("small", "minor"), ("new", "fresh"),
    ("buy", "purchase"), ("sell", "dispose"), ("oil", "crude"),
    ("wheat", "grain"), ("meeting", "session"), ("president", "chairman"),
    ("minister", "secretary"), ("statement", "announcement"),
    ("reported", "announced"), ("economy", "economic activity"),
    ("production", "output"), ("exports", "shipments abroad"),
    ("imports", "purchases abroad"), ("tonnes", "metric tons"),
    ("quarter", "three months"), ("dollar", "greenback"),
    ("analysts", "observers"), ("industry", "sector"), ("strong", "robust"),
    ("weak", "soft"), ("higher", "greater"), ("lower", "smaller"),
    ("loss", "deficit"), ("debt", "borrowing"), ("offer", "bid"),
    ("demand", "appetite"), ("supply", "availability"),
    ("rates", "yields"), ("interest", "borrowing cost"),
    ("spokesman", "representative"), ("sources", "people familiar"),
    ("today", "on the day"), ("yesterday", "a day earlier"),
]
PAIRS = [(a, b) for a, b in SUBSTITUTIONS] + [(b, a) for a, b in SUBSTITUTIONS if " " not in b]
WORDS = re.compile(r"([A-Za-z]+)")
NUMBER = re.compile(r"(?<![\d.,])\d+(?![\d])")
PARAGRAPH = re.compile(r"\n(?=[ \t]+\S)|\n\s*\n")


def copy_table(k):
    """The half of the substitution table that copy k uses, as written in
    lower case, with a capital and in capitals."""
    rng = random.Random(k * 7919)
    table = {}
    for a, b in PAIRS:
        if rng.random() < 0.5 and a not in table:
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


def vary(text, k, seed):
    head, sep, body = text.partition("\n\n")
    if not sep:
        return substitute(text, TABLES[k])
    paras = [p for p in PARAGRAPH.split(body) if p.strip()]
    if len(paras) > 2:
        rest = paras[1:]
        random.Random(seed).shuffle(rest)
        paras = paras[:1] + rest
    body = "\n".join(p if i == 0 or p[:1].isspace() else "    " + p for i, p in enumerate(paras))
    out = head + "\n\n" + body + "\n"
    return shift_numbers(substitute(out, TABLES[k]), k)


def write_copy(args):
    src, dest, files, k = args
    year = 1987 + k % 30
    n = len(files)
    made = set()
    count = size = 0
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
            raw = vary(text, k, k * 1_000_003 + i).encode("utf-8", errors="surrogateescape")
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


TABLES = {}
SOURCES = []


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
    for k in range(factor):
        TABLES[k] = copy_table(k)
    for rel in files:
        with open(os.path.join(src, rel), "rb") as f:
            SOURCES.append(f.read())
    jobs = [(src, dest, files, k) for k in range(factor)]
    with Pool(min(2, factor)) as pool:
        done = pool.map(write_copy, jobs, chunksize=1)
    print(sum(c for c, _ in done), sum(s for _, s in done))


if __name__ == "__main__":
    main()
