/* Fuzz target: screening queries. The first byte picks options (person, a threshold, an
 * identifier, a country); the rest is the name, then an optional second string after a NUL that
 * also goes through the similarity kernels against the name. Nothing may crash, every score stays
 * in [0, 1], matches stay at or above the threshold and best first, and the kernels agree with
 * their own symmetry. The snapshot is the bundled lists, loaded once. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"
#include "xgate/screen.h"

static xg_text_ctx *text;
static xg_snapshot *snap;

static void check(const xg_screen_result *r)
{
    for (size_t i = 0; i < r->nmatches; i++) {
        if (!(r->matches[i].score >= r->threshold && r->matches[i].score <= 1.0)) abort();
        if (i && r->matches[i].score > r->matches[i - 1].score) abort();
        if (!r->matches[i].why || !r->matches[i].record) abort();
        json_t *e = xg_screen_match_explanation(&r->matches[i]);
        if (!e) abort();
        json_decref(e);
    }
    if (r->best_below < 0 || r->best_below >= r->threshold + 1e-12) abort();
    json_t *j = xg_screen_result_json(r);
    if (!j) abort();
    json_decref(j);
}

static void kernels(const char *a, const char *b)
{
    double j1 = xg_jaro_winkler(a, b), j2 = xg_jaro_winkler(b, a);
    if (!(j1 >= 0 && j1 <= 1.0 + 1e-12) || fabs(j1 - j2) > 1e-9) abort();
    if (xg_levenshtein(a, b) != xg_levenshtein(b, a)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!snap) {
        if (xg_text_ctx_load(&text, NULL) || xg_snapshot_load(&snap, NULL, 0, 0, text)) abort();
    }
    if (size < 1) return 0;
    uint8_t opt = data[0];
    char *s = malloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    const char *second = s + strlen(s) + 1 <= s + size - 1 ? s + strlen(s) + 1 : "";
    const char *ids[] = {"USCC:91440101MA5ALQNR86", second};
    xg_screen_query q = {.name = s,
                         .threshold = (opt & 3) == 0 ? -1 : (opt & 3) * 0.3,
                         .limit = (opt >> 2) & 7,
                         .is_person = (opt >> 5) & 1,
                         .country = (opt >> 6) & 1 ? "CN" : NULL,
                         .ids = ids,
                         .nids = (opt >> 7) & 1 ? 2 : 0};
    xg_screen_result *r;
    int rc = xg_screen(&r, snap, &q);
    if (rc == 0) {
        check(r);
        xg_screen_result_free(r);
    } else if (rc != XG_EUTF8 && rc != XG_EINVAL) {
        abort();
    }
    kernels(s, second);
    free(s);
    return 0;
}
