/* Files, the bundled data directory, dates and UTF-8 validation. */
#include "core/core.h"
#include "xgate/error.h"

#include <errno.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int xg_file_read(char **out, size_t *len_out, const char *path, size_t max_bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f) return xg_error_set(XG_EIO, "%s: %s", path, strerror(errno));
    xg_buf b;
    xg_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (max_bytes && b.len + n > max_bytes) {
            fclose(f);
            xg_buf_free(&b);
            return xg_error_set(XG_ETOOBIG, "%s: larger than %zu bytes", path, max_bytes);
        }
        if (xg_buf_append(&b, chunk, n)) {
            fclose(f);
            xg_buf_free(&b);
            return xg_error_set(XG_ENOMEM, "%s: out of memory", path);
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        xg_buf_free(&b);
        return xg_error_set(XG_EIO, "%s: read error", path);
    }
    if (len_out) *len_out = b.len;
    *out = xg_buf_steal(&b);
    return XG_OK;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static char data_dir[PATH_MAX];
static pthread_once_t data_dir_once = PTHREAD_ONCE_INIT;

/* Resolved once per process (threads may ask at the same moment). */
static void data_dir_resolve(void)
{
    const char *env = getenv("XGATE_DATA");
    if (env && *env) {
        snprintf(data_dir, sizeof data_dir, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        const char *cands[] = {"%s/data", "%s/../data", "%s/../../data", "%s/../share/xgate/data"};
        for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
            char p[PATH_MAX];
            snprintf(p, sizeof p, cands[i], exe);
            char probe[PATH_MAX + 16];
            snprintf(probe, sizeof probe, "%s/SOURCES.md", p);
            if (is_dir(p) && access(probe, R_OK) == 0) {
                char *real = realpath(p, NULL);
                snprintf(data_dir, sizeof data_dir, "%s", real ? real : p);
                free(real);
                return;
            }
        }
    }
#ifdef XG_DATADIR /* the installed data directory (make install PREFIX=…) */
    if (is_dir(XG_DATADIR)) {
        snprintf(data_dir, sizeof data_dir, "%s", XG_DATADIR);
        return;
    }
#endif
    snprintf(data_dir, sizeof data_dir, "data");
}

const char *xg_data_dir(void)
{
    pthread_once(&data_dir_once, data_dir_resolve);
    return data_dir;
}

char *xg_data_path(const char *relative)
{
    const char *d = xg_data_dir();
    size_t n = strlen(d) + strlen(relative) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", d, relative);
    return p;
}

double xg_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void xg_date_today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

bool xg_date_valid(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    return true;
}

/* Eight ASCII bytes at a time, and Han and the other three-byte characters decoded inline: the
 * portable check, and the last < 16 bytes of the SSE2 one. */
static bool utf8_valid_tail(const unsigned char *p, const unsigned char *end)
{
    while (p < end) {
        uint64_t w;
        if (end - p >= 8 && (memcpy(&w, p, 8), !(w & 0x8080808080808080u))) {
            p += 8;
            continue;
        }
        if (*p < 0x80) {
            p++;
            continue;
        }
        /* a run of three-byte characters (Han text), each read in one load of four bytes */
        for (uint32_t v; end - p >= 4 && (memcpy(&v, p, 4), (v & 0xC0C0F0u) == 0x8080E0u); p += 3) {
            uint32_t c = ((v & 0x0Fu) << 12) | ((v >> 2) & 0xFC0u) | ((v >> 16) & 0x3Fu);
            if (c < 0x800 || c - 0xD800u < 0x800u) return false;
        }
        if (end - p >= 8 && !(p[0] & 0x80)) continue; /* ASCII again */
        if (p >= end) break;
        if ((*p & 0xF0) == 0xE0 && end - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            uint32_t c = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF)) return false;
            p += 3;
            continue;
        }
        uint32_t cp;
        size_t len = xg_utf8_next((const char *)p, (size_t)(end - p), &cp);
        if (!len) return false;
        p += len;
    }
    return true;
}

/* Sixteen bytes at a time with SSE2: a block of ASCII is passed over, the ASCII bytes before the
 * first other byte are, and a run of three-byte characters (Han text) is checked five at a time
 * (their lead bytes 0xE1-0xEC or 0xEE-0xEF, two continuation bytes each: nothing else to check; a
 * lead 0xE0 or 0xED, which needs its second byte checked, goes one character at a time). Any other
 * character is read by xg_utf8_next, and the last bytes by utf8_valid_tail: the check only ever
 * stops between two characters. The whole of CC-CEDICT, every scanned document and every string
 * the JSON writers put out pass through here. */
bool xg_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
#ifdef __SSE2__
    const __m128i mask =
        _mm_setr_epi8((char)0xF0, (char)0xC0, (char)0xC0, (char)0xF0, (char)0xC0, (char)0xC0,
                      (char)0xF0, (char)0xC0, (char)0xC0, (char)0xF0, (char)0xC0, (char)0xC0,
                      (char)0xF0, (char)0xC0, (char)0xC0, 0);
    const __m128i want =
        _mm_setr_epi8((char)0xE0, (char)0x80, (char)0x80, (char)0xE0, (char)0x80, (char)0x80,
                      (char)0xE0, (char)0x80, (char)0x80, (char)0xE0, (char)0x80, (char)0x80,
                      (char)0xE0, (char)0x80, (char)0x80, 0);
    const __m128i e0 = _mm_set1_epi8((char)0xE0), ed = _mm_set1_epi8((char)0xED);
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        unsigned high = (unsigned)_mm_movemask_epi8(x);
        if (!high) { /* sixteen ASCII bytes */
            p += 16;
            continue;
        }
        if (high & 1) {
            /* the bytes matching three-byte characters from p: 3 * k bits from bit 0 for k whole
             * characters */
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(x, mask), want));
            unsigned run = (unsigned)__builtin_ctz(~m); /* m < 0x8000: ~m has a zero bit */
            unsigned k = run / 3;
            unsigned leads = 0x1249u & ((1u << (3 * k)) - 1);
            unsigned bad = (unsigned)_mm_movemask_epi8(
                _mm_or_si128(_mm_cmpeq_epi8(x, e0), _mm_cmpeq_epi8(x, ed)));
            if (k && !(bad & leads)) {
                p += 3 * k;
                continue;
            }
            uint32_t cp;
            size_t len = xg_utf8_next((const char *)p, (size_t)(end - p), &cp);
            if (!len) return false;
            p += len;
            continue;
        }
        p += __builtin_ctz(high); /* the ASCII bytes before the first other */
    }
#endif
    return utf8_valid_tail(p, end);
}

const char *xg_json_str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
