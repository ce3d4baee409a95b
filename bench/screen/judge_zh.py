#!/usr/bin/env python3
"""judge_zh.py — recall@3 and false alerts of Chinese queries at the default threshold, as Markdown.

usage: judge_zh.py [--misses DIR] [--before DIR LABEL] [--covered WORDS] THRESHOLD NAME QUERIES RESULTS [NAME QUERIES RESULTS]...
--misses writes DIR/misses_NAME.txt: every positive not found and every false alert, with the
first records reported (to read, not to tune the held-out set on).
QUERIES lines: category, expected record keys ("|"-joined, "-" for a negative), query.
RESULTS: `screen_bench run` output (query index, "key:score,…" best first).

A positive is found when one of its expected records is among the first three records reported at
or above the threshold; a negative is a false alert when any record is reported at or above it.
--covered WORDS (build_zh_sets.py covered: one Chinese word a line, each an organisation's own
reading in zh_brands.tsv, zh_abbrev.tsv or zh_org_glossary.tsv) adds a table of every set's recall
split by whether the query holds one of those words ("glossary-covered") or not: the second is
the figure to believe for an organisation no glossary row names.
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


def judge(rows, res, t, misses=None, words=None):
    per = {}
    for i, (cat, exp, _q) in enumerate(rows):
        if words is not None:  # split positives by glossary coverage instead of category
            if exp == "-":
                continue
            cat = "covered" if any(w in _q for w in words) else "not covered"
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
    mdir = before = words = None
    while args[:1] in (["--misses"], ["--before"], ["--covered"]):
        if args[0] == "--misses":
            mdir = args[1]
        elif args[0] == "--covered":
            words = [w for w in open(args[1], encoding="utf-8").read().split() if w]
        else:  # DIR LABEL: DIR/r_<set>.out screened by an earlier build, same queries
            before = (args[1], args[2])
            args = args[1:]
        args = args[2:]
    t = float(args[0])
    args = args[1:]
    if before:
        print(f"| set | category | queries | before ({before[1]}) | after |")
        print("|---|---|---|---|---|")
    else:
        print(f"| set | category | queries | recall@3 / false alerts at {t:.2f} |")
        print("|---|---|---|---|")
    summary = []
    split = []

    def totals(per):
        pos = [per[c] for c in per if not c.startswith("negative")]
        neg = [per[c] for c in per if c.startswith("negative")]
        return (sum(n for n, _ in pos), sum(k for _, k in pos), sum(n for n, _ in neg),
                sum(k for _, k in neg))

    for j in range(0, len(args), 3):
        name, queries, results = args[j:j + 3]
        rows, res = load(queries, results)
        misses = open(f"{mdir}/misses_{name}.txt", "w", encoding="utf-8") if mdir else None
        per = judge(rows, res, t, misses)
        if misses:
            misses.close()
        pb = judge(rows, load(queries, f"{before[0]}/r_{name}.out")[1], t) if before else None

        def cell(p, cat):
            n, k = p.get(cat, (0, 0))
            return f"{100 * k / max(n, 1):.1f} %"

        for cat in sorted(per, key=lambda c: (c.startswith("negative"), c)):
            n, k = per[cat]
            what = "false alerts" if cat.startswith("negative") else "recall"
            b = f" {cell(pb, cat)} |" if pb else ""
            print(f"| {name} | {cat} ({what}) | {n} |{b} {cell(per, cat)} |")
        pn, pk, nn, nk = totals(per)
        if pb:
            _, bk, _, bnk = totals(pb)
            bp, bn = f" **{100 * bk / max(pn, 1):.1f} %** |", f" **{100 * bnk / max(nn, 1):.1f} %** |"
        else:
            bp = bn = ""
        print(f"| {name} | **all positives (recall@3)** | {pn} |{bp} **{100 * pk / max(pn, 1):.1f} %** |")
        print(f"| {name} | **all negatives (false alerts)** | {nn} |{bn} **{100 * nk / max(nn, 1):.1f} %** |")
        summary.append(f"# {name} recall {pk / max(pn, 1):.4f} fa {nk / max(nn, 1):.4f}")
        if words is not None and pn:
            cov = judge(rows, res, t, words=words)
            cb = judge(rows, load(queries, f"{before[0]}/r_{name}.out")[1], t, words=words) if before else None
            for c in ("covered", "not covered"):
                n, k = cov.get(c, (0, 0))
                b = f" {cell(cb, c)} |" if cb else ""
                split.append(f"| {name} | {c} | {n} |{b} {cell(cov, c)} |")
                summary.append(f"# {name} {c.replace(' ', '_')} {k / max(n, 1):.4f} n {n}")
    if split:
        print()
        print("Positives split by glossary coverage (a query holding a word that zh_brands.tsv,")
        print("zh_abbrev.tsv or zh_org_glossary.tsv reads as one organisation's own name is")
        print("\"covered\"; \"not covered\" is the figure for organisations no glossary row names):")
        print()
        print("| set | glossary | positives |" + (f" before ({before[1]}) |" if before else "") + " recall@3 |")
        print("|---|---|---|" + ("---|" if before else "") + "---|")
        print("\n".join(split))
    print()
    print("\n".join(summary))


if __name__ == "__main__":
    main()
