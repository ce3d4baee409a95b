/* Loaders on files written by the test: detection from content, malformed, truncated and
 * non-UTF-8 files (error naming file and line), lenient mode reporting every skipped row, the
 * content hash, and the delisted rule. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xgate/error.h"
#include "xgate/lists.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/xg-lists-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(lists_files, .init = make_dir, .fini = remove_dir);

/* Write `len` bytes (or strlen) to dir/name; returns the path (static rotation). */
static const char *put(const char *name, const char *text, size_t len)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    mkdir(p, 0700);
    *slash = '/';
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    fwrite(text, 1, len ? len : strlen(text), f);
    fclose(f);
    return p;
}

static xg_listset *load(const char *path, int flags)
{
    xg_listset *set = NULL;
    int rc = xg_lists_load(&set, &path, 1, flags);
    cr_assert_eq(rc, 0, "%s: %s", path, xg_error_message());
    return set;
}

/* Loading fails with `code` and a message containing `want`. */
static void fails(const char *path, int flags, int code, const char *want)
{
    xg_listset *set = NULL;
    int rc = xg_lists_load(&set, &path, 1, flags);
    cr_assert_eq(rc, code, "rc %s, expected %s (%s)", xg_error_name(rc), xg_error_name(code),
                 xg_error_message());
    cr_assert_null(set);
    cr_assert(strstr(xg_error_message(), want), "message '%s' lacks '%s'", xg_error_message(),
              want);
}

static const char *fmt_of(const char *path)
{
    const char *f = NULL;
    return xg_lists_detect(&f, path) ? NULL : f;
}

#define CSL_HEADER                                                                                 \
    "_id,source,entity_number,type,programs,name,addresses,start_date,end_date,alt_names,ids\n"
#define XG_HEADER                                                                                  \
    "id,source,type,name,aliases,country,parent,parent_percent,ids,addresses,programs,start_date," \
    "end_date,remarks\n"
#define SDN_ROW                                                                                    \
    "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"

Test(lists_files, detection_reads_content_not_names)
{
    cr_assert_str_eq(fmt_of(put("names.csv", CSL_HEADER "1,Entity List (EL),,,,A,,,,,\n", 0)),
                     "csl");
    cr_assert_str_eq(fmt_of(put("a.txt", XG_HEADER, 0)), "xgate_csv");
    cr_assert_str_eq(fmt_of(put("b.csv", "id,name\nX1,Acme\n", 0)), "xgate_csv");
    cr_assert_str_eq(fmt_of(put("c.xml", "Acme Corp\nBeta Ltd\n", 0)), "names");
    cr_assert_str_eq(fmt_of(put("d.dat", "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST/>", 0)),
                     "un_xml");
    cr_assert_str_eq(fmt_of(put("e.txt", SDN_ROW "\x1A", 0)), "ofac_sdn");
    cr_assert_str_eq(fmt_of(put("sdn/sdn.csv", SDN_ROW, 0)), "ofac_sdn");
    char d[256];
    snprintf(d, sizeof d, "%s/sdn", dir);
    cr_assert_str_eq(fmt_of(d), "ofac_sdn");
    cr_assert_null(fmt_of(put("f.xml", "<?xml version=\"1.0\"?><other/>", 0)));
    cr_assert(strstr(xg_error_message(), "not the UN"));
    cr_assert_null(fmt_of(put("alt.csv", "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n", 0)));
    cr_assert(strstr(xg_error_message(), "alt.csv; give its sdn.csv"));
    cr_assert_null(fmt_of(put("bin", "a\0b", 3)));
    cr_assert(strstr(xg_error_message(), "binary"));
    cr_assert_null(fmt_of(dir)); /* a directory without sdn.csv */
}

Test(lists_files, empty_files_have_no_records)
{
    fails(put("empty.txt", "", 0), 0, XG_EFORMAT, "empty.txt: no records");
    fails(put("blank.txt", "\n\n  \r\n", 0), 0, XG_EFORMAT, "no records");
    fails(put("comments.txt", "# only a comment\n", 0), 0, XG_EPARSE, "comments.txt: no records");
    fails(put("header.csv", CSL_HEADER, 0), 0, XG_EPARSE, "header.csv: no records");
    fails(put("nothing.xml", "<?xml version=\"1.0\"?><CONSOLIDATED_LIST/>", 0), 0, XG_EPARSE,
          "no records");
}

Test(lists_files, missing_file_names_it)
{
    char p[256];
    snprintf(p, sizeof p, "%s/nope.csv", dir);
    fails(p, 0, XG_EIO, "nope.csv");
}

Test(lists_files, csl_malformed_rows_name_file_and_line)
{
    const char *p =
        put("bad.csv",
            CSL_HEADER "1,Entity List (EL),,,,Good,,,,,\n2,Entity List (EL),,,,\"Broken,,,,,\n", 0);
    fails(p, 0, XG_EPARSE, "bad.csv:3: quoted field opened on this line is never closed");
    p = put("short.csv", CSL_HEADER "1,Entity List (EL),,,,A\n", 0);
    fails(p, 0, XG_EPARSE, "short.csv:2: 6 fields where the header has 11");
    p = put("date.csv", CSL_HEADER "1,Entity List (EL),,,,A,,2020-13-01,,,\n", 0);
    fails(p, 0, XG_EPARSE, "date.csv:2: start_date '2020-13-01' is not a date");
    p = put("noname.csv", CSL_HEADER "1,Entity List (EL),,,,,,,,,\n", 0);
    fails(p, 0, XG_EPARSE, "noname.csv:2: empty name");
}

Test(lists_files, invalid_utf8_is_an_error_naming_the_line)
{
    fails(put("u.csv",
              CSL_HEADER "1,Entity List (EL),,,,A,,,,,\n2,Entity List (EL),,,,B\xFF,,,,,\n", 0),
          0, XG_EUTF8, "u.csv:3: invalid UTF-8");
    fails(put("u.txt", "Good\nBad \xC0\xAF\n", 0), 0, XG_EUTF8, "u.txt:2: invalid UTF-8");
    fails(put("u.xml",
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CONSOLIDATED_LIST><INDIVIDUALS>\n"
              "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A\xFF</FIRST_NAME></INDIVIDUAL>"
              "</INDIVIDUALS></CONSOLIDATED_LIST>",
              0),
          0, XG_EPARSE, "u.xml:3:");
}

Test(lists_files, truncated_files)
{
    /* an SDN file cut in the middle of a quoted remark (its side files present and empty) */
    put("t/alt.csv", "", 0);
    put("t/add.csv", "", 0);
    fails(put("t/sdn.csv",
              SDN_ROW "37,\"X\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'Y", 0),
          0, XG_EPARSE, "sdn.csv:2: quoted field opened on this line is never closed");
    /* a UN file cut in the middle of an element */
    fails(put("t.xml",
              "<?xml "
              "version=\"1.0\"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><DATAID>1</DA",
              0),
          0, XG_EPARSE, "t.xml:4: XML:");
}

Test(lists_files, huge_field_is_refused)
{
    size_t n = 70 * 1024;
    char *text = malloc(n + 200);
    strcpy(text, "id,name\nX1,\"");
    size_t at = strlen(text);
    memset(text + at, 'a', n);
    strcpy(text + at + n, "\"\nX2,Fine\n");
    const char *p = put("huge.csv", text, 0);
    free(text);
    fails(p, 0, XG_ETOOBIG, "huge.csv:2: field 2 is longer than 65536 bytes");
    xg_listset *set = load(p, XG_LOAD_LENIENT);
    cr_assert_eq(set->nrecords, 1);
    cr_assert_eq(set->nskipped, 1);
    cr_assert_eq(set->skipped[0].line, 2);
    xg_listset_free(set);
}

Test(lists_files, lenient_reports_every_skipped_row)
{
    const char *p = put("mixed.csv",
                        XG_HEADER "A1,In-house,Entity,Alpha,,CN,,,,,,,,\n"
                                  "A2,In-house,Robot,Beta,,,,,,,,,,\n"
                                  "A3,In-house,Entity,Gamma,,Atlantis,,,,,,,,\n"
                                  "A4,In-house,Entity,Delta,,,,,,,,2020-02-30,,\n"
                                  "A5,In-house,Entity,Eps\xFF,,,,,,,,,,\n"
                                  "A6,In-house,Entity,Zeta,,,,,,,,,,\n"
                                  "A7,In-house,Entity,Eta,,,,150,,,,,,\n"
                                  "A8,In-house,Entity,,,,,,,,,,,\n"
                                  "A9,In-house,Entity,Theta\n",
                        0);
    fails(p, 0, XG_EPARSE, "mixed.csv:3: unknown type 'Robot'");
    xg_listset *set = load(p, XG_LOAD_LENIENT);
    cr_assert_eq(set->nrecords, 2);
    cr_assert_str_eq(set->records[0].id, "A1");
    cr_assert_str_eq(set->records[1].id, "A6");
    static const struct {
        long line;
        const char *problem;
    } want[] = {{3, "unknown type 'Robot'"},
                {4, "unknown country 'Atlantis'"},
                {5, "start_date '2020-02-30' is not a date"},
                {6, "invalid UTF-8"},
                {8, "parent_percent '150'"},
                {9, "empty name"},
                {10, "4 fields where the header has 14"}};
    cr_assert_eq(set->nskipped, 7);
    for (size_t i = 0; i < 7; i++) {
        cr_assert_eq(set->skipped[i].line, want[i].line, "skipped[%zu] line %ld", i,
                     set->skipped[i].line);
        cr_assert(strstr(set->skipped[i].problem, want[i].problem), "'%s' lacks '%s'",
                  set->skipped[i].problem, want[i].problem);
        cr_assert_str_eq(set->skipped[i].file, p);
    }
    xg_listset_free(set);
}

Test(lists_files, lenient_with_nothing_loadable_is_still_an_error)
{
    fails(put("allbad.csv", "id,name\n,x\n,y\n", 0), XG_LOAD_LENIENT, XG_EPARSE,
          "no records (2 rows skipped");
}

Test(lists_files, xgate_csv_unknown_column_is_an_error)
{
    fails(put("typo.csv", "id,name,alias\n1,A,B\n", 0), 0, XG_EPARSE,
          "typo.csv:1: unknown column 'alias'");
}

Test(lists_files, xgate_csv_fields)
{
    const char *p =
        put("inhouse.csv",
            XG_HEADER "C1,Acme Blocklist,Individual,\"ZHANG, Wei\",Wei Zhang; 张伟,CN; Hong Kong,"
                      "Parent Co,51.5,USCC:91440101MA5ALQNR86; Passport:E123,"
                      "\"1 Road, Beijing, China\",P1; P2,2020-01-01,2021-06-30,note\n"
                      "C2,,,Bare Name,,,,,91440300MA5GFQQ76D,,,,,\n",
            0);
    xg_listset *set = load(p, 0);
    const xg_record *r = &set->records[0];
    cr_assert_eq(r->type, XG_PARTY_INDIVIDUAL);
    cr_assert_str_eq(r->name, "ZHANG, Wei");
    cr_assert_eq(r->naliases, 2);
    cr_assert_str_eq(r->aliases[1], "张伟");
    cr_assert_eq(r->ncountries, 2);
    cr_assert_str_eq(r->countries[1], "HK");
    cr_assert_str_eq(r->parent, "Parent Co");
    cr_assert_float_eq(r->parent_percent, 51.5, 1e-9);
    cr_assert_eq(r->nids, 2);
    cr_assert_str_eq(r->ids[0].scheme, "USCC");
    cr_assert_str_eq(r->ids[1].scheme, "PASSPORT");
    cr_assert_str_eq(r->source_code, "AB");
    cr_assert_eq(r->nprograms, 2);
    cr_assert_str_eq(r->remarks, "note");
    r = &set->records[1];
    cr_assert_str_eq(r->source, "inhouse.csv");
    cr_assert_eq(r->type, XG_PARTY_ENTITY);
    cr_assert_lt(r->parent_percent, 0);
    cr_assert_str_eq(r->ids[0].scheme, "USCC"); /* a bare value with a valid check character */
    xg_listset_free(set);
}

Test(lists_files, names_comments_blank_lines_and_ids)
{
    const char *p =
        put("n.txt",
            "\xEF\xBB\xBF# header comment\n\nAcme Corp\r\n  #66 DIVISION  \n#\n## x\nBeta\x1A", 0);
    xg_listset *set = load(p, 0);
    cr_assert_eq(set->nrecords, 3);
    cr_assert_str_eq(set->records[0].name, "Acme Corp");
    cr_assert_str_eq(set->records[0].id, "n.txt:3");
    cr_assert_str_eq(set->records[1].name, "#66 DIVISION");
    cr_assert_str_eq(set->records[2].name, "Beta");
    cr_assert_eq(set->records[2].line, 7);
    xg_listset_free(set);
}

Test(lists_files, sdn_side_files_optional_and_checked)
{
    const char *sdn = put("s1/sdn.csv", SDN_ROW "\x1A", 0);
    /* without its side files an SDN list would miss every alias: strict fails, lenient says so */
    fails(sdn, 0, XG_EIO, "alt.csv not found beside it");
    xg_listset *set = load(sdn, XG_LOAD_LENIENT);
    cr_assert_str_eq(set->files[0].note, "alt.csv missing; add.csv missing");
    cr_assert_eq(set->nrecords, 1);
    cr_assert_eq(set->nskipped, 2);
    xg_listset_free(set);
    put("s1/alt.csv",
        "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n99,13,\"aka\",\"ORPHAN\",-0- \r\n\x1A", 0);
    put("s1/add.csv", "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n\x1A", 0);
    fails(sdn, 0, XG_EPARSE, "alt.csv:2: ent_num 99 is not in sdn.csv");
    set = load(sdn, XG_LOAD_LENIENT);
    cr_assert_eq(set->nskipped, 1);
    const xg_record *r = &set->records[0];
    cr_assert_eq(r->naliases, 1);
    cr_assert_str_eq(r->aliases[0], "AERO-CARIBBEAN");
    cr_assert_str_eq(r->addresses[0], "Havana, Cuba");
    cr_assert_str_eq(r->countries[0], "CU");
    cr_assert_str_eq(set->files[0].note, "alt.csv: 1 aliases; add.csv: 1 addresses");
    xg_listset_free(set);
}

Test(lists_files, sdn_bracketed_programs_and_remark_ids)
{
    put("s2/alt.csv", "", 0);
    put("s2/add.csv", "", 0);
    const char *p =
        put("s2/sdn.csv",
            "10,\"DOE, John\",\"individual\",\"SDGT] [IFSR\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
            "\"DOB 1970; nationality Iran; Passport A123 (Iran) expires 2020; National ID No. "
            "0012 (Iran); Unified Social Credit Code (USCC) 91440101MA5ALQNR86 (China).\"\r\n",
            0);
    xg_listset *set = load(p, 0);
    const xg_record *r = &set->records[0];
    cr_assert_eq(r->nprograms, 2);
    cr_assert_str_eq(r->programs[0], "SDGT");
    cr_assert_str_eq(r->programs[1], "IFSR");
    cr_assert_eq(r->nids, 3);
    cr_assert_str_eq(r->ids[0].scheme, "PASSPORT");
    cr_assert_str_eq(r->ids[0].value, "A123");
    cr_assert_str_eq(r->ids[0].country, "IR");
    cr_assert_str_eq(r->ids[1].scheme, "NATIONAL_ID");
    cr_assert_str_eq(r->ids[1].value, "0012");
    cr_assert_str_eq(r->ids[2].scheme, "USCC");
    cr_assert_str_eq(r->ids[2].value, "91440101MA5ALQNR86");
    cr_assert_str_eq(r->countries[0], "IR");
    xg_listset_free(set);
}

Test(lists_files, hash_is_stable_and_changes_with_content)
{
    const char *a = put("h1.txt", "Acme\nBeta\n", 0);
    xg_listset *s1 = load(a, 0), *s2 = load(a, 0);
    cr_assert_str_eq(s1->hash, s2->hash);
    /* one file: the set hash is the file's SHA-256, as sha256sum prints it */
    cr_assert_str_eq(s1->hash, s1->files[0].sha256);
    unsigned char d[32];
    char hex[65];
    crypto_hash_sha256(d, (const unsigned char *)"Acme\nBeta\n", 10);
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    cr_assert_str_eq(s1->hash, hex);
    xg_listset_free(s2);
    put("h1.txt", "Acme\nBetb\n", 0);
    s2 = load(a, 0);
    cr_assert_str_neq(s1->hash, s2->hash);
    xg_listset_free(s2);
    xg_listset_free(s1);
    /* order matters: the same files in another order are another snapshot */
    const char *b = put("h2.txt", "Gamma\n", 0);
    const char *ab[] = {a, b}, *ba[] = {b, a};
    xg_listset *x = NULL, *y = NULL;
    cr_assert_eq(xg_lists_load(&x, ab, 2, 0), 0);
    cr_assert_eq(xg_lists_load(&y, ba, 2, 0), 0);
    cr_assert_str_neq(x->hash, y->hash);
    xg_listset_free(x);
    xg_listset_free(y);
}

Test(lists_files, a_failed_file_fails_the_whole_load)
{
    const char *good = put("g.txt", "Acme\n", 0);
    const char *bad = put("b.txt", "Bad\xFF\n", 0);
    const char *both[] = {good, bad};
    xg_listset *set = (xg_listset *)0x1;
    cr_assert_eq(xg_lists_load(&set, both, 2, 0), XG_EUTF8);
    cr_assert_eq(set, (xg_listset *)0x1); /* untouched */
}

Test(lists_files, delisted_uses_end_date_and_as_of)
{
    xg_record r = {0};
    cr_assert_not(xg_record_is_delisted(&r, "2026-01-01"));
    r.end_date = "2024-06-30";
    cr_assert_not(xg_record_is_delisted(&r, "2024-06-30")); /* still listed on its end date */
    cr_assert(xg_record_is_delisted(&r, "2024-07-01"));
    cr_assert_not(xg_record_is_delisted(&r, "2020-01-01"));
    cr_assert(xg_record_is_delisted(&r, NULL)); /* as of today */
    r.end_date = "2999-12-31";
    cr_assert_not(xg_record_is_delisted(&r, NULL));
    cr_assert_str_eq(xg_party_type_name(XG_PARTY_VESSEL), "vessel");
    cr_assert_str_eq(xg_party_type_name((xg_party_type)42), "unknown");
}

Test(lists_files, un_xml_lenient_skips_the_party_holding_the_error)
{
    const char *p =
        put("l.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CONSOLIDATED_LIST><INDIVIDUALS>\n"
            "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A\xFF</FIRST_NAME></INDIVIDUAL>\n"
            "<INDIVIDUAL><DATAID>2</DATAID><FIRST_NAME>Good</FIRST_NAME></INDIVIDUAL>\n"
            "<INDIVIDUAL><DATAID>3</DATAID><FIRST_NAME>Cut</FIRST_NAME></INDIV>\n"
            "</INDIVIDUALS><ENTITIES><ENTITY><DATAID>4</DATAID><FIRST_NAME>Ent"
            "</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>\n",
            0);
    fails(p, 0, XG_EPARSE, "l.xml:3: XML: Input is not proper UTF-8");
    xg_listset *set = load(p, XG_LOAD_LENIENT);
    cr_assert_geq(set->nskipped, 2);
    cr_assert_eq(set->skipped[0].line, 3);
    cr_assert(strstr(set->skipped[0].problem, "INDIVIDUAL skipped: XML error on line 3"));
    for (size_t i = 0; i < set->nrecords; i++) {
        cr_assert_str_neq(set->records[i].id, "1");
        cr_assert_str_neq(set->records[i].id, "3");
    }
    cr_assert_str_eq(set->records[0].id, "2");
    xg_listset_free(set);
}

Test(lists_files, duplicate_ids_in_one_file)
{
    const char *p = put("dup.csv", "id,name\nX1,Alpha\nX2,Beta\nX1,Gamma\nX1,Delta\n", 0);
    fails(p, 0, XG_EPARSE, "dup.csv:4: duplicate id 'X1' (first on line 2)");
    xg_listset *set = load(p, XG_LOAD_LENIENT);
    cr_assert_eq(set->nrecords, 2);
    cr_assert_str_eq(set->records[0].name, "Alpha");
    cr_assert_str_eq(set->records[1].name, "Beta");
    cr_assert_eq(set->nskipped, 2);
    cr_assert_eq(set->skipped[1].line, 5);
    cr_assert(strstr(set->skipped[1].problem, "first on line 2"));
    cr_assert_eq(set->files[0].records, 2);
    xg_listset_free(set);
    /* the same id in two files is two listings, not a mistake */
    const char *q = put("dup2.csv", "id,name\nX1,Alpha\n", 0),
               *r = put("dup3.csv", "id,name\nX1,Beta\n", 0);
    const char *both[] = {q, r};
    cr_assert_eq(xg_lists_load(&set, both, 2, 0), 0);
    xg_listset_free(set);
}

Test(lists_files, huge_xml_text_is_refused)
{
    size_t n = 70 * 1024;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    char *text = malloc(n + 400);
    snprintf(text, n + 400,
             "<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST><ENTITIES>\n<ENTITY><DATAID>1</DATAID>"
             "<FIRST_NAME>Big</FIRST_NAME>\n<COMMENTS1>%s</COMMENTS1></ENTITY>\n<ENTITY><DATAID>2"
             "</DATAID><FIRST_NAME>Small</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>\n",
             big);
    const char *p = put("big.xml", text, 0);
    free(big);
    free(text);
    fails(p, 0, XG_ETOOBIG, "big.xml:4: COMMENTS1 is longer than 65536 bytes");
    xg_listset *set = load(p, XG_LOAD_LENIENT);
    cr_assert_eq(set->nrecords, 1);
    cr_assert_str_eq(set->records[0].name, "Small");
    xg_listset_free(set);
}

Test(lists_files, the_same_content_twice_is_refused)
{
    const char *a = put("same1.txt", "Acme\n", 0), *b = put("same2.txt", "Acme\n", 0);
    const char *twice[] = {a, a}, *copies[] = {a, b};
    xg_listset *set = NULL;
    cr_assert_eq(xg_lists_load(&set, twice, 2, 0), XG_EINVAL);
    cr_assert(strstr(xg_error_message(), "same content as"), "%s", xg_error_message());
    cr_assert_eq(xg_lists_load(&set, copies, 2, XG_LOAD_LENIENT), XG_EINVAL);
    cr_assert_null(set);
}

Test(lists_files, xml_with_a_doctype_is_refused)
{
    const char *p =
        put("dtd.xml",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY a \"aaaa\">"
            "<!ENTITY b \"&a;&a;&a;&a;\">]>\n<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>1"
            "</DATAID><FIRST_NAME>&b;</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>\n",
            0);
    fails(p, 0, XG_EFORMAT, "a DOCTYPE is not accepted");
    fails(p, XG_LOAD_LENIENT, XG_EFORMAT, "a DOCTYPE is not accepted");
}
