/*
 * detect.c — which list format a file holds, judged from its content and never its name: a file
 * called names.txt that holds an SDN export is an SDN export. The rules, in order:
 *   XML whose root is CONSOLIDATED_LIST                       → un_xml
 *   XML whose root is sdnList (OFAC's SDN.XML)                 → sdn_xml
 *   a JSON object with a "results" array near its start        → csl_json
 *   a CSV header with _id, source and name                     → csl
 *   a CSV header with name and id, or only xgate columns       → xgate_csv
 *   a first row of 12 fields starting with a number (ent_num)  → ofac_sdn (sdn.csv)
 *   anything else that is text                                 → names (one per line)
 * OFAC's alt.csv and add.csv are recognised only to say they must come with their sdn.csv.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xgate/csv.h"
#include "lists/lists_internal.h"
#include "xgate/error.h"

#define SNIFF_BYTES (64 * 1024)

static const char *const xgate_columns[] = {
    "id",  "source",    "type",     "name",       "aliases",  "country", "parent", "parent_percent",
    "ids", "addresses", "programs", "start_date", "end_date", "remarks"};

static bool is_xgate_column(const char *s)
{
    for (size_t i = 0; i < sizeof xgate_columns / sizeof *xgate_columns; i++)
        if (!strcmp(s, xgate_columns[i])) return true;
    return false;
}

static bool all_digits(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

static const char *detect_csv_header(const xg_csv *c, const char *name)
{
    if (xg_csv_find(c, "_id") >= 0 && xg_csv_find(c, "source") >= 0 && xg_csv_find(c, "name") >= 0)
        return "csl";
    if (xg_csv_find(c, "name") >= 0 && c->nfields >= 2) {
        size_t known = 0;
        for (size_t i = 0; i < c->nfields; i++)
            known += is_xgate_column(c->field[i]);
        if (known == c->nfields || xg_csv_find(c, "id") >= 0) return "xgate_csv";
    }
    if (c->nfields == 12 && all_digits(c->field[0])) return "ofac_sdn";
    if (c->nfields == 5 && all_digits(c->field[0]) && all_digits(c->field[1])) {
        xg_error_set(XG_EFORMAT, "%s: an OFAC alt.csv; give its sdn.csv or the directory", name);
        return NULL;
    }
    if (c->nfields == 6 && all_digits(c->field[0]) && all_digits(c->field[1])) {
        xg_error_set(XG_EFORMAT, "%s: an OFAC add.csv; give its sdn.csv or the directory", name);
        return NULL;
    }
    return "names";
}

const char *lst_detect_buffer(const char *data, size_t len, const char *name)
{
    size_t sniff = len < SNIFF_BYTES ? len : SNIFF_BYTES;
    const char *p = data, *end = data + sniff;
    if (sniff >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    while (p < end && (isspace((unsigned char)*p) || *p == 0x1A))
        p++;
    if (p == end) {
        xg_error_set(XG_EFORMAT, "%s: no records (empty file)", name);
        return NULL;
    }
    if (memchr(p, '\0', (size_t)(end - p))) {
        xg_error_set(XG_EFORMAT, "%s: binary data, not a list file", name);
        return NULL;
    }
    if (*p == '<') {
        if (memmem(p, (size_t)(end - p), "<CONSOLIDATED_LIST", 18)) return "un_xml";
        if (memmem(p, (size_t)(end - p), "<sdnList", 8)) return "sdn_xml";
        xg_error_set(XG_EFORMAT, "%s: XML, but not the UN consolidated list or OFAC's SDN.XML",
                     name);
        return NULL;
    }
    if (*p == '{') {
        if (memmem(p, (size_t)(end - p), "\"results\"", 9)) return "csl_json";
        xg_error_set(XG_EFORMAT, "%s: JSON, but not the Consolidated Screening List", name);
        return NULL;
    }
    xg_csv c;
    xg_csv_init(&c, data, sniff, name);
    c.check_utf8 = false;
    const char *fmt = xg_csv_next(&c) == 1 ? detect_csv_header(&c, name) : "names";
    xg_csv_free(&c);
    return fmt;
}

int xg_lists_detect(const char **format_out, const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return xg_error_set(XG_EIO, "%s: no such file or directory", path ? path : "(null)");
    if (S_ISDIR(st.st_mode)) {
        char *sdn = lst_dir_sdn_path(path);
        bool found = sdn != NULL;
        free(sdn);
        if (!found)
            return xg_error_set(XG_EFORMAT,
                                "%s: a directory without an OFAC sdn.csv or cons_prim.csv", path);
        *format_out = "ofac_sdn";
        return XG_OK;
    }
    char *data = NULL;
    size_t len = 0;
    int rc = lst_read_head(&data, &len, path, SNIFF_BYTES);
    if (rc) return rc;
    const char *fmt = lst_detect_buffer(data, len, path);
    free(data);
    if (!fmt) return XG_EFORMAT;
    *format_out = fmt;
    return XG_OK;
}
