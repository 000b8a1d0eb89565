#!/usr/bin/env python3
"""dilmanc's fuzzy lookups side by side with Translate Toolkit's translation memory.

Translate Toolkit (Debian package translate-toolkit, module translate.storage.tmdb) keeps
its memory in SQLite: a sources table, a targets table and an FTS3 table of the source
texts. TMDB.translate_unit(text, source_lang, target_lang) fetches candidate rows with one
SQL query (the full-text table when the text has more than three words of three letters or
more, ORed together; otherwise every source in the length window), scores each row in
Python with LevenshteinComparer and keeps those reaching min_similarity.

What this script does:
1. Reads ../shared/data/corpus/en-ru.tsv.gz (gzip + csv) and the query sets that
   `match_bench --write-queries FILE` writes (the match benchmark's 1,000 held-out sentences
   and, for each memory size, 1,000 edited memory sentences, seeded). The memory of size N
   is the first N corpus pairs that are not held out, in corpus order: the same units as
   the match benchmark's memory.
2. Grows one TMDB (a file in the work folder, units added with TMDB.add_list, context "")
   through the sizes and at each one times, in this process, one lookup at a time:
   - TMDB as shipped (translate_unit unchanged) on a few queries (--shipped N, at the sizes
     of --shipped-sizes): under SQLite 3.40 its full-text query is planned with the
     targets table outermost and the FTS3 MATCH evaluated again for every target row,
     seconds per query at 10,000 units;
   - TMDB in its fastest fair form on every query: the same translate_unit, the same SQL
     but with the full-text table first in the FROM clause, as
         FROM fulltext f CROSS JOIN sources s ON s.sid = f.docid
                         CROSS JOIN targets t ON s.sid = t.sid
     instead of
         FROM sources s JOIN targets t ON s.sid = t.sid JOIN fulltext f ON s.sid = f.docid
     SQLite 3.40 plans the shipped order for a plain reordered JOIN too (EXPLAIN QUERY PLAN
     is the same and so is the time), so the order is fixed with CROSS JOIN, SQLite's
     documented way to impose a join order. Same tables, conditions and rows, hence the
     same matches. How: FastTMDB below is a subclass whose `cursor` property wraps TMDB's
     cursor; its execute() replaces that FROM clause in the full-text query and nothing
     else (and fails if TMDB's SQL ever reads differently). translate_unit itself runs
     unmodified, including its Python scoring of every row;
   - TMDB as shipped after `ANALYZE` (on a copy of the file) on --analyze-sample queries:
     with statistics SQLite picks the full-text-first plan by itself.
3. Runs tmdb_compare_bench (the dilmanc half, built with dilmanc) on the same corpus,
   query file, sizes, minimum score and limit: FuzzyMatcher::find timed one lookup at a time
   in one process.
4. Prints both side by side: median and 99th percentile per query, in wall-clock and in
   CPU time (this thread's; the machine is shared, so CPU time is the figure of the code),
   recall, and the ratio of the medians; the load average before and after each phase.

Scores: both tools use minimum 75 and at most 5 matches. TMDB's similarity is
100 - 100 * (character Levenshtein distance) / (length of the longer string), on the raw
strings: case, punctuation and spaces count as character edits, and a word's weight is its
length. dilmanc's score is floor(100 * (L - D) / L) over words and numbers (D token edits,
L the longer token count), case and accents folded, then small penalties for case,
accents, punctuation, spacing and codes (docs/matching.md). Recall: an edited query is
found when its own memory sentence is among the matches with the best score (ties count);
a held-out query counts when it has any match at or above the minimum.

Usage (Debian's Python, where python3-translate is installed):
    build/bench/match_bench --write-queries QUERIES        (or let --build do it)
    /usr/bin/python3 bench/tmdb_compare.py --build BUILD_DIR [--sizes 10000,100000,342270]
        [--min 75] [--limit 5] [--shipped 6] [--shipped-sizes 10000] [--analyze-sample 100]
        [--max-queries SIZE:N,...] [--work DIR] [--shared DIR] [--queries FILE]
        [--skip-dilmanc | --reuse-tmdb] [--dilmanc-results FILE]
The TMDB half takes long (with --max-queries 342270:200, about 10 minutes of CPU and 45 of
wall clock on a loaded 2-core machine; every query at 342,270 units adds about 8 minutes of
CPU): it saves its figures in the work folder after each size, so `--skip-dilmanc` runs it alone and
`--reuse-tmdb` later puts a fresh dilmanc run beside them (or the --results FILE of a
tmdb_compare_bench run made meanwhile, with --dilmanc-results).
"""

import argparse
import csv
import gzip
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time

try:
    from translate.storage.tmdb import TMDB
    from translate.__version__ import sver as TRANSLATE_VERSION
except ImportError:
    sys.exit("tmdb_compare: the translate package is missing: apt-get install translate-toolkit, "
             "and run this script with Debian's Python (/usr/bin/python3)")

SHIPPED_FROM = "FROM sources s JOIN targets t ON s.sid = t.sid JOIN fulltext f ON s.sid = f.docid"
FAST_FROM = "FROM fulltext f CROSS JOIN sources s ON s.sid = f.docid CROSS JOIN targets t ON s.sid = t.sid"


class _FulltextFirstCursor:
    """TMDB's cursor, with its full-text query's FROM clause put full-text table first."""

    def __init__(self, cursor):
        self._cursor = cursor

    def execute(self, sql, *args):
        if "fulltext MATCH" in sql and "SELECT" in sql and "INSERT" not in sql:
            if SHIPPED_FROM not in " ".join(sql.split()):
                raise RuntimeError("TMDB's full-text query is not the one this benchmark rewrites")
            sql = " ".join(sql.split()).replace(SHIPPED_FROM, FAST_FROM)
        self._cursor.execute(sql, *args)
        return self

    def __iter__(self):
        return iter(self._cursor)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


class FastTMDB(TMDB):
    """TMDB whose translate_unit runs its own SQL with the full-text table first."""

    cursor = property(lambda self: _FulltextFirstCursor(self._get_connection(1)))


class Query:
    __slots__ = ("text", "expected")

    def __init__(self, text, expected=None):
        self.text = text
        self.expected = expected


def percentile(values, p):
    """The same nearest-rank percentile as the C++ benchmarks."""
    if not values:
        return 0.0
    v = sorted(values)
    k = int(p * (len(v) - 1) + 0.5)
    return v[min(k, len(v) - 1)]


def load():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def read_corpus(path):
    pairs = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        # The corpus has no quoting: a quote is text (bench/corpus.h splits at the first tab).
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 2:
                pairs.append((row[0], "\t".join(row[1:])))
    return pairs


def read_queries(path, pairs):
    held_index, held_out, edited = [], [], {}
    with open(path, encoding="utf-8", newline="\n") as f:
        for line_no, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 3 and fields[0] == "held-out":
                i = int(fields[1])
                if i >= len(pairs) or pairs[i][0] != fields[2]:
                    sys.exit("tmdb_compare: %s:%d: held-out query does not match the corpus" % (path, line_no))
                held_index.append(i)
                held_out.append(Query(fields[2]))
            elif len(fields) == 4 and fields[0] == "edited":
                edited.setdefault(int(fields[1]), []).append(Query(fields[2], fields[3]))
            else:
                sys.exit("tmdb_compare: %s:%d: not a query line" % (path, line_no))
    return held_index, held_out, edited


def time_lookups(tm, queries, limit):
    """Times tm.translate_unit on each query; returns per-query wall ms, CPU ms, results.

    TMDB passes the query's words to FTS3 as they are, so a query holding an FTS operator
    as a word ("NOT", "AND", "NEAR") is a malformed MATCH expression and translate_unit
    raises sqlite3.OperationalError: such a query counts as one without matches, and its
    time (that of the failed parse) is None and left out of the percentiles."""
    wall, cpu, found = [], [], []
    for q in queries:
        w0 = time.perf_counter()
        c0 = time.thread_time()
        try:
            results = tm.translate_unit(q.text, "en", "ru")
        except sqlite3.OperationalError:
            wall.append(None)
            cpu.append(None)
            found.append(None)
            continue
        cpu.append((time.thread_time() - c0) * 1e3)
        wall.append((time.perf_counter() - w0) * 1e3)
        found.append(results[:limit])
    return wall, cpu, found


def summarize(queries, wall, cpu, found):
    n = len(queries)
    errors = sum(1 for r in found if r is None)
    wall = [x for x in wall if x is not None]
    cpu = [x for x in cpu if x is not None]
    found = [r or [] for r in found]
    with_match = sum(1 for r in found if r)
    top = []
    for q, r in zip(queries, found):
        if q.expected is None:
            continue
        best = r[0]["quality"] if r else None
        top.append(any(m["source"] == q.expected and m["quality"] == best for m in r))
    return {
        "n": n,
        "wall_median": percentile(wall, 0.5), "wall_p99": percentile(wall, 0.99),
        "cpu_median": percentile(cpu, 0.5), "cpu_p99": percentile(cpu, 0.99),
        "with_match": 100.0 * with_match / n if n else 0.0,
        "top": (100.0 * sum(top) / len(top)) if top else None,
        "top_list": top,
        "errors": errors,
    }


def fmt_stats(label, s):
    line = ("  %-30s %5d queries  wall median %9.3f ms p99 %9.3f ms  cpu median %9.3f ms p99 %9.3f ms"
            "  with a match %5.1f%%" % (label, s["n"], s["wall_median"], s["wall_p99"], s["cpu_median"],
                                          s["cpu_p99"], s["with_match"]))
    if s["top"] is not None:
        line += "  own sentence top %5.1f%%" % s["top"]
    if s["errors"]:
        line += "  refused (malformed MATCH) %d" % s["errors"]
    return line


def dilmanc_stats(rows):
    wall = [r[0] for r in rows]
    cpu = [r[1] for r in rows]
    n = len(rows)
    return {
        "n": n,
        "wall_median": percentile(wall, 0.5), "wall_p99": percentile(wall, 0.99),
        "cpu_median": percentile(cpu, 0.5), "cpu_p99": percentile(cpu, 0.99),
        "with_match": 100.0 * sum(1 for r in rows if r[2] > 0) / n if n else 0.0,
        "top_list": [r[3] for r in rows],
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", help="dilmanc build folder (for bench/match_bench and bench/tmdb_compare_bench)")
    parser.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    parser.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "dilmanc-tmdb-compare"))
    parser.add_argument("--queries", help="query file of match_bench --write-queries (default: written with --build)")
    parser.add_argument("--sizes", default="10000,100000,342270")
    parser.add_argument("--min", type=int, default=75, help="minimum score of both tools")
    parser.add_argument("--limit", type=int, default=5, help="matches per query of both tools")
    parser.add_argument("--shipped", type=int, default=6,
                        help="queries timed with TMDB as shipped (half held-out, half edited)")
    parser.add_argument("--shipped-sizes", default="10000", help="sizes at which TMDB as shipped is timed")
    parser.add_argument("--analyze-sample", type=int, default=100,
                        help="queries per set timed with TMDB as shipped after ANALYZE (0: none)")
    parser.add_argument("--max-queries", default="",
                        help="SIZE:N,...: at that size only the first N queries of each set, on both sides")
    parser.add_argument("--show", type=int, default=5,
                        help="edited queries shown whose own sentence only one tool puts on top")
    parser.add_argument("--skip-dilmanc", action="store_true", help="TMDB only; its figures are saved in the work folder")
    parser.add_argument("--reuse-tmdb", action="store_true",
                        help="dilmanc only, side by side with the TMDB figures saved by an earlier run")
    parser.add_argument("--dilmanc-results", help="the --results FILE of an earlier tmdb_compare_bench run on the "
                        "same queries and sizes, instead of running it")
    args = parser.parse_args()

    sizes = sorted(int(s) for s in args.sizes.split(","))
    shipped_sizes = {int(s) for s in args.shipped_sizes.split(",") if s}
    corpus_path = os.path.join(args.shared, "data", "corpus", "en-ru.tsv.gz")
    if not os.path.exists(corpus_path):
        sys.exit("tmdb_compare: %s not found (use --shared DIR)" % corpus_path)
    os.makedirs(args.work, exist_ok=True)
    queries_path = args.queries
    if not queries_path:
        if not args.build:
            sys.exit("tmdb_compare: give --queries FILE or --build DIR")
        queries_path = os.path.join(args.work, "queries.tsv")
        subprocess.run([os.path.join(args.build, "bench", "match_bench"), "--shared", args.shared,
                        "--skip-million", "--write-queries", queries_path], check=True, stdout=subprocess.DEVNULL)
    dilmanc_bench = os.path.join(args.build, "bench", "tmdb_compare_bench") if args.build else None
    if not args.skip_dilmanc and not args.dilmanc_results and not (dilmanc_bench and os.path.exists(dilmanc_bench)):
        sys.exit("tmdb_compare: give --build DIR with bench/tmdb_compare_bench built, or --skip-dilmanc")

    print("translate-toolkit %s, SQLite %s, Python %s; min %d, limit %d" %
          (TRANSLATE_VERSION, sqlite3.sqlite_version, sys.version.split()[0], args.min, args.limit))
    pairs = read_corpus(corpus_path)
    held_index, held_out, edited = read_queries(queries_path, pairs)
    held = set(held_index)
    memory_pairs = [p for i, p in enumerate(pairs) if i not in held]
    print("corpus: %d pairs, %d held out, %d for the memory" % (len(pairs), len(held_out), len(memory_pairs)))
    for size in sizes:
        if size > len(memory_pairs) or size not in edited:
            sys.exit("tmdb_compare: no memory or no edited queries for %d units" % size)
    caps = {int(k): int(v) for k, v in (x.split(":") for x in args.max_queries.split(",") if x)}

    def cap(size, queries):
        return queries[: caps[size]] if size in caps else queries

    tmdb_path = os.path.join(args.work, "tmdb-results.json")
    if args.reuse_tmdb:
        with open(tmdb_path, encoding="utf-8") as f:
            saved = json.load(f)
        if not set(sizes) <= set(saved["sizes"]) or saved["queries"] != os.path.abspath(queries_path) or saved["caps"] != args.max_queries:
            sys.exit("tmdb_compare: %s was made with other sizes, queries or --max-queries" % tmdb_path)
        tmdb = {(int(k.split()[0]), k.split()[1]): v for k, v in saved["stats"].items()}
        print("TMDB figures of an earlier run: %s" % saved["when"])
    else:
        def save(tmdb):
            # After every size, so that a run stopped later keeps the sizes it finished.
            with open(tmdb_path + ".tmp", "w", encoding="utf-8") as f:
                json.dump({"sizes": sorted({k[0] for k in tmdb}), "queries": os.path.abspath(queries_path),
                           "caps": args.max_queries, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                           "stats": {"%d %s" % k: v for k, v in tmdb.items()}}, f)
            os.replace(tmdb_path + ".tmp", tmdb_path)

        tmdb = run_tmdb(args, sizes, shipped_sizes, memory_pairs, held_out, edited, cap, save)
    if args.skip_dilmanc:
        return
    side_by_side(args, sizes, dilmanc_bench, queries_path, tmdb, cap)


def run_tmdb(args, sizes, shipped_sizes, memory_pairs, held_out, edited, cap, save):
    db_path = os.path.join(args.work, "tmdb.db")
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    shipped = TMDB(db_path, max_candidates=args.limit, min_similarity=args.min)
    fast = FastTMDB(db_path, max_candidates=args.limit, min_similarity=args.min)

    tmdb = {}  # (size, kind) -> stats of the fast form
    added = 0
    for size in sizes:
        w0, c0 = time.perf_counter(), time.thread_time()
        shipped.add_list(({"source": en, "target": ru, "context": ""} for en, ru in memory_pairs[added:size]),
                         "en", "ru")
        print("\n%d units: TMDB grown by %d in %.1f s wall, %.1f s CPU; %s" %
              (size, size - added, time.perf_counter() - w0, time.thread_time() - c0, load()))
        added = size
        sys.stdout.flush()
        sets = {"held-out": cap(size, held_out), "edited": cap(size, edited[size])}

        if size in shipped_sizes and args.shipped > 0:
            sample = held_out[: (args.shipped + 1) // 2] + edited[size][: args.shipped // 2]
            wall, cpu, _ = time_lookups(shipped, sample, args.limit)
            print("  TMDB as shipped, one query at a time:")
            for q, w, c in zip(sample, wall, cpu):
                if w is None:
                    print("    refused (malformed MATCH expression): %r" % q.text)
                    continue
                words = len([x for x in q.text.split() if len(x) > 2])
                print("    %8.1f ms wall %8.1f ms CPU  (%s, %d chars, ~%d words of 3+ letters)" %
                      (w, c, "edited" if q.expected else "held-out", len(q.text), words))
            print("    median %.1f ms wall, %.1f ms CPU; %s" % (percentile([x for x in wall if x is not None], 0.5),
                                                          percentile([x for x in cpu if x is not None], 0.5), load()))
            sys.stdout.flush()

        timed = {}
        for kind, queries in sets.items():
            wall, cpu, found = time_lookups(fast, queries, args.limit)
            timed[kind] = (wall, cpu, found)
            s = summarize(queries, wall, cpu, found)
            s["examples"] = [[q.text, q.expected, [[m["quality"], m["source"]] for m in (r or [])[:2]]]
                             for q, r in zip(queries, found) if q.expected is not None]
            tmdb[(size, kind)] = s
            print(fmt_stats("TMDB full-text first, " + kind, s))
            sys.stdout.flush()

        if args.analyze_sample > 0:
            copy = os.path.join(args.work, "tmdb-analyzed.db")
            shipped.connection.commit()
            shutil.copyfile(db_path, copy)
            connection = sqlite3.connect(copy)
            connection.execute("ANALYZE")
            connection.commit()
            connection.close()
            analyzed = TMDB(copy, max_candidates=args.limit, min_similarity=args.min)
            for kind, queries in sets.items():
                sample = queries[: args.analyze_sample]
                wall, cpu, found = time_lookups(analyzed, sample, args.limit)
                print(fmt_stats("TMDB shipped + ANALYZE, " + kind, summarize(sample, wall, cpu, found)))
                n = len(sample)
                print(fmt_stats("  the same with full-text first", summarize(sample, *(x[:n] for x in timed[kind]))))
            analyzed.connection.close()
            del TMDB._tm_dbs[copy]
            os.remove(copy)
        print("  " + load())
        sys.stdout.flush()
        save(tmdb)

    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    print("\nTMDB side: %.1f s user + %.1f s system CPU in all" % (self_usage.ru_utime, self_usage.ru_stime))
    return tmdb


def side_by_side(args, sizes, dilmanc_bench, queries_path, tmdb, cap):
    results_path = args.dilmanc_results or os.path.join(args.work, "dilmanc-results.tsv")
    if not args.dilmanc_results:
        print("\ndilmanc (%s), %s" % (dilmanc_bench, load()))
        sys.stdout.flush()
        subprocess.run([dilmanc_bench, "--shared", args.shared, "--work", args.work, "--queries", queries_path,
                        "--sizes", ",".join(str(s) for s in sizes), "--min", str(args.min), "--limit", str(args.limit),
                        "--results", results_path], check=True)
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        print("dilmanc side (with match_bench --write-queries when run here): %.1f s user + %.1f s system CPU; %s" %
              (child.ru_utime, child.ru_stime, load()))
    rows = {}
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            size, kind, n, wall, cpu, count, best, top = line.rstrip("\n").split("\t")
            rows.setdefault((int(size), kind), []).append((float(wall), float(cpu), int(count), int(top), int(best)))

    print("\nSide by side (min %d, limit %d; times per query; CPU = this thread's CPU time)" % (args.min, args.limit))
    header = ("| units | queries | TMDB wall median / p99 | TMDB CPU median / p99 | dilmanc wall median / p99 "
              "| dilmanc CPU median / p99 | CPU median ratio | wall median ratio | recall TMDB | recall dilmanc |")
    print(header)
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    notes = []
    for size in sizes:
        for kind in ("held-out", "edited"):
            t = tmdb[(size, kind)]
            d = dilmanc_stats(cap(size, rows[(size, kind)]))
            if kind == "edited":
                recall_t = "%.1f %% top" % t["top"] + (" (%d refused)" % t.get("errors", 0) if t.get("errors") else "")
                recall_d = "%.1f %% top" % (100.0 * sum(d["top_list"]) / d["n"])
            else:
                recall_t = "%.1f %% any" % t["with_match"] + (" (%d refused)" % t.get("errors", 0) if t.get("errors") else "")
                recall_d = "%.1f %% any" % d["with_match"]
            print("| %s | %s | %.2f / %.2f ms | %.2f / %.2f ms | %.3f / %.3f ms | %.3f / %.3f ms | %.0f× | %.0f× | %s | %s |" %
                  ("{:,}".format(size), kind, t["wall_median"], t["wall_p99"], t["cpu_median"], t["cpu_p99"],
                   d["wall_median"], d["wall_p99"], d["cpu_median"], d["cpu_p99"],
                   t["cpu_median"] / max(d["cpu_median"], 1e-9), t["wall_median"] / max(d["wall_median"], 1e-9),
                   recall_t, recall_d))
            if kind == "edited":
                tt, dd = t["top_list"], d["top_list"][: len(t["top_list"])]
                only_t = [i for i, (a, b) in enumerate(zip(tt, dd)) if a and not b]
                only_d = [i for i, (a, b) in enumerate(zip(tt, dd)) if b and not a]
                notes.append("%s units, edited: own sentence top by TMDB only %d, by dilmanc only %d" %
                             ("{:,}".format(size), len(only_t), len(only_d)))
                for label, which in (("TMDB only", only_t), ("dilmanc only", only_d)):
                    for i in which[: args.show]:
                        text, expected, best = t["examples"][i]
                        notes.append("  %s: %r (from %r): TMDB %s; dilmanc best score %d" %
                                     (label, text, expected, best, rows[(size, "edited")][i][4]))
    for note in notes:
        print(note)
    print(load())


if __name__ == "__main__":
    main()
