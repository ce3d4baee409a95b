/*
 * decode.c — bytes to normalised UTF-8 text for the tender scanner.
 *
 * Portal text arrives as UTF-8, GB18030/GBK (mainland portals, older PDFs' text) or Big5 (Hong
 * Kong, Taiwan). Valid UTF-8 is taken as is; otherwise the bytes are decoded strictly with ICU as
 * GB18030 and as Big5, and the candidate that decodes without error and reads most like Chinese
 * (frequent characters of either script, few rare or private-use ones) wins. NUL bytes or control
 * characters in the first block mean binary. Normalisation is NFKC (full-width digits and
 * punctuation become ASCII), CRLF → LF, removal of white space between two CJK characters
 * ("算 力 服务" → "算力服务", "名 称：" → "名称:"), and traditional → simplified folding through a
 * one-to-one table so that byte offsets stay aligned with the text as printed.
 */
#include "scan/scan_internal.h"
#include "xgate/error.h"
#include "xgate/text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/uversion.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- UTF-8 helpers ---- */

/* One code point of [p, p+n) (n >= 1); a bad byte reads as U+FFFD of length 1. */
static size_t u8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t len = xg_utf8_next((const char *)p, n, cp);
    return len ? len : 1;
}

static int is_cjk(uint32_t c)
{
    return (c >= 0x3400 && c < 0xA000) || (c >= 0x3000 && c < 0x3040) ||
           (c >= 0xF900 && c < 0xFB00) || (c >= 0x20000 && c < 0x31350) ||
           (c >= 0xFF00 && c < 0xFF10);
}

/* ---- encoding detection ---- */

static int looks_binary(const unsigned char *b, size_t n)
{
    size_t lim = n < 8192 ? n : 8192, ctl = 0, i = 0;
    const uint64_t ones = 0x0101010101010101u;
    for (; i < lim; i++) {
        /* eight bytes none of which is below 0x20 (the test is exact for "any"): passed over */
        for (uint64_t x; lim - i >= 8; i += 8) {
            memcpy(&x, b + i, 8);
            if ((x - ones * 0x20) & ~x & ones * 0x80) break;
        }
        if (i >= lim) break;
        if (b[i] == 0) return 1;
        if (b[i] < 0x20 && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' && b[i] != '\f') ctl++;
    }
    return lim && ctl * 20 > lim; /* more than 5 % control characters */
}

/* Strictly convert with ICU; NULL on any illegal or unassigned sequence. */
static char *icu_convert(const char *charset, const char *b, size_t n, size_t *out_len)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(charset, &st);
    if (U_FAILURE(st)) return NULL;
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    size_t cap = n * 2 + 16;
    UChar *u = malloc(cap * sizeof(UChar));
    char *out = NULL;
    if (u && n < 0x3FFFFFFF) {
        int32_t ul = ucnv_toUChars(cv, u, (int32_t)cap, b, (int32_t)n, &st);
        if (U_SUCCESS(st)) {
            int32_t need = 0;
            UErrorCode s2 = U_ZERO_ERROR;
            u_strToUTF8(NULL, 0, &need, u, ul, &s2);
            out = malloc((size_t)need + 1);
            s2 = U_ZERO_ERROR;
            if (out) u_strToUTF8(out, need + 1, &need, u, ul, &s2);
            if (out && U_FAILURE(s2)) {
                free(out);
                out = NULL;
            } else if (out)
                *out_len = (size_t)need;
        }
    }
    free(u);
    ucnv_close(cv);
    return out;
}

/* Frequent characters of tender text in both scripts: decoding the wrong way scatters bytes over
 * rare characters, decoding the right way hits these often. */
static const char COMMON[] =
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成"
    "会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等"
    "部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
    "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数"
    "正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很"
    "情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件"
    "长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强"
    "放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导"
    "器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打"
    "白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张"
    "信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影"
    "算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约"
    "支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快"
    "效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照"
    "參與購務項採標們會個來時說經發國過動產這實體進務數據雲端應機構資訊員單";

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static uint32_t common_set[1024];
static size_t common_n;
static pthread_once_t common_once = PTHREAD_ONCE_INIT;

static void common_build(void)
{
    size_t n = 0;
    for (size_t i = 0; COMMON[i] && n < 1024;) {
        uint32_t c;
        i += u8_decode((const unsigned char *)COMMON + i, sizeof COMMON - 1 - i, &c);
        common_set[n++] = c;
    }
    qsort(common_set, n, sizeof *common_set, cmp_u32);
    common_n = n;
}

/* Sorted once, then binary search: the detector looks at up to 64 KiB per candidate. */
static int is_common(uint32_t cp)
{
    pthread_once(&common_once, common_build);
    return bsearch(&cp, common_set, common_n, sizeof *common_set, cmp_u32) != NULL;
}

static long score_chinese(const char *s, size_t n)
{
    long score = 0;
    size_t lim = n < 65536 ? n : 65536;
    for (size_t i = 0; i < lim;) {
        uint32_t c;
        i += u8_decode((const unsigned char *)s + i, lim - i, &c);
        if (c < 0x80 || (c >= 0xFF00 && c < 0xFF60) || (c >= 0x3000 && c < 0x3020)) continue;
        if (is_common(c))
            score += 4;
        else if (c >= 0x4E00 && c < 0xA000)
            score += 0;
        else
            score -= 3; /* Ext A, PUA, symbols, Hangul …: what mis-decoding produces */
    }
    return score;
}

int scan_to_utf8_view(const char **out, size_t *out_len, char **owned, const char **encoding,
                      const char *bytes, size_t len)
{
    const unsigned char *b = (const unsigned char *)bytes;
    *owned = NULL;
    if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        int le = b[0] == 0xFF;
        char *u = icu_convert(le ? "UTF-16LE" : "UTF-16BE", bytes + 2, len - 2, out_len);
        if (!u) return xg_error_set(XG_EFORMAT, "invalid UTF-16 text");
        *out = *owned = u;
        *encoding = le ? "utf-16le" : "utf-16be";
        return 0;
    }
    if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        bytes += 3;
        len -= 3;
    }
    if (looks_binary((const unsigned char *)bytes, len))
        return xg_error_set(XG_EFORMAT, "binary data (NUL or control bytes), not a text document");
    if (xg_utf8_valid(bytes, len)) {
        *out = bytes;
        *out_len = len;
        *encoding = "utf-8";
        return 0;
    }
    size_t gl = 0, bl = 0;
    char *g = icu_convert("gb18030", bytes, len, &gl);
    char *big = icu_convert("big5", bytes, len, &bl);
    if (!g && !big)
        return xg_error_set(XG_EFORMAT,
                            "undecodable text (not UTF-8, GB18030 or Big5; binary data?)");
    int use_g = g && (!big || score_chinese(g, gl) >= score_chinese(big, bl));
    *out = *owned = use_g ? g : big;
    *out_len = use_g ? gl : bl;
    *encoding = use_g ? "gb18030" : "big5";
    free(use_g ? big : g);
    return 0;
}

int scan_to_utf8(char **out, size_t *out_len, const char **encoding, const char *bytes, size_t len)
{
    const char *u;
    char *owned;
    int rc = scan_to_utf8_view(&u, out_len, &owned, encoding, bytes, len);
    if (rc || owned) {
        *out = owned;
        return rc;
    }
    if (!(*out = malloc(*out_len + 1))) return XG_ENOMEM;
    memcpy(*out, u, *out_len);
    (*out)[*out_len] = 0;
    return 0;
}

/* ---- traditional → simplified table ---- */

/* ICU's Hant-Hans directly, should the text module's conversion fail. */
static char *icu_hant_hans(const char *s, size_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    UChar id[] = {'H', 'a', 'n', 't', '-', 'H', 'a', 'n', 's', 0};
    UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) return NULL;
    int32_t ul = 0, cap = (int32_t)n * 2 + 16;
    UChar *u = malloc((size_t)cap * sizeof(UChar));
    char *out = NULL;
    if (u) {
        u_strFromUTF8(u, cap, &ul, s, (int32_t)n, &st);
        int32_t limit = ul;
        if (U_SUCCESS(st)) utrans_transUChars(t, u, &ul, cap, 0, &limit, &st);
        int32_t need = 0;
        if (U_SUCCESS(st)) {
            out = malloc((size_t)ul * 3 + 1);
            if (out) u_strToUTF8(out, ul * 3 + 1, &need, u, ul, &st);
            if (out && U_FAILURE(st)) {
                free(out);
                out = NULL;
            }
        }
    }
    free(u);
    utrans_close(t);
    return out;
}

/* The table is kept between runs (cache.c) as fold-<key>.tab, keyed by ICU's version and the
 * binary (the conversion it is read from): building it runs ICU's Hant-Hans over every character
 * of the range, most of the scanner's start. */
#define FOLD_MAGIC "XGFOLD01"

static XXH128_hash_t fold_key(void)
{
    struct {
        UVersionInfo icu;
        uint8_t build[16];
        uint32_t base, end;
    } k;
    memset(&k, 0, sizeof k);
    u_getVersion(k.icu);
    xg_build_id(k.build);
    k.base = XG_FOLD_BASE;
    k.end = XG_FOLD_END;
    return XXH3_128bits(&k, sizeof k);
}

static int fold_build(uint32_t **out);

int scan_fold_table(uint32_t **out)
{
    size_t n = XG_FOLD_END - XG_FOLD_BASE, len = 0;
    char file[4200];
    XXH128_hash_t key = fold_key();
    int cached = !xg_cache_path(file, sizeof file, "fold", "tab", key);
    char *body = cached ? xg_cache_get(file, FOLD_MAGIC, key, &len) : NULL;
    int ok = body && len == n * sizeof(uint32_t);
    for (size_t i = 0; ok && i < n; i++) { /* what fold_build can write: a 3-byte character */
        uint32_t t;
        memcpy(&t, body + i * sizeof t, sizeof t);
        ok = !t || (t >= 0x800 && t <= 0xFFFF && (t < 0xD800 || t > 0xDFFF));
    }
    if (ok) {
        *out = (uint32_t *)(void *)body; /* malloc'd: aligned for any type */
        return 0;
    }
    free(body);
    int rc = fold_build(out);
    if (!rc && cached) xg_cache_put(file, FOLD_MAGIC, key, *out, n * sizeof(uint32_t));
    return rc;
}

/* The table built through xg_text_to_simplified (or ICU's Hant-Hans). */
static int fold_build(uint32_t **out)
{
    size_t n = XG_FOLD_END - XG_FOLD_BASE;
    uint32_t *tab = calloc(n, sizeof *tab);
    char *src = malloc(n * 4 + 1);
    if (!tab || !src) {
        free(tab);
        free(src);
        return XG_ENOMEM;
    }
    size_t k = 0;
    for (uint32_t c = XG_FOLD_BASE; c < XG_FOLD_END; c++) {
        src[k++] = (char)(0xE0 | (c >> 12));
        src[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
        src[k++] = (char)(0x80 | (c & 0x3F));
        src[k++] = '\n';
    }
    src[k] = 0;
    char *res = NULL;
    xg_arena a;
    xg_arena_init(&a, 1 << 20);
    char *r = NULL;
    if (xg_text_to_simplified(&r, &a, src, k) == 0 && r) res = strdup(r);
    if (!res) res = icu_hant_hans(src, k);
    xg_arena_free(&a);
    free(src);
    if (!res) { /* no folding available: an all-zero table leaves text unchanged */
        *out = tab;
        return 0;
    }
    uint32_t c = XG_FOLD_BASE;
    for (char *line = res; *line && c < XG_FOLD_END; c++) {
        char *nl = strchr(line, '\n');
        size_t ll = nl ? (size_t)(nl - line) : strlen(line);
        uint32_t t;
        if (ll == 3 && u8_decode((unsigned char *)line, 3, &t) == 3 && t != c && t >= 0x800)
            tab[c - XG_FOLD_BASE] = t;
        if (!nl) break;
        line = nl + 1;
    }
    free(res);
    *out = tab;
    return 0;
}

/* ---- normalisation ---- */

/* ---- NFKC fast path ----
 * Most notices hold only ASCII, Han characters, CJK punctuation and full-width forms. Each of the
 * characters below is its own NFKC form and a starter that nothing composes with, so NFKC of a
 * text made of them is the text itself, except that full-width ASCII U+FF01–U+FF5E becomes
 * U+0021–U+007E and the ideographic space U+3000 and the no-break space U+00A0 (HTML's &nbsp;) a
 * space (one character to one). Such text is
 * normalised in one pass; anything else (another character, invalid UTF-8) goes through
 * utf8proc (the line that holds it: nfkc_lines). The table is checked against utf8proc once,
 * character by character. */
static const uint32_t FAST_RANGES[][2] = {
    {0x00A9, 0x00A9}, {0x00AB, 0x00AB}, {0x00AE, 0x00AE}, {0x00B0, 0x00B1}, {0x00B7, 0x00B7},
    {0x00BB, 0x00BB}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7}, {0x0391, 0x03A9}, {0x03B1, 0x03C9},
    {0x2013, 0x2014}, {0x2018, 0x2019}, {0x201C, 0x201D}, {0x2022, 0x2022}, {0x2030, 0x2030},
    {0x2190, 0x2193}, {0x25A0, 0x25CF}, {0x3001, 0x3003}, {0x3008, 0x3011}, {0x3014, 0x301B},
    {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}};
/* Characters whose NFKC is a short string of ASCII and characters above (￥ → ¥, ㎡ → m2,
 * ① → 1, … → ..., ℃ → °C): written from a table built from utf8proc, a character taken only
 * when it is a starter and its NFKC holds nothing but ASCII and covered characters, so nothing
 * around it can compose with what it becomes. */
static const uint32_t MAP_RANGES[][2] = {
    {0x00B2, 0x00B3}, {0x00B9, 0x00B9}, {0x2026, 0x2026}, {0x2103, 0x2103}, {0x2116, 0x2116},
    {0x2160, 0x216B}, {0x2170, 0x217B}, {0x2460, 0x249B}, {0x3220, 0x3229}, {0x338F, 0x338F},
    {0x33A1, 0x33A1}, {0x33A5, 0x33A5}, {0xFFE0, 0xFFE1}, {0xFFE5, 0xFFE5}};
#define MAP_MAX 128
static struct {
    uint32_t cp;
    uint8_t len;
    char to[11];
} fast_map[MAP_MAX];
static size_t fast_nmap;
static uint8_t fast_ok[0x10000 / 8], fast_mapped[0x10000 / 8];
/* fast_ok over the fold table's range, a byte a character (one load in the Han runs, no bit
 * picked out), and the fold table read when none is given (no folding) */
static uint8_t fast_han[XG_FOLD_END - XG_FOLD_BASE];
static uint32_t no_fold[XG_FOLD_END - XG_FOLD_BASE];

/* The entry of a mapped code point (fast_mapped says it has one): binary search of fast_map,
 * which is sorted by code point. */
static size_t fast_map_find(uint32_t cp)
{
    size_t lo = 0, hi = fast_nmap;
    while (lo + 1 < hi) {
        size_t mid = (lo + hi) / 2;
        if (fast_map[mid].cp <= cp)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

static int fast_covered(uint32_t c)
{
    return c < 0x80 || (c < 0x10000 && (fast_ok[c >> 3] & (1u << (c & 7))));
}

/* A starter whose decomposition (compatibility included) is itself: its NFKC is itself too, so
 * fast_build takes it without utf8proc_map (a string built and freed for each of the tens of
 * thousands of Han characters, most of a scan's start). */
static int decomposes_to_itself(uint32_t c)
{
    utf8proc_int32_t d[4];
    int boundclass = 0;
    utf8proc_ssize_t k =
        utf8proc_decompose_char((utf8proc_int32_t)c, d, 4,
                                UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT, &boundclass);
    return k == 1 && d[0] == (utf8proc_int32_t)c &&
           utf8proc_get_property((utf8proc_int32_t)c)->combining_class == 0;
}

static void fast_build(void)
{
    for (size_t r = 0; r < sizeof FAST_RANGES / sizeof *FAST_RANGES; r++)
        for (uint32_t c = FAST_RANGES[r][0]; c <= FAST_RANGES[r][1]; c++) {
            if (decomposes_to_itself(c)) {
                fast_ok[c >> 3] |= (uint8_t)(1u << (c & 7));
                continue;
            }
            utf8proc_uint8_t in[4], *nf = NULL;
            utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)c, in);
            utf8proc_ssize_t m =
                utf8proc_map(in, n, &nf, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
            if (m == n && !memcmp(nf, in, (size_t)n) &&
                utf8proc_get_property((utf8proc_int32_t)c)->combining_class == 0)
                fast_ok[c >> 3] |= (uint8_t)(1u << (c & 7));
            free(nf);
        }
    for (uint32_t c = XG_FOLD_BASE; c < XG_FOLD_END; c++)
        fast_han[c - XG_FOLD_BASE] = (fast_ok[c >> 3] >> (c & 7)) & 1;
    for (size_t r = 0; r < sizeof MAP_RANGES / sizeof *MAP_RANGES; r++)
        for (uint32_t c = MAP_RANGES[r][0]; c <= MAP_RANGES[r][1] && fast_nmap < MAP_MAX; c++) {
            utf8proc_uint8_t in[4], *nf = NULL;
            utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)c, in);
            utf8proc_ssize_t m =
                utf8proc_map(in, n, &nf, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
            int ok = m > 0 && (size_t)m < sizeof fast_map[0].to &&
                     utf8proc_get_property((utf8proc_int32_t)c)->combining_class == 0;
            for (utf8proc_ssize_t k = 0; ok && k < m;) {
                uint32_t cp;
                size_t l = xg_utf8_next((const char *)nf + k, (size_t)(m - k), &cp);
                ok = l && fast_covered(cp);
                k += l ? (utf8proc_ssize_t)l : 1;
            }
            if (ok) {
                fast_map[fast_nmap].cp = c;
                fast_map[fast_nmap].len = (uint8_t)m;
                memcpy(fast_map[fast_nmap].to, nf, (size_t)m);
                fast_nmap++;
                fast_mapped[c >> 3] |= (uint8_t)(1u << (c & 7));
            }
            free(nf);
        }
}

/* The line of `s` (n bytes) that starts at `from` and holds byte `at`, through utf8proc: its NFKC
 * text into *nf (malloc'd, freed by the caller; *nf_len bytes), the line's end (its line feed,
 * or n) into *end. Returns 0, or XG_EUTF8 with the error set (invalid UTF-8). Both NFKC passes
 * (nfkc_lines, the reference, and nfkc_squeeze_fold) send the lines they do not cover here. */
static int nfkc_line(utf8proc_uint8_t **nf, size_t *nf_len, size_t *end, const char *s, size_t n,
                     size_t from, size_t at)
{
    const char *nl = memchr(s + at, '\n', n - at);
    *end = nl ? (size_t)(nl - s) : n;
    *nf = NULL;
    utf8proc_ssize_t r =
        utf8proc_map((const utf8proc_uint8_t *)s + from, (utf8proc_ssize_t)(*end - from), nf,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    if (r < 0) return xg_error_set(XG_EUTF8, "text is not valid UTF-8 (%s)", utf8proc_errmsg(r));
    *nf_len = (size_t)r;
    return 0;
}

/* NFKC of `s`, line by line: the characters the fast path covers are written in one pass, and a
 * line that holds any other character (or invalid UTF-8) goes through utf8proc alone. Splitting
 * at line feeds is exact: U+000A is a starter that nothing composes with on either side, so NFKC
 * of the text is NFKC of its lines joined by line feeds. */
static int nfkc_lines(char **out, size_t *out_len, const char *s, size_t n)
{
    pthread_once(&fast_once, fast_build);
    xg_buf b;
    xg_buf_init(&b);
    if (xg_buf_reserve(&b, n + 1)) return XG_ENOMEM;
    /* the output through locals (o, w), not b: a store through char * may alias b's fields, which
     * the compiler would reload after every byte; b is brought up to date around each reserve */
    char *o = b.data;
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, line_i = 0, line_w = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            o[w++] = (char)p[i];
            if (p[i++] == '\n') {
                line_i = i;
                line_w = w;
            }
            continue;
        }
        if ((p[i] & 0xF0) == 0xE0 && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 &&
            (p[i + 2] & 0xC0) == 0x80) { /* a Han character: decoded here, copied if covered */
            uint32_t c3 = ((p[i] & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
            if (c3 >= 0x800 && (fast_ok[c3 >> 3] & (1u << (c3 & 7)))) { /* not overlong */
                o[w] = (char)p[i];
                o[w + 1] = (char)p[i + 1];
                o[w + 2] = (char)p[i + 2];
                w += 3;
                i += 3;
                continue;
            }
        }
        uint32_t cp;
        size_t k = xg_utf8_next(s + i, n - i, &cp);
        if (k && cp < 0x10000) {
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                o[w++] = (char)(cp - 0xFEE0);
                i += k;
                continue;
            }
            if (cp == 0x3000 || cp == 0x00A0) { /* ideographic and no-break space */
                o[w++] = ' ';
                i += k;
                continue;
            }
            if (fast_ok[cp >> 3] & (1u << (cp & 7))) {
                memcpy(o + w, s + i, k);
                w += k;
                i += k;
                continue;
            }
            if (fast_mapped[cp >> 3] & (1u << (cp & 7))) {
                size_t lo = fast_map_find(cp);
                size_t ml = fast_map[lo].len;
                /* the output may grow: a 3-byte character can become up to 10 bytes */
                b.len = w;
                if (xg_buf_reserve(&b, ml + (n - i) + 1)) {
                    xg_buf_free(&b);
                    return XG_ENOMEM;
                }
                o = b.data;
                memcpy(o + w, fast_map[lo].to, ml);
                w += ml;
                i += k;
                continue;
            }
        }
        /* a character the fast path does not cover: this line through utf8proc */
        utf8proc_uint8_t *nf;
        size_t r, end;
        int rc = nfkc_line(&nf, &r, &end, s, n, line_i, i);
        if (rc) {
            xg_buf_free(&b);
            return rc;
        }
        b.len = line_w;
        rc = xg_buf_reserve(&b, r + (n - end) + 1);
        if (!rc) {
            memcpy(b.data + b.len, nf, r);
            b.len += r;
        }
        free(nf);
        if (rc) {
            xg_buf_free(&b);
            return XG_ENOMEM;
        }
        o = b.data;
        w = b.len;
        i = end; /* the line feed, if any, is copied next */
    }
    b.len = w;
    o[w] = 0;
    *out_len = w;
    *out = xg_buf_steal(&b);
    return *out ? 0 : XG_ENOMEM;
}

int scan_nfkc(char **out, size_t *out_len, const char *utf8, size_t len)
{
    return nfkc_lines(out, out_len, utf8, len);
}

/* Squeeze (CRLF and CR to LF, a run of spaces or tabs between two CJK
 * characters dropped) and fold traditional characters through `table` (when given), in one pass
 * over the NFKC text, in place. The fold keeps every character's length, so the text before
 * folding (*orig, made at the first character folded; NULL when none is) has the same offsets.
 * The squeeze looks at the characters before folding, as when it ran first. Returns the length. */
static size_t squeeze_fold(char *s, size_t n, const uint32_t *table, char **orig, size_t *nfolded,
                           int *oom)
{
    unsigned char *t = (unsigned char *)s;
    unsigned char *o = NULL; /* the text before folding, once anything is folded */
    size_t w = 0, folded = 0;
    int prev_cjk = 0; /* the character last written is CJK */
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    for (size_t i = 0; i < n;) {
        uint64_t w8;
        if (i + 8 <= n && (memcpy(&w8, t + i, 8), !(w8 & high))) {
            /* eight ASCII bytes: copied unless one is "\r" or a space may follow a CJK
             * character (the first byte only: after it the last character is ASCII) */
            uint64_t cr = w8 ^ (ones * '\r');
            if (!(((cr - ones) & ~cr) & high) && !(prev_cjk && (t[i] == ' ' || t[i] == '\t'))) {
                if (w != i) {
                    memmove(t + w, t + i, 8);
                    if (o) memcpy(o + w, t + w, 8);
                } else if (o)
                    memcpy(o + w, t + i, 8);
                w += 8;
                i += 8;
                prev_cjk = 0;
                continue;
            }
        }
        unsigned char c = t[i];
        if (c < 0x80) {
            if (c == '\r') {
                t[w] = '\n';
                if (o) o[w] = '\n';
                w++;
                i += (i + 1 < n && t[i + 1] == '\n') ? 2 : 1;
                prev_cjk = 0;
                continue;
            }
            if ((c == ' ' || c == '\t') && prev_cjk) {
                size_t j = i;
                while (j < n && (t[j] == ' ' || t[j] == '\t'))
                    j++;
                uint32_t next = 0;
                if (j < n) u8_decode(t + j, n - j, &next);
                if (is_cjk(next)) {
                    i = j; /* dropped; the last character written is still CJK */
                    continue;
                }
                for (; i < j; i++, w++) { /* kept: copied */
                    t[w] = t[i];
                    if (o) o[w] = t[i];
                }
                prev_cjk = 0;
                continue;
            }
            t[w] = c;
            if (o) o[w] = c;
            w++;
            i++;
            prev_cjk = 0;
            continue;
        }
        uint32_t cp = 0;
        size_t k;
        if ((c & 0xF0) == 0xE0 && i + 2 < n) { /* three bytes (the text is valid UTF-8) */
            cp = ((c & 0x0Fu) << 12) | ((t[i + 1] & 0x3Fu) << 6) | (t[i + 2] & 0x3Fu);
            k = 3;
        } else
            k = u8_decode(t + i, n - i, &cp);
        prev_cjk = is_cjk(cp);
        if (k == 3 && table && cp >= XG_FOLD_BASE && cp < XG_FOLD_END && table[cp - XG_FOLD_BASE]) {
            if (!o) {
                if (!(o = malloc(n + 1))) {
                    *oom = 1;
                    return 0;
                }
                memcpy(o, t, w);
            }
            memcpy(o + w, t + i, 3);
            uint32_t f = table[cp - XG_FOLD_BASE];
            t[w] = (unsigned char)(0xE0 | (f >> 12));
            t[w + 1] = (unsigned char)(0x80 | ((f >> 6) & 0x3F));
            t[w + 2] = (unsigned char)(0x80 | (f & 0x3F));
            folded++;
            w += 3;
            i += 3;
            continue;
        }
        if (w != i)
            for (size_t x = 0; x < k; x++)
                t[w + x] = t[i + x];
        if (o)
            for (size_t x = 0; x < k; x++)
                o[w + x] = t[w + x];
        w += k;
        i += k;
    }
    t[w] = 0;
    if (o) o[w] = 0;
    *orig = (char *)o;
    *nfolded = folded;
    return w;
}

int scan_normalise_two_pass(scan_doc *doc, const char *utf8, size_t len, const uint32_t *table)
{
    char *nf = NULL;
    size_t nl = 0;
    int rc = scan_nfkc(&nf, &nl, utf8, len);
    if (rc) return rc;
    char *orig = NULL;
    size_t nfolded = 0;
    int oom = 0;
    size_t n = squeeze_fold(nf, nl, table, &orig, &nfolded, &oom);
    if (oom) {
        free(nf);
        return XG_ENOMEM;
    }
    doc->text = nf;
    doc->orig = orig;
    doc->len = n;
    doc->nfolded = nfolded;
    return 0;
}

/* ---- NFKC, squeeze and fold in one pass ----
 * The same text as scan_normalise_two_pass (NFKC by nfkc_lines, then squeeze_fold over it), made
 * while the NFKC text is written: each character the NFKC gives is squeezed and folded as it is
 * written. A run of spaces or tabs after a CJK character is written, then taken back (the output
 * offset set back to `gap`) when the next character is CJK too. Folding keeps every
 * character's length; the characters folded are listed (offset, code point before folding) and
 * the text before folding is the folded text with them put back, made at the end. */
#define NO_GAP ((size_t)-1)
typedef struct {
    size_t off;
    uint32_t cp;
} fold_at;

typedef struct {
    char *o;    /* output (capacity ensured by the caller) */
    size_t w;   /* bytes written */
    size_t gap; /* just after the last CJK character written, when only spaces and tabs follow
                 * it; NO_GAP otherwise */
    const uint32_t *table;
    fold_at *f; /* characters folded */
    size_t nf, capf;
} nsf_state;

static int nsf_fold_note(nsf_state *st, size_t off, uint32_t cp)
{
    if (st->nf == st->capf) {
        size_t cap = st->capf ? 2 * st->capf : 64;
        fold_at *f = realloc(st->f, cap * sizeof *f);
        if (!f) return XG_ENOMEM;
        st->f = f;
        st->capf = cap;
    }
    st->f[st->nf].off = off;
    st->f[st->nf].cp = cp;
    st->nf++;
    return 0;
}

/* One character of the NFKC text, not ASCII: `k` bytes at `src`, code point `cp`. */
static inline int nsf_put(nsf_state *st, const unsigned char *src, size_t k, uint32_t cp)
{
    int cjk = is_cjk(cp);
    if (cjk && st->gap != NO_GAP) st->w = st->gap; /* the spaces since the last CJK dropped */
    unsigned char *t = (unsigned char *)st->o + st->w;
    uint32_t f;
    if (k == 3 && st->table && cp >= XG_FOLD_BASE && cp < XG_FOLD_END &&
        (f = st->table[cp - XG_FOLD_BASE])) {
        if (nsf_fold_note(st, st->w, cp)) return XG_ENOMEM;
        t[0] = (unsigned char)(0xE0 | (f >> 12));
        t[1] = (unsigned char)(0x80 | ((f >> 6) & 0x3F));
        t[2] = (unsigned char)(0x80 | (f & 0x3F));
    } else
        memcpy(t, src, k);
    st->w += k;
    st->gap = cjk ? st->w : NO_GAP;
    return 0;
}

/* A piece of NFKC text (a line from utf8proc, a mapped character's string), squeezed and folded
 * into the output. */
static int nsf_chunk(nsf_state *st, const unsigned char *t, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = t[i];
        if (c < 0x80) {
            if (c == '\r') {
                st->o[st->w++] = '\n';
                i += (i + 1 < n && t[i + 1] == '\n') ? 2 : 1;
                st->gap = NO_GAP;
                continue;
            }
            if (c != ' ' && c != '\t') st->gap = NO_GAP;
            st->o[st->w++] = (char)c;
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t k = u8_decode(t + i, n - i, &cp);
        if (nsf_put(st, t + i, k, cp)) return XG_ENOMEM;
        i += k;
    }
    return 0;
}

static int nfkc_squeeze_fold(scan_doc *doc, const char *s, size_t n, const uint32_t *table)
{
    pthread_once(&fast_once, fast_build);
    xg_buf b;
    xg_buf_init(&b);
    if (xg_buf_reserve(&b, n + 1)) return XG_ENOMEM;
    nsf_state st = {.o = b.data, .gap = NO_GAP, .table = table};
    /* the hot loop keeps the output offset and the gap in locals, st brought up to date around
     * the calls that use it */
    char *o = b.data;
    size_t w = 0, gap = NO_GAP;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, line_i = 0, line_w = 0, line_nf = 0;
    int rc = 0;
#ifdef __SSE2__
    const __m128i v_cr = _mm_set1_epi8('\r'), v_lf = _mm_set1_epi8('\n'), v_sp = _mm_set1_epi8(' '),
                  v_tab = _mm_set1_epi8('\t');
#endif
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
#ifdef __SSE2__
            if (n - i >= 16 && c != '\r') {
                /* the ASCII bytes of a block before its first "\r" or other byte, copied at
                 * once (all sixteen are stored: the output has room for n - i more bytes); the
                 * gap goes on only over spaces and tabs, and the last line feed starts a line */
                __m128i x = _mm_loadu_si128((const __m128i *)(p + i));
                unsigned stop =
                    (unsigned)_mm_movemask_epi8(_mm_or_si128(x, _mm_cmpeq_epi8(x, v_cr)));
                unsigned run = stop ? (unsigned)__builtin_ctz(stop) : 16;
                unsigned keep = (unsigned)((1ul << run) - 1);
                _mm_storeu_si128((__m128i *)(o + w), x);
                unsigned blank = (unsigned)_mm_movemask_epi8(
                    _mm_or_si128(_mm_cmpeq_epi8(x, v_sp), _mm_cmpeq_epi8(x, v_tab)));
                if (keep & ~blank) gap = NO_GAP;
                unsigned lf = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, v_lf)) & keep;
                if (lf) {
                    unsigned last = 31u - (unsigned)__builtin_clz(lf) + 1;
                    line_i = i + last;
                    line_w = w + last;
                    line_nf = st.nf;
                }
                w += run;
                i += run;
                continue;
            }
#endif
            if (c > ' ') {
                o[w++] = (char)c;
                gap = NO_GAP;
                i++;
                continue;
            }
            if (c == ' ' || c == '\t') { /* the gap, if any, goes on */
                o[w++] = (char)c;
                i++;
                continue;
            }
            gap = NO_GAP;
            if (c == '\r') {
                o[w++] = '\n';
                if (i + 1 < n && p[i + 1] == '\n') {
                    i += 2;
                    line_i = i;
                    line_w = w;
                    line_nf = st.nf;
                } else
                    i++;
                continue;
            }
            o[w++] = (char)c;
            if (p[i++] == '\n') {
                line_i = i;
                line_w = w;
                line_nf = st.nf;
            }
            continue;
        }
        if ((c & 0xF0) == 0xE0 && i + 2 < n && (p[i + 1] & 0xC0) == 0x80 &&
            (p[i + 2] & 0xC0) == 0x80) { /* a Han character: decoded here, copied if covered */
            uint32_t c3 = ((c & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
            if (c3 >= 0x800 && (fast_ok[c3 >> 3] & (1u << (c3 & 7)))) { /* not overlong */
                int cjk = is_cjk(c3);
                if (cjk && gap != NO_GAP) w = gap;
                uint32_t f;
                if (table && c3 >= XG_FOLD_BASE && c3 < XG_FOLD_END &&
                    (f = table[c3 - XG_FOLD_BASE])) {
                    if (nsf_fold_note(&st, w, c3)) {
                        rc = XG_ENOMEM;
                        break;
                    }
                    o[w] = (char)(0xE0 | (f >> 12));
                    o[w + 1] = (char)(0x80 | ((f >> 6) & 0x3F));
                    o[w + 2] = (char)(0x80 | (f & 0x3F));
                } else {
                    o[w] = (char)c;
                    o[w + 1] = (char)p[i + 1];
                    o[w + 2] = (char)p[i + 2];
                }
                w += 3;
                i += 3;
                gap = cjk ? w : NO_GAP;
                if (cjk) {
                    /* a run of Han characters (U+3400–U+9FFF, the fold table's range): each
                     * read in one load of four bytes, CJK (nothing to squeeze, the gap just
                     * after it) and covered; the output has room for four bytes (its capacity
                     * is at least w + n - i + 1) */
                    const uint32_t *tab = table ? table : no_fold;
                    for (uint32_t v; i + 4 <= n;) {
                        memcpy(&v, p + i, 4);
                        if ((v & 0xC0C0F0u) != 0x8080E0u) break;
                        uint32_t x =
                            (((v & 0x0Fu) << 12) | ((v >> 2) & 0xFC0u) | ((v >> 16) & 0x3Fu)) -
                            XG_FOLD_BASE; /* the code point's place in the table */
                        if (x >= XG_FOLD_END - XG_FOLD_BASE || !fast_han[x]) break;
                        uint32_t f = tab[x];
                        if (f) {
                            if (nsf_fold_note(&st, w, x + XG_FOLD_BASE)) {
                                rc = XG_ENOMEM;
                                break;
                            }
                            o[w] = (char)(0xE0 | (f >> 12));
                            o[w + 1] = (char)(0x80 | ((f >> 6) & 0x3F));
                            o[w + 2] = (char)(0x80 | (f & 0x3F));
                        } else
                            memcpy(o + w, &v, 4);
                        w += 3;
                        i += 3;
                    }
                    if (rc) break;
                    gap = w;
                }
                continue;
            }
        }
        uint32_t cp;
        size_t k = xg_utf8_next(s + i, n - i, &cp);
        if (k && cp < 0x10000) {
            if (cp >= 0xFF01 && cp <= 0xFF5E) { /* full-width ASCII: never a space */
                o[w++] = (char)(cp - 0xFEE0);
                gap = NO_GAP;
                i += k;
                continue;
            }
            if (cp == 0x3000 || cp == 0x00A0) { /* ideographic and no-break space: a space */
                o[w++] = ' ';
                i += k;
                continue;
            }
            if (fast_ok[cp >> 3] & (1u << (cp & 7))) {
                st.w = w;
                st.gap = gap;
                if (nsf_put(&st, p + i, k, cp)) {
                    rc = XG_ENOMEM;
                    break;
                }
                w = st.w;
                gap = st.gap;
                i += k;
                continue;
            }
            if (fast_mapped[cp >> 3] & (1u << (cp & 7))) {
                size_t lo = fast_map_find(cp);
                size_t ml = fast_map[lo].len;
                /* the output may grow: a 3-byte character can become up to 10 bytes */
                b.len = w;
                if (xg_buf_reserve(&b, ml + (n - i) + 1)) {
                    rc = XG_ENOMEM;
                    break;
                }
                o = st.o = b.data;
                st.w = w;
                st.gap = gap;
                if (nsf_chunk(&st, (const unsigned char *)fast_map[lo].to, ml)) {
                    rc = XG_ENOMEM;
                    break;
                }
                w = st.w;
                gap = st.gap;
                i += k;
                continue;
            }
        }
        /* a character the fast path does not cover: this line through utf8proc */
        utf8proc_uint8_t *nf;
        size_t r, end;
        if ((rc = nfkc_line(&nf, &r, &end, s, n, line_i, i))) break;
        b.len = line_w;
        if (xg_buf_reserve(&b, r + (n - end) + 1)) {
            free(nf);
            rc = XG_ENOMEM;
            break;
        }
        o = st.o = b.data;
        st.w = line_w;
        st.gap = NO_GAP; /* a line starts after a line feed or at the start */
        st.nf = line_nf;
        rc = nsf_chunk(&st, nf, r);
        w = st.w;
        gap = st.gap;
        i = end; /* the line feed, if any, is copied next */
        if (!rc && r > 0 && nf[r - 1] == '\r' && end < n) {
            i = end + 1; /* "\r" written as a line feed: the "\n" after it goes with it */
            gap = NO_GAP;
            line_i = i;
            line_w = w;
            line_nf = st.nf;
        }
        free(nf);
        if (rc) break;
    }
    char *orig = NULL;
    if (!rc && st.nf) { /* the text before folding: the folded characters put back */
        if (!(orig = malloc(w + 1)))
            rc = XG_ENOMEM;
        else {
            memcpy(orig, o, w);
            orig[w] = 0;
            for (size_t x = 0; x < st.nf; x++) {
                uint32_t cp = st.f[x].cp;
                char *t = orig + st.f[x].off;
                t[0] = (char)(0xE0 | (cp >> 12));
                t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                t[2] = (char)(0x80 | (cp & 0x3F));
            }
        }
    }
    free(st.f);
    if (rc) {
        xg_buf_free(&b);
        return rc;
    }
    b.len = w;
    o[w] = 0;
    doc->text = xg_buf_steal(&b);
    doc->orig = orig;
    doc->len = w;
    doc->nfolded = st.nf;
    return 0;
}

int scan_normalise(scan_doc *doc, const char *utf8, size_t len, const uint32_t *table)
{
    return nfkc_squeeze_fold(doc, utf8, len, table);
}
