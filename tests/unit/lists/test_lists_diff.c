/* xg_lists_diff on sets built from buffers: added, removed and changed entries keyed by id, the
 * fields that changed, multi-valued fields compared as sets; and the OFAC non-SDN loader on the
 * shared cons_*.csv files (entry count, list names from programs). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lists/lists_internal.h"
#include "xgate/error.h"
#include "xgate/lists.h"

#define HEADER "id,source,type,name,aliases,country,ids,programs,start_date\n"

static xg_listset *load(const char *text)
{
    xg_listset *set = NULL;
    int rc = lst_load_buffer(&set, "t.csv", "xgate_csv", text, strlen(text), 0);
    cr_assert_eq(rc, 0, "load: %s", xg_error_message());
    return set;
}

static const xg_diff_entry *find(const xg_lists_diff_result *d, const char *id)
{
    for (size_t i = 0; i < d->nentries; i++)
        if (!strcmp(d->entries[i].id, id)) return &d->entries[i];
    return NULL;
}

Test(lists_diff, added_removed_changed_by_id)
{
    xg_listset *a = load(HEADER "A1,EL,entity,Alpha Ltd,Alpha; AL,CN,,P1,2020-01-01\n"
                                "A2,EL,entity,Beta Ltd,,RU,,P1,\n"
                                "A3,EL,entity,Gamma Ltd,G1; G2,IR,USCC:1,P1; P2,\n"
                                "A4,EL,entity,Delta Ltd,,CN,,P1,\n");
    xg_listset *b = load(HEADER "A3,EL,entity,Gamma Ltd,G2; G1,IR,USCC:1,P2; P1,\n"
                                "A1,EL,entity,Alpha Ltd,Alpha; ALPHA CO,CN,,P1,2021-01-01\n"
                                "A4,EL,entity,Delta Limited,,CN; HK,USCC:9,P1,\n"
                                "A5,EL,entity,Epsilon,,CN,,P1,\n");
    xg_lists_diff_result *d = NULL;
    cr_assert_eq(xg_lists_diff(&d, a, b), 0);
    cr_assert_eq(d->added, 1);
    cr_assert_eq(d->removed, 1);
    cr_assert_eq(d->changed, 2);
    cr_assert_eq(d->unchanged, 1, "reordered aliases and programs are no change");
    cr_assert_eq(find(d, "A5")->kind, XG_DIFF_ADDED);
    cr_assert_null(find(d, "A5")->old_record);
    cr_assert_eq(find(d, "A2")->kind, XG_DIFF_REMOVED);
    cr_assert_str_eq(find(d, "A2")->old_record->name, "Beta Ltd");
    cr_assert_eq(find(d, "A1")->fields, XG_DIFF_ALIASES | XG_DIFF_DATES);
    cr_assert_eq(find(d, "A4")->fields, XG_DIFF_NAME | XG_DIFF_COUNTRIES | XG_DIFF_IDS);
    cr_assert_null(find(d, "A3"));
    for (size_t i = 1; i < d->nentries; i++)
        cr_assert_lt(strcmp(d->entries[i - 1].id, d->entries[i].id), 0, "sorted by id");
    cr_assert_str_eq(xg_diff_field_name(XG_DIFF_IDS), "identifiers");
    cr_assert_null(xg_diff_field_name(3));
    xg_lists_diff_free(d);
    xg_listset_free(a);
    xg_listset_free(b);
}

Test(lists_diff, identical_and_empty_sides)
{
    xg_listset *a = load(HEADER "A1,EL,entity,Alpha Ltd,,CN,,,\n");
    xg_lists_diff_result *d = NULL;
    cr_assert_eq(xg_lists_diff(&d, a, a), 0);
    cr_assert_eq(d->nentries, 0);
    cr_assert_eq(d->unchanged, 1);
    xg_lists_diff_free(d);
    cr_assert_eq(xg_lists_diff(&d, a, NULL), XG_EINVAL);
    xg_listset_free(a);
}

Test(lists_diff, ofac_non_sdn_files)
{
    const char *shared = getenv("XGATE_SHARED") ? getenv("XGATE_SHARED") : "../shared";
    char dir[512];
    snprintf(dir, sizeof dir, "%s/data/lists/ofac_cons_2025-12", shared);
    const char *paths[] = {dir};
    xg_listset *set = NULL;
    cr_assert_eq(xg_lists_load(&set, paths, 1, 0), 0, "%s", xg_error_message());
    cr_assert_eq(set->nrecords, 442);
    cr_assert_str_eq(set->files[0].format, "ofac_cons");
    size_t ssi = 0, cmic = 0, plc = 0;
    for (size_t i = 0; i < set->nsources; i++) {
        if (!strcmp(set->sources[i].source_code, "SSI")) ssi = set->sources[i].records;
        if (!strcmp(set->sources[i].source_code, "CMIC")) cmic = set->sources[i].records;
        if (!strcmp(set->sources[i].source_code, "PLC")) plc = set->sources[i].records;
    }
    cr_assert_eq(ssi, 286);
    cr_assert_eq(cmic, 68);
    cr_assert_eq(plc, 78);
    /* the same files diff against themselves to nothing */
    xg_lists_diff_result *d = NULL;
    cr_assert_eq(xg_lists_diff(&d, set, set), 0);
    cr_assert_eq(d->nentries, 0);
    xg_lists_diff_free(d);
    xg_listset_free(set);
}
