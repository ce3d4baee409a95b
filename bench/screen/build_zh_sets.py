#!/usr/bin/env python3
"""build_zh_sets.py — the query files of bench/bench_zh.sh (Chinese names of organisations listed
in English, issue 13).

  build_zh_sets.py strip METI_IN METI_OUT
      copy the METI/CSL name list without its original-script forms: "English (原文)" keeps
      "English", a line of Han alone is dropped. The held-out set's list_alias rows are those forms,
      so the list screened must not hold them.
  build_zh_sets.py queries DUMP EVAL_TSV DEV_TSV HELDOUT_TSV OUTDIR [NEGDEV_TSV]
      write OUTDIR/q_eval.tsv (the evaluation set's Chinese rows: cjk, traditional, negative_org_zh),
      OUTDIR/q_dev.tsv and OUTDIR/q_heldout.tsv (and OUTDIR/q_negdev.tsv, the tuning negatives of
      NEGDEV_TSV), each line "category, expected keys, query" as
      judge.py reads them. A row's expected keys are every record holding its listed name in DUMP
      (`screen_bench dump` of the lists screened); a listed name no record holds stops the build.
      Official rows get a traditional-character twin (ICU Hans-Hant) in category "traditional", and
      so do the dev set's short and brand rows (the held-out set's short rows do not: it is kept as
      it was when first screened).
  build_zh_sets.py covered DATA_TEXT_DIR OUT
      write OUT: the Chinese words, simplified and traditional (ICU Hans-Hant), whose reading is one
      organisation's own — every row of zh_brands.tsv and zh_abbrev.tsv, and the rows of
      zh_org_glossary.tsv that name one institution or group (ORG_SPECIFIC) — for judge_zh.py
      --covered: a positive whose query holds one is "glossary-covered", its recall a measure of
      the glossaries' coverage rather than of rules that generalise to unseen organisations.
"""
import re
import subprocess
import sys

HAN_PAREN = re.compile(r"\s*[（(][^()（）]*[\u3400-\u9fff][^()（）]*[)）]")
HAN = re.compile(r"[\u3400-\u9fff]")


def strip(src, dst):
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            line = line.rstrip("\n")
            kept = HAN_PAREN.sub("", line).rstrip()
            if kept and not (HAN.search(kept) and not re.search(r"[A-Za-z]", kept)):
                out.write(kept + "\n")


# zh_org_glossary.tsv rows whose English is one institution's or group's own name rather than a
# translation of words: the "established English names" (listed universities), the Academy of
# Military Sciences, and the state groups' initials (zh13g)
ORG_SPECIFIC = {"北京理工大学", "哈尔滨工业大学", "哈尔滨工程大学", "西北工业大学", "南京理工大学",
                "军事科学院", "中电科", "中航", "中船", "国投"}


def covered(textdir, out):
    words = []
    for name in ("zh_brands.tsv", "zh_abbrev.tsv", "zh_org_glossary.tsv"):
        for line in open(f"{textdir}/{name}", encoding="utf-8"):
            if line.startswith("#") or not line.strip():
                continue
            w = line.split("\t", 1)[0]
            if name != "zh_org_glossary.tsv" or w in ORG_SPECIFIC:
                words.append(w)
    words += [t for t in hant(words) if t]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(sorted(set(words))) + "\n")


def load_keys(dump):
    by_name = {}
    for line in open(dump, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) == 5 and f[2] == "0":
            by_name.setdefault(f[4].casefold(), set()).add(f[0])
    return by_name


def hant(texts):
    if not texts:
        return []
    out = subprocess.run(["uconv", "-x", "Hans-Hant"], input="\n".join(texts),
                         capture_output=True, text=True, check=True).stdout
    return out.split("\n")[: len(texts)]


def read_set(path, by_name, twins=("official",)):
    rows, bad = [], []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) != 4:
            bad.append(f"{path}:{n}: expected 4 columns")
            continue
        cat, query, listed, _source = f
        if listed == "-":
            rows.append((cat, "-", query))
            continue
        keys = by_name.get(listed.casefold())
        if not keys:
            bad.append(f"{path}:{n}: no listed (and not delisted) record holds {listed!r}")
            continue
        rows.append((cat, "|".join(sorted(keys)), query))
    if bad:
        sys.exit("build_zh_sets: " + "\n".join(bad))
    official = [r for r in rows if r[0] in twins]
    for (cat, exp, q), t in zip(official, hant([r[2] for r in official])):
        if t and t != q:
            rows.append(("traditional", exp, t))
    return rows


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for cat, exp, q in rows:
            f.write(f"{cat}\t{exp}\t{q}\n")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "strip":
        strip(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) == 4 and sys.argv[1] == "covered":
        covered(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) not in (7, 8) or sys.argv[1] != "queries":
        sys.exit(__doc__)
    dump, eval_tsv, dev, heldout, outdir = sys.argv[2:7]
    by_name = load_keys(dump)
    ev = []
    for line in open(eval_tsv, encoding="utf-8"):
        cat, exp, q = line.rstrip("\n").split("\t", 2)
        if cat in ("cjk", "traditional", "negative_org_zh"):
            ev.append((cat, exp, q))
    write(f"{outdir}/q_eval.tsv", ev)
    write(f"{outdir}/q_dev.tsv", read_set(dev, by_name, ("official", "short", "brand")))
    write(f"{outdir}/q_heldout.tsv", read_set(heldout, by_name))
    if len(sys.argv) == 8:
        write(f"{outdir}/q_negdev.tsv", read_set(sys.argv[7], by_name))


if __name__ == "__main__":
    main()
