/* Every loader on every shared list file (../shared/data/lists), with exact counts, and the
 * bundled defaults. The counts are those of the files (see ../shared/data/SOURCES.md). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"
#include "xgate/lists.h"

static const char *shared_list(const char *name)
{
    static char path[8][512];
    static int next;
    const char *shared = getenv("XGATE_SHARED") ? getenv("XGATE_SHARED") : "../shared";
    char *p = path[next++ % 8];
    snprintf(p, 512, "%s/data/lists/%s", shared, name);
    return p;
}

static xg_listset *load1(const char *name, const char *want_format)
{
    const char *path = shared_list(name);
    xg_listset *set = NULL;
    int rc = xg_lists_load(&set, &path, 1, 0);
    cr_assert_eq(rc, 0, "%s: %s", name, xg_error_message());
    cr_assert_eq(set->nfiles, 1);
    cr_assert_str_eq(set->files[0].format, want_format);
    cr_assert_eq(set->nskipped, 0);
    cr_assert_eq(set->files[0].records, set->nrecords);
    const char *fmt = NULL;
    cr_assert_eq(xg_lists_detect(&fmt, path), 0, "%s", xg_error_message());
    cr_assert_str_eq(fmt, want_format);
    return set;
}

static size_t count_type(const xg_listset *set, xg_party_type t)
{
    size_t n = 0;
    for (size_t i = 0; i < set->nrecords; i++)
        n += set->records[i].type == t;
    return n;
}

static const xg_record *by_id(const xg_listset *set, const char *id)
{
    for (size_t i = 0; i < set->nrecords; i++)
        if (!strcmp(set->records[i].id, id)) return &set->records[i];
    cr_assert_fail("no record %s", id);
    return NULL;
}

static bool has(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s)) return true;
    return false;
}

/* Every record carries the fields every consumer relies on. */
static void check_shape(const xg_listset *set)
{
    for (size_t i = 0; i < set->nrecords; i++) {
        const xg_record *r = &set->records[i];
        cr_assert(r->id && *r->id && r->name && *r->name && r->source && r->source_code && r->file);
        cr_assert_gt(r->line, 0);
        for (size_t k = 0; k < r->ncountries; k++)
            cr_assert_eq(strlen(r->countries[k]), 2);
        for (size_t k = 0; k < r->naliases; k++)
            cr_assert(*r->aliases[k]);
        for (size_t k = 0; k < r->nids; k++)
            cr_assert(*r->ids[k].scheme && *r->ids[k].value);
    }
}

Test(lists_shared, ofac_sdn_triple)
{
    xg_listset *set = load1("ofac_sdn_2021-07", "ofac_sdn");
    check_shape(set);
    cr_assert_eq(set->nrecords, 8976);
    cr_assert_str_eq(set->files[0].note, "alt.csv: 11910 aliases; add.csv: 13837 addresses");
    cr_assert_eq(count_type(set, XG_PARTY_INDIVIDUAL), 4620);
    cr_assert_eq(count_type(set, XG_PARTY_ENTITY), 3673);
    cr_assert_eq(count_type(set, XG_PARTY_VESSEL), 406);
    cr_assert_eq(count_type(set, XG_PARTY_AIRCRAFT), 277);
    cr_assert_eq(set->nsources, 1);
    cr_assert_str_eq(set->sources[0].source_code, "SDN");
    const xg_record *r = by_id(set, "306"); /* BANCO NACIONAL DE CUBA */
    cr_assert_str_eq(r->name, "BANCO NACIONAL DE CUBA");
    cr_assert(has(r->aliases, r->naliases, "NATIONAL BANK OF CUBA"));
    cr_assert(has(r->countries, r->ncountries, "CH"));
    cr_assert(has(r->programs, r->nprograms, "CUBA"));
    r = by_id(set, "36"); /* empty remarks are "-0- " */
    cr_assert_null(r->remarks);
    cr_assert_eq(r->type, XG_PARTY_ENTITY);
    xg_listset_free(set);
}

Test(lists_shared, ofac_sdn_programs_names_and_remark_ids)
{
    xg_listset *set = load1("ofac_sdn_2021-07/sdn.csv", "ofac_sdn");
    size_t multi = 0, uscc = 0, passports = 0;
    for (size_t i = 0; i < set->nrecords; i++) {
        const xg_record *r = &set->records[i];
        multi += r->nprograms > 1;
        for (size_t k = 0; k < r->nprograms; k++)
            cr_assert_null(strpbrk(r->programs[k], "[]"));
        for (size_t k = 0; k < r->nids; k++) {
            uscc += !strcmp(r->ids[k].scheme, "USCC");
            passports += !strcmp(r->ids[k].scheme, "PASSPORT");
        }
    }
    cr_assert_gt(multi, 500);
    cr_assert_eq(uscc, 7);
    cr_assert_gt(passports, 1000);
    const xg_record *r = by_id(set, "32391"); /* the last row, before the 0x1A line */
    cr_assert_str_eq(r->name, "DJIBO, Ousmane Illiassou");
    cr_assert_eq(r->type, XG_PARTY_INDIVIDUAL);
    cr_assert(has(r->countries, r->ncountries, "NE"));
    xg_listset_free(set);
}

Test(lists_shared, un_consolidated_xml)
{
    xg_listset *set = load1("un_sc_consolidated_2026-02.xml", "un_xml");
    check_shape(set);
    cr_assert_eq(set->nrecords, 1003);
    cr_assert_eq(count_type(set, XG_PARTY_INDIVIDUAL), 730);
    cr_assert_eq(count_type(set, XG_PARTY_ENTITY), 273);
    cr_assert_str_eq(set->sources[0].source, "UN Security Council Consolidated List");
    cr_assert_str_eq(set->sources[0].source_code, "UN");
    const xg_record *r = by_id(set, "6907994");
    cr_assert_str_eq(r->name, "FRANK KAKOLELE BWAMBALE");
    cr_assert(has(r->aliases, r->naliases, "AIGLE BLANC"));
    cr_assert(has(r->countries, r->ncountries, "CD"));
    cr_assert(has(r->programs, r->nprograms, "DRC"));
    cr_assert_str_eq(r->start_date, "2005-11-01");
    size_t original_script = 0, passports = 0;
    for (size_t i = 0; i < set->nrecords; i++)
        for (size_t k = 0; k < set->records[i].nids; k++)
            passports += !strcmp(set->records[i].ids[k].scheme, "PASSPORT");
    for (size_t i = 0; i < set->nrecords; i++)
        for (size_t k = 0; k < set->records[i].naliases; k++)
            original_script += (unsigned char)set->records[i].aliases[k][0] >= 0x80;
    cr_assert_gt(original_script, 300); /* NAME_ORIGINAL_SCRIPT is an alias */
    cr_assert_eq(passports, 304); /* 314 passport documents; a number repeated is counted once */
    xg_listset_free(set);
}

Test(lists_shared, csl_entity_list_prc_research)
{
    xg_listset *set = load1("csl_entity_list_prc_research.csv", "csl");
    check_shape(set);
    cr_assert_eq(set->nrecords, 60);
    cr_assert_str_eq(set->sources[0].source_code, "EL");
    const xg_record *r = by_id(set, "08b1253eb418ca8e7dfc9129f25e17be");
    cr_assert_str_eq(r->name, "Academy of Military Medical Sciences");
    cr_assert(has(r->aliases, r->naliases, "AMMS"));
    cr_assert(has(r->countries, r->ncountries, "CN"));
    r = by_id(set, "edfd809d8e0885b112603f7a753dde5b"); /* "…, Beijing, China 100071" */
    cr_assert(has(r->countries, r->ncountries, "CN"));
    xg_listset_free(set);
}

Test(lists_shared, csl_sample_ten_sources)
{
    xg_listset *set = load1("csl_sample.csv", "csl");
    check_shape(set);
    cr_assert_eq(set->nrecords, 13);
    cr_assert_eq(set->nsources, 10);
    static const char *const codes[] = {"SDN", "EL",  "MEU", "UVL", "DPL",
                                        "SSI", "FSE", "PLC", "ISN", "DTC"};
    for (size_t i = 0; i < 10; i++) {
        bool found = false;
        for (size_t k = 0; k < set->nsources; k++)
            found |= !strcmp(set->sources[k].source_code, codes[i]);
        cr_assert(found, "no source %s", codes[i]);
    }
    const xg_record *r = by_id(set, "52291"); /* RIM, Ryong Nam: ids "Passport, 836238033, KP" */
    cr_assert_eq(r->type, XG_PARTY_INDIVIDUAL);
    cr_assert_eq(r->nids, 1);
    cr_assert_str_eq(r->ids[0].scheme, "PASSPORT");
    cr_assert_str_eq(r->ids[0].value, "836238033");
    cr_assert_str_eq(r->ids[0].country, "KP");
    cr_assert(has(r->countries, r->ncountries, "CN") && has(r->countries, r->ncountries, "KP"));
    r = by_id(set, "233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b");
    cr_assert_str_eq(r->name, "Sinobright Import and Export Company");
    cr_assert(strstr(r->remarks, "and any successor, sub-unit, or subsidiary thereof"));
    cr_assert_str_eq(r->source_code, "ISN");
    r = by_id(set, "99ed1b052fdb09695fae1ba87516d8a0882b0df04652e07aeb5ce7be");
    cr_assert(has(r->aliases, r->naliases, "CETC Research Institute 13")); /* "; and …" */
    cr_assert_eq(r->naddresses, 3);
    r = by_id(set, "b601cbf2841d0aaedfe63661581ffbc3d54b6ba39d7e3a9027cff50e"); /* DPL, 50 years */
    cr_assert_str_eq(r->end_date, "2056-06-29");
    cr_assert_not(xg_record_is_delisted(r, "2026-01-01"));
    cr_assert(xg_record_is_delisted(r, "2056-06-30"));
    r = by_id(set, "28603");
    cr_assert_eq(r->nprograms, 2);
    cr_assert_eq(r->nids, 2); /* VAT and registration; directive notes are not ids */
    xg_listset_free(set);
}

Test(lists_shared, dod_1260h_xgate_csv)
{
    xg_listset *set = load1("dod_1260h_2026.xgate.csv", "xgate_csv");
    check_shape(set);
    cr_assert_eq(set->nrecords, 233);
    cr_assert_str_eq(set->sources[0].source_code, "1260H");
    size_t ended = 0, parents = 0;
    for (size_t i = 0; i < set->nrecords; i++) {
        ended += set->records[i].end_date != NULL;
        parents += set->records[i].parent != NULL;
        cr_assert_str_eq(set->records[i].countries[0], "CN");
    }
    cr_assert_eq(ended, 21);
    cr_assert_eq(parents, 137);
    const xg_record *r = by_id(set, "1260H-1962f86b950a");
    cr_assert_str_eq(r->name, "360 Security Technology Inc.");
    cr_assert(has(r->aliases, r->naliases, "Qihoo 360"));
    cr_assert_str_eq(r->start_date, "2022-10-05");
    xg_listset_free(set);
}

Test(lists_shared, eu_833_xgate_csv)
{
    xg_listset *set = load1("eu_833_annex_iv_2026.xgate.csv", "xgate_csv");
    check_shape(set);
    cr_assert_eq(set->nrecords, 921);
    cr_assert_str_eq(set->sources[0].source_code, "EU833");
    size_t uscc = 0, inn = 0, cyrillic = 0;
    for (size_t i = 0; i < set->nrecords; i++) {
        const xg_record *r = &set->records[i];
        for (size_t k = 0; k < r->nids; k++) {
            uscc += !strcmp(r->ids[k].scheme, "USCC");
            inn += !strcmp(r->ids[k].scheme, "INN");
        }
        for (size_t k = 0; k < r->naliases; k++)
            cyrillic += !strncmp(r->aliases[k], "\xD0", 1);
    }
    cr_assert_geq(uscc, 18);
    cr_assert_gt(inn, 600);
    cr_assert_gt(cyrillic, 100);
    const xg_record *r = by_id(set, "EU833-IV-1");
    cr_assert_str_eq(r->ids[0].scheme, "INN");
    cr_assert_str_eq(r->ids[0].value, "7704730655");
    xg_listset_free(set);
}

Test(lists_shared, csl_meti_plain_names)
{
    xg_listset *set = load1("csl_meti_names_2022-12.txt", "names");
    cr_assert_eq(set->nrecords, 37917); /* every line, including "#66 DIVISION" */
    cr_assert_str_eq(set->sources[0].source_code, "NAMES");
    cr_assert_str_eq(set->records[1].id, "csl_meti_names_2022-12.txt:2");
    cr_assert_str_eq(set->records[1].name, "KARAMAY URBAN CREDIT COOPERATIVES");
    cr_assert_eq(set->records[1].type, XG_PARTY_UNKNOWN);
    xg_listset_free(set);
}

Test(lists_shared, all_shared_lists_together)
{
    const char *paths[] = {shared_list("ofac_sdn_2021-07"),
                           shared_list("un_sc_consolidated_2026-02.xml"),
                           shared_list("csl_entity_list_prc_research.csv"),
                           shared_list("csl_sample.csv"),
                           shared_list("dod_1260h_2026.xgate.csv"),
                           shared_list("eu_833_annex_iv_2026.xgate.csv"),
                           shared_list("csl_meti_names_2022-12.txt")};
    xg_listset *set = NULL;
    cr_assert_eq(xg_lists_load(&set, paths, 7, 0), 0, "%s", xg_error_message());
    cr_assert_eq(set->nfiles, 7);
    cr_assert_eq(set->nrecords, 8976 + 1003 + 60 + 13 + 233 + 921 + 37917);
    size_t sum = 0;
    for (size_t i = 0; i < set->nsources; i++)
        sum += set->sources[i].records;
    cr_assert_eq(sum, set->nrecords);
    cr_assert_eq(strlen(set->hash), 64);
    xg_listset_free(set);
}

Test(lists_shared, bundled_defaults)
{
    const char *const *paths = xg_lists_default_paths();
    size_t n = 0;
    while (paths[n])
        n++;
    cr_assert_eq(n, 5);
    xg_listset *set = NULL;
    cr_assert_eq(xg_lists_load(&set, paths, n, 0), 0, "%s", xg_error_message());
    cr_assert_eq(set->nrecords, 8976 + 442 + 1003 + 60 + 13);
    /* bundled copies are byte-identical to the shared files */
    const char *one = shared_list("un_sc_consolidated_2026-02.xml");
    xg_listset *un = NULL;
    cr_assert_eq(xg_lists_load(&un, &one, 1, 0), 0);
    cr_assert_str_eq(un->files[0].sha256, set->files[2].sha256);
    xg_listset_free(un);
    /* the non-SDN consolidated files: every entry's list follows from its programs */
    const char *cons = shared_list("ofac_cons_2025-12");
    xg_listset *c = NULL;
    cr_assert_eq(xg_lists_load(&c, &cons, 1, 0), 0, "%s", xg_error_message());
    cr_assert_str_eq(c->files[0].sha256, set->files[1].sha256);
    cr_assert_eq(c->nrecords, 442);
    static const char *const codes[] = {"SSI", "PLC", "CMIC", "NS-MBS", "CONS"};
    static const size_t want[] = {286, 78, 68, 6, 4};
    for (size_t k = 0; k < 5; k++) {
        size_t got = 0;
        for (size_t i = 0; i < c->nrecords; i++)
            if (c->records[i].source_code && !strcmp(c->records[i].source_code, codes[k])) got++;
        cr_assert_eq(got, want[k], "%s: %zu entries, want %zu", codes[k], got, want[k]);
    }
    xg_listset_free(c);
    xg_listset_free(set);
}
