"""jf_kernel.py — jellyfish's Jaro-Winkler on the same pairs as the other kernels in
bench/bench_screen.sh (every line of A against every line of B); prints ns per pair."""
import sys
import time

import jellyfish

jw = getattr(jellyfish, "jaro_winkler_similarity", None) or jellyfish.jaro_winkler
a = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
b = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
t0 = time.perf_counter()
s = 0.0
for x in a:
    for y in b:
        s += jw(x, y)
secs = time.perf_counter() - t0
pairs = len(a) * len(b)
print(f"# pairs {pairs}\n# cached_ns {secs / pairs * 1e9:.1f}\n# checksum {s:.6f}")
