#!/usr/bin/env python3
"""judge.py — recall and false alerts of xgate and pg_trgm on the evaluation set, as Markdown.

usage: judge.py EVALSET XGATE_OUT PG_OUT DEFAULT_THRESHOLD
EVALSET lines: category, expected record keys ("|"-joined, "-" for a negative), query.
XGATE_OUT / PG_OUT lines: query index, "key:score,…" (xgate: records scored >= 0.5, best 50;
pg_trgm: its top 10 under `%`, i.e. similarity >= 0.3). "# …" lines are ignored.

A positive is recalled at threshold t when one of its expected records scores >= t; a negative
raises a false alert at t when any record scores >= t.
"""
import sys

POS_ORDER = ["upper", "typo", "legal", "abbrev", "order", "cjk", "traditional", "hard"]


def load_eval(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        cat, exp, q = line.rstrip("\n").split("\t", 2)
        rows.append((cat, set(exp.split("|")) if exp != "-" else None, q))
    return rows


def load_results(path):
    res = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        idx, _, rest = line.rstrip("\n").partition("\t")
        hits = []
        for item in rest.split(","):
            if item:
                key, _, score = item.rpartition(":")
                hits.append((key, float(score)))
        res[int(idx)] = hits
    return res


def rates(rows, res, t):
    per = {}
    for i, (cat, exp, q) in enumerate(rows):
        hits = [k for k, s in res.get(i, []) if s >= t - 1e-9]
        ok = bool(exp & set(hits)) if exp is not None else bool(hits)
        n, k = per.get(cat, (0, 0))
        per[cat] = (n + 1, k + ok)
    return per


def summary(per):
    pos = [per[c] for c in per if not c.startswith("negative")]
    neg = [per[c] for c in per if c.startswith("negative")]
    pn, pk = sum(n for n, _ in pos), sum(k for _, k in pos)
    nn, nk = sum(n for n, _ in neg), sum(k for _, k in neg)
    return pk / max(pn, 1), nk / max(nn, 1), pn, nn


def pct(x):
    return f"{100 * x:.1f} %"


def main():
    rows = load_eval(sys.argv[1])
    xg, pg = load_results(sys.argv[2]), load_results(sys.argv[3])
    default = float(sys.argv[4])
    print("Threshold sweep (xgate; recall over all positive variants, false alerts over all"
          " negatives):\n")
    print("| threshold | recall | false-alert rate |")
    print("|---|---|---|")
    for t in (0.70, 0.72, 0.75, 0.78, 0.80, 0.82, 0.85, 0.88, 0.90, 0.95):
        r, f, pn, nn = summary(rates(rows, xg, t))
        mark = " **(default)**" if abs(t - default) < 1e-9 else ""
        print(f"| {t:.2f}{mark} | {pct(r)} | {pct(f)} |")
    xper, pper = rates(rows, xg, default), rates(rows, pg, 0.3)
    pper5 = rates(rows, pg, 0.5)
    print(f"\nBy category — xgate at its default threshold {default:.2f}, pg_trgm at its `%`"
          " default (similarity ≥ 0.3, top 10) and at similarity ≥ 0.5:\n")
    print("| category | queries | xgate | pg_trgm ≥ 0.3 | pg_trgm ≥ 0.5 |")
    print("|---|---|---|---|---|")
    cats = [c for c in POS_ORDER if c in xper] + sorted(c for c in xper if c.startswith("negative"))
    for c in cats:
        n, k = xper[c]
        label = c + (" (false alerts)" if c.startswith("negative") else " (recall)")
        print(f"| {label} | {n} | {pct(k / n)} | {pct(pper[c][1] / n)} | {pct(pper5[c][1] / n)} |")
    xr, xf, pn, nn = summary(xper)
    pr, pf, _, _ = summary(pper)
    pr5, pf5, _, _ = summary(pper5)
    print(f"| **all positives (recall)** | {pn} | **{pct(xr)}** | {pct(pr)} | {pct(pr5)} |")
    print(f"| **all negatives (false alerts)** | {nn} | **{pct(xf)}** | {pct(pf)} | {pct(pf5)} |")
    print(f"\n# xgate_recall {xr:.4f}\n# xgate_fa {xf:.4f}\n# pg_recall {pr:.4f}\n# pg_fa {pf:.4f}")


if __name__ == "__main__":
    main()
