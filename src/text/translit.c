/* ICU transliteration with one set of transliterators per thread. Opening a UTransliterator
 * compiles its rules (milliseconds for Any-Latin), so each thread opens the ones it uses once and
 * keeps them until it exits; the shared xg_text_ctx stays read-only. Cyrillic goes through the
 * BGN/PCGN romanisation first (ромашка → romashka, Дмитрий → dmitriy), which is how Russian names
 * are written in English-language lists, rather than ICU's scholarly default (romaška). */
#include "text/text_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "xgate/error.h"

static const char *const transform_ids[XG_TR_COUNT] = {
    [XG_TR_HANT_HANS] = "Hant-Hans", [XG_TR_RUSSIAN_LATIN] = "Russian-Latin/BGN",
    [XG_TR_ANY_LATIN] = "Any-Latin", [XG_TR_LATIN_ASCII] = "Latin-ASCII",
    [XG_TR_HAN_LATIN] = "Han-Latin",
};

static _Thread_local UTransliterator *thread_tr[XG_TR_COUNT];
static pthread_key_t cleanup_key;
static pthread_once_t cleanup_once = PTHREAD_ONCE_INIT;

static void close_thread_transliterators(void *unused)
{
    (void)unused;
    for (int i = 0; i < XG_TR_COUNT; i++) {
        if (thread_tr[i]) utrans_close(thread_tr[i]);
        thread_tr[i] = NULL;
    }
}

static void make_cleanup_key(void)
{
    pthread_key_create(&cleanup_key, close_thread_transliterators);
}

static UTransliterator *thread_transliterator(int which)
{
    if (thread_tr[which]) return thread_tr[which];
    UErrorCode st = U_ZERO_ERROR;
    UChar id[64];
    u_uastrcpy(id, transform_ids[which]);
    UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) return NULL;
    pthread_once(&cleanup_once, make_cleanup_key);
    pthread_setspecific(cleanup_key, (void *)1); /* any non-NULL value arms the destructor */
    return thread_tr[which] = t;
}

static int to_utf8(char **out, const UChar *u, int32_t ulen)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = 0;
    u_strToUTF8(NULL, 0, &need, u, ulen, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return XG_EUTF8;
    char *s = malloc((size_t)need + 1);
    if (!s) return XG_ENOMEM;
    st = U_ZERO_ERROR;
    u_strToUTF8(s, need + 1, NULL, u, ulen, &st);
    if (U_FAILURE(st)) return free(s), XG_EUTF8;
    s[need] = '\0';
    *out = s;
    return 0;
}

/* Transliterate into a UTF-16 buffer of `cap` units; XG_ETOOBIG when it did not fit. */
static int run_transform(UTransliterator *t, UChar *buf, int32_t cap, const char *s, size_t n,
                         int32_t *len)
{
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(buf, cap, len, s, (int32_t)n, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING) return XG_ETOOBIG;
    if (U_FAILURE(st)) return XG_EUTF8;
    int32_t limit = *len;
    st = U_ZERO_ERROR;
    utrans_transUChars(t, buf, len, cap, 0, &limit, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) return XG_ETOOBIG;
    return U_FAILURE(st) ? XG_EINTERNAL : 0;
}

int xg_translit(char **out, int which, const char *s, size_t n)
{
    UTransliterator *t = thread_transliterator(which);
    if (!t)
        return xg_error_set(XG_EINTERNAL, "ICU transliterator %s unavailable",
                            transform_ids[which]);
    int32_t cap = (int32_t)n * 4 + 64;
    for (int attempt = 0; attempt < 4; attempt++, cap *= 4) {
        UChar *buf = malloc((size_t)cap * sizeof *buf);
        if (!buf) return xg_error_set(XG_ENOMEM, "transliteration: out of memory");
        int32_t len = 0;
        int rc = run_transform(t, buf, cap, s, n, &len);
        if (rc == 0) rc = to_utf8(out, buf, len);
        free(buf);
        if (rc != XG_ETOOBIG) {
            if (rc) return xg_error_set(rc, "transliteration %s failed", transform_ids[which]);
            return 0;
        }
    }
    return xg_error_set(XG_ETOOBIG, "transliteration %s: output too large", transform_ids[which]);
}

int xg_text_to_simplified(char **out, struct xg_arena *arena, const char *utf8, size_t len)
{
    if (!xg_utf8_valid(utf8, len)) return xg_error_set(XG_EUTF8, "text: invalid UTF-8");
    char *heap;
    int rc = xg_translit(&heap, XG_TR_HANT_HANS, utf8, len);
    if (rc) return rc;
    *out = xg_arena_strdup(arena, heap);
    free(heap);
    return *out ? 0 : xg_error_set(XG_ENOMEM, "text: out of memory");
}
