/*
 * policy.c — loading data/policy/: country groups, aliases, embargoes, per-list effects, license
 * review policies, destination scopes, settings and the profiles, each row dated and cited.
 *
 * The files are tab-separated with '#' comments and one header row, so a compliance officer can
 * edit them in any spreadsheet; every row is checked (column count, dates, known outcomes) and a
 * bad row is an error naming file and line rather than a rule silently lost. A content hash of the
 * files read becomes the policy version written with every decision.
 */
#include "policy/policy_internal.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

#define POL_MAX_FILE (4u << 20)
#define POL_MAX_COLS 16

typedef struct tsv_row {
    const char *col[POL_MAX_COLS];
    size_t ncols;
    long line;
} tsv_row;

typedef int (*row_fn)(xg_policy_set *p, const tsv_row *r, const char *file, void *ctx);

static char *arena_dup(xg_policy_set *p, const char *s)
{
    return xg_arena_strdup(&p->arena, s ? s : "");
}

/* Read a TSV file: skip comments, blank lines and the header row; hand each row to `fn`. */
static int tsv_read(xg_policy_set *p, const char *path, size_t mincols, row_fn fn, void *ctx,
                    crypto_generichash_state *hs)
{
    char *text;
    size_t len;
    int rc = xg_file_read(&text, &len, path, POL_MAX_FILE);
    if (rc) return rc;
    if (!xg_utf8_valid(text, len)) {
        free(text);
        return xg_error_set(XG_EUTF8, "%s: invalid UTF-8", path);
    }
    crypto_generichash_update(hs, (const unsigned char *)text, len);
    long line = 0;
    int header_seen = 0;
    char *save = NULL;
    for (char *ln = text, *next; ln && !rc; ln = next) {
        next = strchr(ln, '\n');
        if (next) *next++ = '\0';
        line++;
        size_t n = strlen(ln);
        if (n && ln[n - 1] == '\r') ln[--n] = '\0';
        if (!n || ln[0] == '#') continue;
        if (!header_seen) {
            header_seen = 1;
            continue;
        }
        tsv_row r = {.line = line};
        for (char *f = ln; f && r.ncols < POL_MAX_COLS; r.ncols++) {
            char *tab = strchr(f, '\t');
            if (tab) *tab++ = '\0';
            r.col[r.ncols] = arena_dup(p, f);
            f = tab;
        }
        if (r.ncols < mincols)
            rc = xg_error_set(XG_EPARSE, "%s:%ld: %zu columns, expected %zu", path, line, r.ncols,
                              mincols);
        for (size_t i = r.ncols; i < POL_MAX_COLS; i++)
            r.col[i] = "";
        if (!rc) rc = fn(p, &r, path, ctx);
    }
    (void)save;
    free(text);
    return rc;
}

static int check_dates(const char *file, long line, const char *from, const char *to)
{
    if (*from && !xg_date_valid(from))
        return xg_error_set(XG_EPARSE, "%s:%ld: from date '%s' is not YYYY-MM-DD", file, line,
                            from);
    if (*to && !xg_date_valid(to))
        return xg_error_set(XG_EPARSE, "%s:%ld: to date '%s' is not YYYY-MM-DD", file, line, to);
    if (*from && *to && strcmp(from, to) > 0)
        return xg_error_set(XG_EPARSE, "%s:%ld: from %s is after to %s", file, line, from, to);
    return XG_OK;
}

static int check_yes_no(const char *file, long line, const char *v)
{
    if (strcmp(v, "yes") && strcmp(v, "no"))
        return xg_error_set(XG_EPARSE, "%s:%ld: confirmed must be yes or no, not '%s'", file, line,
                            v);
    return XG_OK;
}

/* Grow an arena-less array kept in the set (freed in xg_policy_free). */
#define PUSH(arr, n, item)                                                                         \
    do {                                                                                           \
        void *grown = realloc((arr), ((n) + 1) * sizeof *(arr));                                   \
        if (!grown) return XG_ENOMEM;                                                              \
        (arr) = grown;                                                                             \
        (arr)[(n)++] = (item);                                                                     \
    } while (0)

static int group_row(xg_policy_set *p, const tsv_row *r, const char *file, void *ctx)
{
    int rc = check_dates(file, r->line, r->col[2], r->col[3]);
    if (!rc) rc = check_yes_no(file, r->line, r->col[4]);
    if (rc) return rc;
    pol_group_row g = {r->col[0], r->col[1], {r->col[2], r->col[3]}, !strcmp(r->col[4], "yes"),
                       r->col[5], r->col[6]};
    PUSH(p->groups, p->ngroups, g);
    return XG_OK;
}

static int alias_row(xg_policy_set *p, const tsv_row *r, const char *file, void *ctx)
{
    int rc = check_dates(file, r->line, r->col[2], r->col[3]);
    if (rc) return rc;
    pol_alias a = {r->col[0], r->col[1], {r->col[2], r->col[3]}, r->col[4]};
    PUSH(p->aliases, p->naliases, a);
    return XG_OK;
}

static int embargo_row(xg_policy_set *p, const tsv_row *r, const char *file, void *ctx)
{
    int rc = check_dates(file, r->line, r->col[2], r->col[3]);
    if (rc) return rc;
    pol_embargo e = {r->col[0], r->col[1], {r->col[2], r->col[3]}, r->col[4], r->col[5]};
    PUSH(p->embargoes, p->nembargoes, e);
    return XG_OK;
}

static bool outcome_known(const char *o, bool list_effect)
{
    const char *all[] = {"DENY",        "LICENSE_REQUIRED",   "REVIEW",      "ALLOW",
                         "ALLOW_NOTED", "REVIEW_IF_TRAINING", "LIST_EFFECT", "OFF"};
    size_t n = list_effect ? 4 : sizeof all / sizeof *all;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(o, all[i])) return true;
    return false;
}

static int effect_row(xg_policy_set *p, const tsv_row *r, const char *file, void *ctx)
{
    const char *cat = r->col[1];
    if (strcmp(cat, "sdn") && strcmp(cat, "entity") && strcmp(cat, "other"))
        return xg_error_set(XG_EPARSE, "%s:%ld: category '%s' (expected sdn, entity or other)",
                            file, r->line, cat);
    for (int i = 2; i <= 4; i++)
        if (!outcome_known(r->col[i], true))
            return xg_error_set(XG_EPARSE, "%s:%ld: unknown outcome '%s'", file, r->line,
                                r->col[i]);
    pol_list_effect e = {r->col[0], cat, {r->col[2], r->col[3], r->col[4]}, r->col[5], r->col[6]};
    PUSH(p->effects, p->neffects, e);
    return XG_OK;
}

static int license_policy_row(xg_policy_set *p, const tsv_row *r, const char *file, void *ctx)
{
    int rc = check_dates(file, r->line, r->col[1], r->col[2]);
    if (!rc) rc = check_yes_no(file, r->line, r->col[3]);
    if (rc) return rc;
    pol_license_policy l = {
        r->col[0], {r->col[1], r->col[2]}, !strcmp(r->col[3], "yes"), r->col[4], r->col[5]};
    PUSH(p->license_policies, p->nlicense_policies, l);
    return XG_OK;
}

static int scope_row(xg_policy_set *p, const tsv_row *r, const char *file, void *ctx)
{
    int rc = check_dates(file, r->line, r->col[1], r->col[2]);
    if (rc) return rc;
    pol_scope s = {r->col[0], {r->col[1], r->col[2]}, r->col[3], r->col[4], r->col[5]};
    PUSH(p->scopes, p->nscopes, s);
    return XG_OK;
}

static int setting_row(xg_policy_set *p, const tsv_row *r, const char *file, void *ctx)
{
    pol_setting s = {r->col[0], r->col[1], r->col[2]};
    PUSH(p->settings, p->nsettings, s);
    return XG_OK;
}

static int rule_row(xg_policy_set *p, const tsv_row *r, const char *file, void *ctx)
{
    pol_profile *pr = ctx;
    const char *applies = r->col[1];
    if (strcmp(applies, "any") && strcmp(applies, "export") && strcmp(applies, "remote") &&
        strcmp(applies, "model"))
        return xg_error_set(XG_EPARSE,
                            "%s:%ld: applies_to '%s' (expected any, export, remote or "
                            "model)",
                            file, r->line, applies);
    if (!outcome_known(r->col[2], false))
        return xg_error_set(XG_EPARSE, "%s:%ld: unknown outcome '%s'", file, r->line, r->col[2]);
    int rc = check_dates(file, r->line, r->col[3], r->col[4]);
    if (!rc) rc = check_yes_no(file, r->line, r->col[5]);
    if (rc) return rc;
    pol_rule rule = {
        r->col[0], applies,  r->col[2], {r->col[3], r->col[4]}, !strcmp(r->col[5], "yes"),
        r->col[6], r->col[7]};
    PUSH(pr->rules, pr->nrules, rule);
    return XG_OK;
}

/* The description is the text after the colon on the first comment line. */
static const char *profile_description(xg_policy_set *p, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512] = "";
    if (f) {
        if (!fgets(line, sizeof line, f)) line[0] = '\0';
        fclose(f);
    }
    line[strcspn(line, "\r\n")] = '\0';
    const char *colon = strstr(line, ": ");
    return arena_dup(p, colon ? colon + 2 : "");
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int load_profiles(xg_policy_set *p, const char *dir, crypto_generichash_state *hs)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/policy/profiles", dir);
    DIR *d = opendir(path);
    if (!d) return xg_error_set(XG_EIO, "%s: cannot open the policy profiles directory", path);
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".tsv")) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    int rc = n ? XG_OK : xg_error_set(XG_EIO, "%s: no profiles (*.tsv)", path);
    for (size_t i = 0; i < n; i++) {
        if (!rc) {
            pol_profile pr = {0};
            char file[4200];
            snprintf(file, sizeof file, "%s/%s", path, names[i]);
            names[i][strlen(names[i]) - 4] = '\0';
            pr.name = arena_dup(p, names[i]);
            pr.file = arena_dup(p, file);
            pr.description = profile_description(p, file);
            rc = tsv_read(p, file, 8, rule_row, &pr, hs);
            void *grown = realloc(p->profiles, (p->nprofiles + 1) * sizeof *p->profiles);
            if (!grown) {
                free(pr.rules);
                rc = XG_ENOMEM;
            } else {
                p->profiles = grown;
                p->profiles[p->nprofiles++] = pr;
            }
        }
        free(names[i]);
    }
    return rc;
}

static int load_all(xg_policy_set *p, const char *dir)
{
    struct {
        const char *file;
        size_t mincols;
        row_fn fn;
    } files[] = {{"country_groups.tsv", 6, group_row},
                 {"country_aliases.tsv", 5, alias_row},
                 {"embargoed.tsv", 5, embargo_row},
                 {"list_effects.tsv", 6, effect_row},
                 {"license_policies.tsv", 6, license_policy_row},
                 {"scopes.tsv", 6, scope_row},
                 {"settings.tsv", 2, setting_row}};
    crypto_generichash_state hs;
    crypto_generichash_init(&hs, NULL, 0, 8);
    int rc = XG_OK;
    for (size_t i = 0; i < sizeof files / sizeof *files && !rc; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/policy/%s", dir, files[i].file);
        rc = tsv_read(p, path, files[i].mincols, files[i].fn, NULL, &hs);
    }
    if (!rc) rc = load_profiles(p, dir, &hs);
    unsigned char h[8];
    crypto_generichash_final(&hs, h, sizeof h);
    sodium_bin2hex(p->version, sizeof p->version, h, sizeof h);
    if (!rc && !pol_list_effect_for(p, "*"))
        rc = xg_error_set(XG_EPARSE, "%s/policy/list_effects.tsv: no '*' row for other lists", dir);
    return rc;
}

int xg_policy_load(xg_policy_set **out, const char *data_dir)
{
    if (sodium_init() < 0) return xg_error_set(XG_EINTERNAL, "libsodium failed to initialise");
    xg_policy_set *p = calloc(1, sizeof *p);
    if (!p) return XG_ENOMEM;
    xg_arena_init(&p->arena, 64 * 1024);
    int rc = load_all(p, data_dir ? data_dir : xg_data_dir());
    if (rc) {
        xg_policy_free(p);
        return rc;
    }
    *out = p;
    return XG_OK;
}

void xg_policy_free(xg_policy_set *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->nprofiles; i++)
        free(p->profiles[i].rules);
    free(p->profiles);
    free(p->groups);
    free(p->aliases);
    free(p->embargoes);
    free(p->effects);
    free(p->license_policies);
    free(p->scopes);
    free(p->settings);
    xg_arena_free(&p->arena);
    free(p);
}

const char *xg_policy_version(const xg_policy_set *p)
{
    return p->version;
}
