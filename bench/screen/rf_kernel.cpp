// rf_kernel.cpp — the rapidfuzz-cpp side of the Jaro-Winkler kernel comparison in
// bench/bench_screen.sh: every line of A against every line of B with rapidfuzz's cached scorer
// (pattern prepared once per line of A), prefix weight 0.1 as in jellyfish and xgate. Compiled at
// bench time against a rapidfuzz-cpp checkout outside the repository (RAPIDFUZZ_DIR); no
// rapidfuzz code is kept here.
#include <rapidfuzz/distance/JaroWinkler.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

static std::vector<std::string> lines(const char *path)
{
    std::ifstream f(path);
    std::vector<std::string> v;
    for (std::string s; std::getline(f, s);)
        if (!s.empty()) v.push_back(s);
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 3) return 2;
    auto a = lines(argv[1]), b = lines(argv[2]);
    double sum = 0, secs = 1e9;
    for (int round = 0; round < 5; round++) { // best of five, as for the xgate kernel
        sum = 0;
        auto t0 = std::chrono::steady_clock::now();
        for (const auto &s : a) {
            rapidfuzz::CachedJaroWinkler<char> scorer(s, 0.1);
            for (const auto &t : b) sum += scorer.similarity(t);
        }
        double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        secs = t < secs ? t : secs;
    }
    double pairs = double(a.size()) * double(b.size());
    std::printf("# pairs %.0f\n# cached_ns %.1f\n# checksum %.6f\n", pairs, secs / pairs * 1e9, sum);
    return 0;
}
