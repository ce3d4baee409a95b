/*
 * test_scan_speed.c — what the throughput work must not change: the one-pass NFKC equals
 * utf8proc's on text drawn from the characters it covers and from those it does not; a clone
 * (another thread's scanner) gives the results of the scanner it was cloned from, also when run
 * in threads at the same time; and the lexicon gate (organisations in the body only where a term
 * matched) is undone by xg_scanner_set_all.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/core.h"
#include "scan/scan_internal.h"
#include "xgate/error.h"
#include "xgate/scan.h"

static xg_scanner *sc;

static void bare(void)
{
    cr_assert_eq(xg_scanner_new(&sc, NULL, NULL, NULL), 0, "%s", xg_error_message());
}

static void done(void)
{
    xg_scanner_free(sc);
    sc = NULL;
}

/* Pieces the generator strings together: covered by the fast path (ASCII, Han, CJK punctuation,
 * full-width forms, the ideographic space) and not (a combining accent, a ligature, Hangul,
 * circled digits, half-width katakana, "…"), and the no-break space (covered) and line feeds next
 * to uncovered characters (the fast path hands utf8proc a line at a time). */
static const char *const PIECES[] = {"a",
                                     "Z",
                                     "7",
                                     " ",
                                     ":",
                                     "\n",
                                     "\t",
                                     "算",
                                     "力",
                                     "服",
                                     "务",
                                     "国",
                                     "亚",
                                     "马",
                                     "逊",
                                     "，",
                                     "：",
                                     "（",
                                     "）",
                                     "Ａ",
                                     "ｚ",
                                     "１",
                                     "　",
                                     "、",
                                     "。",
                                     "《",
                                     "》",
                                     "【",
                                     "】",
                                     "·",
                                     "×",
                                     "—",
                                     "“",
                                     "”",
                                     "‘",
                                     "’",
                                     "\xcc\x81",
                                     "ﬁ",
                                     "한",
                                     "①",
                                     "ｶ",
                                     "…",
                                     "é",
                                     "e",
                                     "\xe3\x82\x99",
                                     "か",
                                     "㐀",
                                     "\xc2\xa0",
                                     "\n\xcc\x81",
                                     "ｶ\n",
                                     "\xc2\xa0\xcc\x81",
                                     "￥",
                                     "㎡",
                                     "③",
                                     "⑴",
                                     "³",
                                     "℃",
                                     "»",
                                     "•",
                                     "φ",
                                     "Ⅻ",
                                     "㈠",
                                     "■",
                                     "°",
                                     "\xe2\x91\xa0\xcc\x81",
                                     "\xc2\xb0\xcc\xb8"};

static void check_nfkc(const char *s, size_t n)
{
    char *fast = NULL;
    size_t fl = 0;
    cr_assert_eq(scan_nfkc(&fast, &fl, s, n), 0);
    utf8proc_uint8_t *ref = NULL;
    utf8proc_ssize_t rl = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &ref,
                                       UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    cr_assert_geq(rl, 0);
    cr_assert(fl == (size_t)rl && !memcmp(fast, ref, fl), "NFKC differs on '%s': '%s' vs '%s'", s,
              fast, (char *)ref);
    free(fast);
    free(ref);
}

Test(scan_speed, one_pass_nfkc_equals_utf8proc)
{
    check_nfkc("", 0);
    const char *fixed = "项目名称：ＡＷＳ云服务器租赁　（第１包），GPU×8—“H100”";
    check_nfkc(fixed, strlen(fixed));
    const char *lines = "算力\xc2\xa0服务\n\xcc\x81"
                        "e\xcc\x81ﬁ\n①\n\nＡ\xc2\xa0\xcc\x81\n…";
    check_nfkc(lines, strlen(lines));
    unsigned seed = 12345;
    char buf[512];
    size_t npieces = sizeof PIECES / sizeof *PIECES;
    for (int round = 0; round < 1500; round++) {
        size_t n = 0;
        int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 24;
        /* half the rounds only from the covered pieces (the first 36), half from all */
        size_t range = round % 2 ? npieces : 36;
        for (int k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = PIECES[(seed >> 16) % range];
            size_t pl = strlen(p);
            if (n + pl >= sizeof buf) break;
            memcpy(buf + n, p, pl);
            n += pl;
        }
        buf[n] = 0;
        check_nfkc(buf, n);
    }
}

/* Pieces for the one-pass normalisation: spaces, tabs, CR and CRLF between CJK and other
 * characters, traditional characters (folded), the ideographic space, and characters that send a
 * line to utf8proc. */
static const char *const SQ_PIECES[] = {"算",
                                        "力",
                                        "數",
                                        "據",
                                        "號",
                                        "國",
                                        " ",
                                        "  ",
                                        "\t",
                                        "\r",
                                        "\r\n",
                                        "\n",
                                        "a",
                                        "7",
                                        "：",
                                        "，",
                                        "　",
                                        "\xc2\xa0",
                                        "Ａ",
                                        "、",
                                        "《",
                                        "—",
                                        "é",
                                        "\xcc\x81",
                                        "ﬁ",
                                        "①",
                                        "㈠",
                                        "…",
                                        "℃",
                                        "한",
                                        "ｶ",
                                        "α",
                                        "©",
                                        "\xf0\xa0\x80\x80",
                                        "\xe9\xbe\x9c",
                                        "\xe8\xaa\xaa"};

static void check_normalise(const uint32_t *fold, const char *s, size_t n)
{
    scan_doc a = {0}, b = {0};
    cr_assert_eq(scan_normalise(&a, s, n, fold), 0);
    cr_assert_eq(scan_normalise_two_pass(&b, s, n, fold), 0);
    cr_assert(a.len == b.len && !memcmp(a.text, b.text, a.len + 1), "text differs on '%s'", s);
    cr_assert_eq(a.nfolded, b.nfolded, "fold count differs on '%s'", s);
    cr_assert_eq(!a.orig, !b.orig, "orig differs on '%s'", s);
    if (a.orig) cr_assert(!memcmp(a.orig, b.orig, a.len + 1), "orig differs on '%s'", s);
    free(a.text);
    free(a.orig);
    free(b.text);
    free(b.orig);
}

Test(scan_speed, one_pass_normalise_equals_two_passes)
{
    uint32_t *fold = NULL;
    cr_assert_eq(scan_fold_table(&fold), 0);
    const char *fixed[] = {"",
                           "算 力　服務\t 數據 a 號",
                           "算 \r\n力\r算\r\n\r\n 力 ",
                           "國 é 國\n國 \xcc\x81國 \r\n數 ①數\r\n",
                           "é\r\n數 數",
                           "é\r"};
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
        for (int t = 0; t < 2; t++)
            check_normalise(t ? fold : NULL, fixed[k], strlen(fixed[k]));
    unsigned seed = 4242;
    char buf[512];
    size_t npieces = sizeof SQ_PIECES / sizeof *SQ_PIECES;
    for (int round = 0; round < 8000; round++) {
        size_t n = 0;
        int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 32;
        /* a quarter of the rounds without the pieces utf8proc takes (from "é" on) */
        size_t range = round % 4 ? npieces : 22;
        for (int k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = SQ_PIECES[(seed >> 16) % range];
            size_t pl = strlen(p);
            if (n + pl >= sizeof buf) break;
            memcpy(buf + n, p, pl);
            n += pl;
        }
        buf[n] = 0;
        check_normalise(round % 3 ? fold : NULL, buf, n);
    }
    free(fold);
}

/* The ASCII bytes of a sixteen-byte block copied at once: a "\r", a line feed, a NUL, a control
 * byte, a space or tab run, or a character of two, three or four bytes at each offset of the
 * block (and of the next), after nothing, a CJK character or a CJK character and spaces (the
 * gap, taken back when a CJK character follows the run), with a CJK character or spaces and one
 * after it; with and without the fold table. */
Test(scan_speed, one_pass_normalise_ascii_blocks_equal_two_passes)
{
    uint32_t *fold = NULL;
    cr_assert_eq(scan_fold_table(&fold), 0);
    static const char *const before[] = {"", "算", "算 ", "國\t \t", "x\n", "\r"};
    static const char *const mid[] = {"\r",       "\r\n",  "\n",   "\n\n", " ",
                                      "\t",       "  \t ", "\x01", "\x7f", "é",
                                      "國",       "　",    "Ａ",   "①",    "\xf0\xa0\x80\x80",
                                      "\xcc\x81", "\r\r"};
    static const char *const after[] = {"", "算", " 國", "\t\t數 ", "\r\n國", "abc"};
    static const char fill[] = "ab cd\tefgh ijkl mnop qrst uvwx yzAB CDEF GHIJ";
    char buf[256];
    for (size_t b = 0; b < sizeof before / sizeof *before; b++)
        for (size_t m = 0; m < sizeof mid / sizeof *mid; m++)
            for (size_t a = 0; a < sizeof after / sizeof *after; a++)
                for (size_t off = 0; off < 34; off++)
                    for (size_t tail = 0; tail < 20; tail += 3) {
                        size_t n = 0, bl = strlen(before[b]), ml = strlen(mid[m]);
                        memcpy(buf + n, before[b], bl), n += bl;
                        memcpy(buf + n, fill, off), n += off;
                        memcpy(buf + n, mid[m], ml), n += ml;
                        memcpy(buf + n, fill + 3, tail), n += tail;
                        memcpy(buf + n, after[a], strlen(after[a]) + 1), n += strlen(after[a]);
                        check_normalise((off + tail) % 2 ? fold : NULL, buf, n);
                    }
    /* spaces only, across blocks, between CJK characters: taken back */
    for (size_t k = 0; k < 40; k++) {
        size_t n = 0;
        memcpy(buf, "算", 3), n = 3;
        for (size_t j = 0; j < k; j++)
            buf[n++] = j % 3 ? ' ' : '\t';
        memcpy(buf + n, "數x", 5), n += 4;
        check_normalise(fold, buf, n);
        check_normalise(fold, buf, n - 4); /* the spaces at the end: kept */
    }
    /* a NUL inside an ASCII block */
    static const char nul[] = "abcdefgh\0ijklmnopqrstuvwxyz 算 數";
    check_normalise(fold, nul, sizeof nul - 1);
    free(fold);
}

/* The real notices (shared data) normalise in one pass as in two, from each of sixteen starts
 * (every alignment of the sixteen-byte blocks). */
Test(scan_speed, one_pass_normalise_equals_two_passes_on_real_notices)
{
    uint32_t *fold = NULL;
    cr_assert_eq(scan_fold_table(&fold), 0);
    static const char *const real[] = {"carrier_soe_notices_compute_keyword_hits.jsonl",
                                       "carrier_soe_notices_random_nonhits.jsonl",
                                       "ccgp_result_notice_LHACG2025000057.sanitized.html",
                                       "ccgp_result_notice_LHACG2025000057.txt",
                                       "yichang_ggzy_candidate_publicity_parsed_5.json",
                                       "yichang_ggzy_zhongbiao_result_5.json"};
    const char *sh = getenv("XGATE_SHARED");
    for (size_t f = 0; f < sizeof real / sizeof *real; f++) {
        char p[512], *data = NULL;
        size_t len = 0;
        snprintf(p, sizeof p, "%s/data/tenders/real/%s", sh && *sh ? sh : "/work/shared", real[f]);
        cr_assert_eq(xg_file_read(&data, &len, p, 1u << 24), 0, "%s", p);
        cr_assert(xg_utf8_valid(data, len), "%s", p);
        for (size_t start = 0; start < 16; start++) {
            /* a start inside a character moves on to the next character */
            size_t s0 = start;
            while (s0 < len && ((unsigned char)data[s0] & 0xC0) == 0x80)
                s0++;
            check_normalise(start % 2 ? fold : NULL, data + s0, len - s0);
        }
        free(data);
    }
    free(fold);
}

/* The language's counts, eight or sixteen bytes at a time, equal a byte-by-byte count: random
 * bytes drawn mostly from the bounds (0xE2–0xEA, '@' 'A' 'Z' '[' '`' 'a' 'z' '{', their high-bit
 * twins) and from every byte value, at every alignment and length (a long run crosses the
 * counters' flush points). */
Test(scan_speed, letter_counts_equal_byte_by_byte)
{
    static const unsigned char edge[] = {0xE2, 0xE3, 0xE6, 0xE9, 0xEA, 0x40, 0x41, 0x5A,
                                         0x5B, 0x60, 0x61, 0x7A, 0x7B, 0xC1, 0xDA, 0xE1,
                                         0xFA, 0x80, 0xBF, 0x00, 0x20, 0x7F, 0xFF, 0x9F};
    static unsigned char buf[70000];
    unsigned seed = 99;
    for (int round = 0; round < 3000; round++) {
        size_t n = round < 2990 ? (size_t)(round % 700) : sizeof buf - 7;
        for (size_t i = 0; i < n + 7; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 16;
            buf[i] = r % 3 ? edge[(r >> 2) % sizeof edge] : (unsigned char)(r >> 4);
        }
        size_t off = (size_t)round % 7, h0 = 0, l0 = 0;
        const unsigned char *t = buf + off;
        for (size_t i = 0; i < n; i++) {
            h0 += t[i] >= 0xE3 && t[i] <= 0xE9;
            l0 += (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z');
        }
        size_t h, l;
        scan_count_letters((const char *)t, n, &h, &l);
        cr_assert_eq(h, h0, "round %d: Han %zu, byte by byte %zu", round, h, h0);
        cr_assert_eq(l, l0, "round %d: Latin %zu, byte by byte %zu", round, l, l0);
        scan_count_letters_portable((const char *)t, n, &h, &l);
        cr_assert_eq(h, h0, "round %d (portable): Han %zu, byte by byte %zu", round, h, h0);
        cr_assert_eq(l, l0, "round %d (portable): Latin %zu, byte by byte %zu", round, l, l0);
    }
}

/* A date's numbers read without atoi: atoi's value for every run of digits, long ones (past
 * INT_MAX, LONG_MAX and more: strtol saturates, the int conversion wraps) and ones ended by other
 * bytes. */
Test(scan_speed, leading_int_equals_atoi)
{
    static const char *const cases[] = {"2025",
                                        "03",
                                        "3",
                                        "012",
                                        "0",
                                        "00000000000000000000000000031",
                                        "2025年",
                                        "12-",
                                        "7x",
                                        "2147483647",
                                        "2147483648",
                                        "4294967297",
                                        "4294967296",
                                        "9223372036854775807",
                                        "9223372036854775808",
                                        "18446744073709551617",
                                        "99999999999999999999999999",
                                        "1990.5",
                                        "31\n",
                                        "",
                                        "x1"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        cr_assert_eq(scan_leading_int(cases[i], strlen(cases[i])), atoi(cases[i]), "%s", cases[i]);
    char buf[40]; /* up to 32 digits, one other byte, the NUL */
    unsigned long long r = 7;
    for (int k = 0; k < 20000; k++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        size_t n = (size_t)(r >> 59) + 1, i = 0;
        for (; i < n; i++)
            buf[i] = (char)('0' + (r >> (i * 2 % 56)) % 10);
        buf[i] = (r >> 20) & 1 ? '\0' : "-年/. 9"[(r >> 21) % 6];
        buf[i + 1] = '\0';
        cr_assert_eq(scan_leading_int(buf, strlen(buf)), atoi(buf), "%s", buf);
    }
}

/* UTF-8 is not copied (the view points past the BOM); a conversion is owned. Binary data is
 * still told from text with control bytes skipped eight at a time: a NUL anywhere in the first
 * 8192 bytes, or more than 5 % control bytes there. */
Test(scan_speed, utf8_view_and_binary_check)
{
    const char *u, *enc;
    char *owned;
    size_t ul;
    const char bom[] = "\xEF\xBB\xBF算力 GPU";
    cr_assert_eq(scan_to_utf8_view(&u, &ul, &owned, &enc, bom, strlen(bom)), 0);
    cr_assert(owned == NULL && u == bom + 3 && ul == strlen(bom) - 3);
    cr_assert_str_eq(enc, "utf-8");
    const char gb[] = "\xCB\xE3\xC1\xA6"; /* 算力 in GB18030 */
    cr_assert_eq(scan_to_utf8_view(&u, &ul, &owned, &enc, gb, 4), 0);
    cr_assert(owned != NULL && u == owned);
    cr_assert_str_eq(enc, "gb18030");
    cr_assert(ul == 6 && !memcmp(u, "算力", 6));
    free(owned);
    char buf[200];
    for (size_t n = 1; n <= 40; n++)
        for (size_t at = 0; at < n; at++) {
            memset(buf, 'a', n);
            buf[at] = 0;
            cr_assert_eq(scan_to_utf8_view(&u, &ul, &owned, &enc, buf, n), XG_EFORMAT,
                         "a NUL at %zu of %zu", at, n);
        }
    for (size_t ctl = 0; ctl <= 12; ctl++) { /* 200 bytes: binary from 11 control bytes on */
        memset(buf, 'a', sizeof buf);
        for (size_t k = 0; k < ctl; k++)
            buf[k * 17 % sizeof buf] = (char)(k % 2 ? 0x01 : 0x1F);
        buf[190] = '\n';
        buf[191] = '\t';
        buf[192] = '\r';
        buf[193] = '\f';
        int rc = scan_to_utf8_view(&u, &ul, &owned, &enc, buf, sizeof buf);
        cr_assert_eq(rc, ctl > 10 ? XG_EFORMAT : 0, "%zu control bytes", ctl);
    }
}

/* Pieces of text for the UTF-8 check: ASCII, Han, the three-byte characters whose second byte
 * decides (leads 0xE0 and 0xED: the smallest and largest valid, an overlong, a surrogate), two-
 * and four-byte characters, and bytes that are no character (a stray continuation, a lead cut
 * short, 0xF5 and up, 0xC0). */
static const char *const U8_PIECES[] = {"a",
                                        "GPU ",
                                        "0123456789abcdef",
                                        "算",
                                        "力服务",
                                        "，",
                                        "\xE0\xA0\x80",
                                        "\xED\x9F\xBF",
                                        "\xE0\x9F\xBF",
                                        "\xED\xA0\x80",
                                        "\xEF\xBF\xBF",
                                        "é",
                                        "\xF0\x9F\x98\x80",
                                        "\xF4\x90\x80\x80",
                                        "\x80",
                                        "\xE7\xAE",
                                        "\xF5",
                                        "\xC0\xAF",
                                        "\xE7\xAE\x97\xE5"};

/* The reference for xg_utf8_valid's SSE2 and eight-byte paths: one code point at a time through
 * xg_utf8_next. */
static int utf8_valid_by_character(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = xg_utf8_next(s + i, n - i, &cp);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

Test(scan_speed, utf8_check_equals_one_character_at_a_time)
{
    char buf[256];
    uint64_t r = 88172645463325252u;
    size_t nvalid = 0, ntried = 0;
    for (int round = 0; round < 1500; round++) {
        size_t n = 0;
        /* mostly Han and ASCII; a piece that may be invalid one time in eight */
        while (n < sizeof buf - 8) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            size_t k = r % 64 < 56 ? r % 6 : 6 + (r >> 8) % 13;
            const char *pc = U8_PIECES[k];
            size_t l = strlen(pc);
            if (n + l > sizeof buf) break;
            memcpy(buf + n, pc, l);
            n += l;
            if ((r >> 20) % 16 == 0) break;
        }
        for (size_t at = 0; at < 20 && at < n; at++)
            for (size_t len = n - at; len + 20 >= n - at && len > 0; len--) {
                int want = utf8_valid_by_character(buf + at, len);
                cr_assert_eq(xg_utf8_valid(buf + at, len), want, "round %d at %zu len %zu", round,
                             at, len);
                nvalid += want;
                ntried++;
            }
    }
    cr_assert(nvalid > ntried / 10 && nvalid < ntried, "%zu of %zu valid", nvalid, ntried);
    cr_assert(xg_utf8_valid("", 0));
}

static char *dump_all(json_t *docs)
{
    char *s = json_dumps(docs, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(docs);
    cr_assert(s);
    return s;
}

static char *scan_dir(xg_scanner *s, const char *rel)
{
    const char *sh = getenv("XGATE_SHARED");
    char p[512];
    snprintf(p, sizeof p, "%s/data/tenders/%s", sh && *sh ? sh : "/work/shared", rel);
    json_t *docs = NULL;
    cr_assert_eq(xg_scan_file(&docs, s, p, 0), 0, "%s: %s", rel, xg_error_message());
    return dump_all(docs);
}

static const char *const FILES[] = {"examples/ex01_szu_aws_gpu_notice.txt",
                                    "examples/ex04_scu_azure_openai_tokens.txt",
                                    "examples/ex07_hk_traditional_azure.txt",
                                    "real/ccgp_result_notice_LHACG2025000057.sanitized.html",
                                    "real/carrier_soe_notices_random_nonhits.jsonl",
                                    "news/news_cloud_loophole_analysis.txt"};
#define NFILES (sizeof FILES / sizeof *FILES)

typedef struct {
    xg_scanner *sc;
    char *out[NFILES];
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    for (size_t i = 0; i < NFILES; i++)
        j->out[i] = scan_dir(j->sc, FILES[i]);
    return NULL;
}

Test(scan_speed, clones_in_threads_give_the_same_results, .init = bare, .fini = done)
{
    job ref = {.sc = sc};
    run_job(&ref);
    job j[3];
    pthread_t t[3];
    for (int k = 0; k < 3; k++) {
        cr_assert_eq(xg_scanner_clone(&j[k].sc, sc), 0, "%s", xg_error_message());
        cr_assert_eq(pthread_create(&t[k], NULL, run_job, &j[k]), 0);
    }
    for (int k = 0; k < 3; k++) {
        pthread_join(t[k], NULL);
        for (size_t i = 0; i < NFILES; i++) {
            cr_assert_str_eq(j[k].out[i], ref.out[i], "%s differs in thread %d", FILES[i], k);
            free(j[k].out[i]);
        }
        xg_scanner_free(j[k].sc);
    }
    for (size_t i = 0; i < NFILES; i++)
        free(ref.out[i]);
}

/* A notice with no lexicon term: buyer and supplier are still extracted (linking needs them), but
 * the organisations named in its body are looked for only with set_all. */
Test(scan_speed, the_gate_skips_body_organisations_without_a_term, .init = bare, .fini = done)
{
    const char *t = "某市道路维修工程中标结果公告\n采购人：宜昌市城市建设投资有限公司\n"
                    "中标供应商：湖北昊源建设工程有限公司\n第二名为宜昌大兴水利水电工程有限公司\n";
    json_t *docs = NULL;
    cr_assert_eq(xg_scan_bytes(&docs, sc, "n.txt", t, strlen(t)), 0, "%s", xg_error_message());
    json_t *d = json_array_get(docs, 0);
    cr_assert_eq(json_array_size(json_object_get(d, "mentions")), 0);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(d, "fields"), "supplier")),
                     "湖北昊源建设工程有限公司");
    cr_assert_eq(json_array_size(json_object_get(d, "parties")), 2, "buyer and supplier only");
    json_decref(docs);
    xg_scanner_set_all(sc, 1);
    cr_assert_eq(xg_scan_bytes(&docs, sc, "n.txt", t, strlen(t)), 0, "%s", xg_error_message());
    d = json_array_get(docs, 0);
    cr_assert_eq(json_array_size(json_object_get(d, "parties")), 3, "and the one in the body");
    json_decref(docs);
}
