#!/usr/bin/env python3
"""judge_zh.py — recall@3 and false alerts of Chinese queries at the default threshold, as Markdown.

usage: judge_zh.py [--misses DIR] THRESHOLD NAME QUERIES RESULTS [NAME QUERIES RESULTS]...
--misses writes DIR/misses_NAME.txt: every positive not found and every false alert, with the
first records reported (to read, not to tune the held-out set on).
QUERIES lines: category, expected record keys ("|"-joined, "-" for a negative), query.
RESULTS: `screen_bench run` output (query index, "key:score,…" best first).

A positive is found when one of its expected records is among the first three records reported at
or above the threshold; a negative is a false alert when any record is reported at or above it.
Prints one table row per category and set, then "# NAME recall R fa F" lines for scripts.
"""
import sys


def load(queries, results):
    rows = [line.rstrip("\n").split("\t", 2) for line in open(queries, encoding="utf-8")]
    res = {}
    for line in open(results, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        idx, _, rest = line.rstrip("\n").partition("\t")
        hits = []
        for item in filter(None, rest.split(",")):
            key, _, score = item.rpartition(":")
            hits.append((key, float(score)))
        res[int(idx)] = hits
    return rows, res


def judge(rows, res, t, misses=None):
    per = {}
    for i, (cat, exp, _q) in enumerate(rows):
        hits = [k for k, s in res.get(i, []) if s >= t - 1e-9]
        if exp == "-":
            ok = bool(hits)
        else:
            ok = bool(set(exp.split("|")) & set(hits[:3]))
        n, k = per.get(cat, (0, 0))
        per[cat] = (n + 1, k + ok)
        if misses is not None and ok == (exp == "-"):
            top = ",".join(f"{k}:{s:.3f}" for k, s in res.get(i, [])[:3])
            misses.write(f"{cat}\t{_q}\t{exp}\t{top}\n")
    return per


def main():
    args = sys.argv[1:]
    mdir = None
    if args[:1] == ["--misses"]:
        mdir, args = args[1], args[2:]
    t = float(args[0])
    args = args[1:]
    print(f"| set | category | queries | recall@3 / false alerts at {t:.2f} |")
    print("|---|---|---|---|")
    summary = []
    for j in range(0, len(args), 3):
        name, queries, results = args[j:j + 3]
        rows, res = load(queries, results)
        misses = open(f"{mdir}/misses_{name}.txt", "w", encoding="utf-8") if mdir else None
        per = judge(rows, res, t, misses)
        if misses:
            misses.close()
        for cat in sorted(per, key=lambda c: (c.startswith("negative"), c)):
            n, k = per[cat]
            what = "false alerts" if cat.startswith("negative") else "recall"
            print(f"| {name} | {cat} ({what}) | {n} | {100 * k / n:.1f} % |")
        pos = [per[c] for c in per if not c.startswith("negative")]
        neg = [per[c] for c in per if c.startswith("negative")]
        pn, pk = sum(n for n, _ in pos), sum(k for _, k in pos)
        nn, nk = sum(n for n, _ in neg), sum(k for _, k in neg)
        print(f"| {name} | **all positives (recall@3)** | {pn} | **{100 * pk / max(pn, 1):.1f} %** |")
        print(f"| {name} | **all negatives (false alerts)** | {nn} | **{100 * nk / max(nn, 1):.1f} %** |")
        summary.append(f"# {name} recall {pk / max(pn, 1):.4f} fa {nk / max(nn, 1):.4f}")
    print()
    print("\n".join(summary))


if __name__ == "__main__":
    main()
