#!/usr/bin/env python3
"""build_evalset.py — the screening evaluation set, built from the shared lists themselves.

Positives are listed names changed the way real queries differ from list entries: typos, legal
forms swapped or added, abbreviations (Technology → Tech, Group → Grp …), word order, upper case,
the Chinese names of organisations listed in English (EU 833 Annex IV carries pairs) and their
traditional-character forms, plus the hard cases of SCREENING.md. Negatives are real
organisations and persons on none of the lists. Every positive names the records it should find:
every record holding the original name (a name listed twice, on two lists, may be found on either).

So that the Chinese queries test translation rather than an exact alias lookup, the evaluation
lists use a copy of the EU 833 file with its Han aliases removed (written next to the output).

usage: build_evalset.py DUMP EU833_CSV NON_LISTED_ORGS NON_LISTED_PERSONS NON_LISTED_ZH OUT_TSV
                        OUT_EU833
DUMP is `screen_bench dump` output over the evaluation lists (reckey, type, delisted, primary, name).
"""
import csv
import random
import re
import subprocess
import sys

random.seed(20261122)

ABBREV = [("Technologies", "Tech"), ("Technology", "Tech"), ("International", "Intl"),
          ("Group", "Grp"), ("Communications", "Comm"), ("Communication", "Comm"),
          ("Corporation", "Corp"), ("Company", "Co"), ("Industrial", "Ind"),
          ("Engineering", "Eng"), ("Manufacturing", "Mfg"), ("Science", "Sci"),
          ("Electronics", "Elec"), ("Limited", "Ltd"), ("Institute", "Inst")]
LEGAL = [("Co., Ltd.", "Company Limited"), ("Co., Ltd", "Company Limited"),
         ("Company Limited", "Co., Ltd."), ("Co. Ltd.", "Company Limited"),
         ("Limited", "Ltd"), ("Ltd.", "Limited"), ("Ltd", "Limited"), ("Corporation", "Corp."),
         ("Corp.", "Corporation"), ("Inc.", "Incorporated"), ("LLC", "Limited Liability Company"),
         ("JSC", "Joint Stock Company"), ("Joint Stock Company", "JSC"), ("OOO", "LLC")]


def has_han(s):
    return any("\u3400" <= c <= "\u9fff" for c in s)


def is_ascii(s):
    return all(ord(c) < 128 for c in s)


def typo(name):
    words = [w for w in re.findall(r"[A-Za-z]{6,}", name)]
    if not words:
        return None
    w = max(words, key=len)
    i = random.randrange(1, len(w) - 1)
    op = random.choice("swap delete substitute insert".split())
    if op == "swap":
        t = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif op == "delete":
        t = w[:i] + w[i + 1:]
    elif op == "substitute":
        t = w[:i] + random.choice("aeiourstln".replace(w[i].lower(), "")) + w[i + 1:]
    else:
        t = w[:i] + random.choice("aeiourstln") + w[i:]
    return name.replace(w, t, 1) if t != w else None


def legal(name):
    for a, b in LEGAL:
        if re.search(r"(?<![A-Za-z])" + re.escape(a) + r"(?![A-Za-z])", name):
            return re.sub(r"(?<![A-Za-z])" + re.escape(a) + r"(?![A-Za-z])", b, name, count=1)
    return name.rstrip(" .") + " Co., Ltd."


def abbrev(name):
    out = name
    for a, b in ABBREV:
        out = re.sub(r"\b" + a + r"\b", b, out, flags=re.I)
    return out if out != name else None


def reorder(name, person):
    words = name.replace(",", " ").split()
    if len(words) < (2 if person else 3):
        return None
    return " ".join(words[1:] + words[:1])


def load_dump(path):
    by_name, rows = {}, []
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) != 5:
            continue
        key, typ, gone, primary, name = f
        by_name.setdefault(name.casefold(), set()).add(key)
        rows.append((key, typ, gone == "1", primary == "1", name))
    return rows, by_name


PERSON_LIKE = re.compile(r"^[A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+)*, [A-Z][a-z]")


def kind(row):
    """entity or individual; the plain METI name list has no types, so "SURNAME, Given" marks
    a person there."""
    if row[1] == "unknown":
        return "individual" if PERSON_LIKE.match(row[4]) else "entity"
    return row[1]


def sample_positives(rows, by_name, out):
    entities = [r for r in rows if r[3] and not r[2] and kind(r) == "entity"
                and is_ascii(r[4]) and 8 <= len(r[4]) <= 80 and len(r[4].split()) >= 2]
    persons = [r for r in rows if r[3] and not r[2] and kind(r) == "individual"
               and is_ascii(r[4]) and 6 <= len(r[4]) <= 60 and len(r[4].split()) >= 2]
    for pool, n, person in ((entities, 150, False), (persons, 50, True)):
        for key, typ, gone, primary, name in random.sample(pool, min(n, len(pool))):
            expected = "|".join(sorted(by_name[name.casefold()]))
            variants = [("upper", name.upper()), ("typo", typo(name)),
                        ("order", reorder(name, person))]
            if not person:
                variants += [("legal", legal(name)), ("abbrev", abbrev(name))]
            for cat, q in variants:
                if q and q != name or cat == "upper":
                    out.append((cat, expected, q))


def chinese(eu833, by_name, out, eu_out):
    rows = list(csv.DictReader(open(eu833, encoding="utf-8")))
    fields = list(rows[0].keys())
    pairs = []
    for r in rows:
        aliases = [a.strip() for a in r["aliases"].split(";")]
        han = [a for a in aliases if has_han(a)]
        if han:
            pairs.append((r["id"], han[0]))
            r["aliases"] = "; ".join(a for a in aliases if a and not has_han(a))
    with open(eu_out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    base = eu_out.rsplit("/", 1)[-1]
    hant = subprocess.run(["uconv", "-x", "Hans-Hant"], input="\n".join(p[1] for p in pairs),
                          capture_output=True, text=True, check=True).stdout.split("\n")
    for (rid, zh), zht in zip(pairs, hant):
        out.append(("cjk", f"{base}#{rid}", zh))
        out.append(("traditional", f"{base}#{rid}", zht))


def hard(by_name, out):
    nudt = "|".join(sorted(by_name.get("national university of defense technology (nudt)", [])))
    for q in ("National University of Defense Technology", "Hunan Guofang Keji University",
              "国防科技大学", "国防科学技術大学"):
        out.append(("hard", nudt, q))
    bit = "|".join(sorted(by_name.get("beijing institute of technology", [])))
    out.append(("hard", bit, "Beijing Institute of Technology, Shenzhen Research Institute"))


def main():
    dump, eu833, orgs, persons, orgs_zh, out_tsv, eu_out = sys.argv[1:8]
    rows, by_name = load_dump(dump)
    out = []
    sample_positives(rows, by_name, out)
    chinese(eu833, by_name, out, eu_out)
    hard(by_name, out)
    for path, cat in ((orgs, "negative_org"), (persons, "negative_person"),
                      (orgs_zh, "negative_org_zh")):
        for line in open(path, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                out.append((cat, "-", line.strip()))
    for q in ("Sichuan Agricultural University", "Taiwan Semiconductor Manufacturing Company"):
        out.append(("negative_near", "-", q))
    with open(out_tsv, "w", encoding="utf-8") as f:
        for cat, exp, q in out:
            f.write(f"{cat}\t{exp}\t{q.replace(chr(9), ' ')}\n")


if __name__ == "__main__":
    main()
