/* Country names and codes as the lists write them → ISO 3166-1 alpha-2. Includes every country
 * value of the shared OFAC add.csv and the UN XML, so a spelling the tables miss shows up here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/csv.h"
#include "xgate/country.h"
#include "xgate/error.h"

static void is(const char *in, const char *want)
{
    const char *got = xg_country_code(in);
    if (!want)
        cr_assert_null(got, "'%s' → %s, expected none", in, got);
    else
        cr_assert(got && !strcmp(got, want), "'%s' → %s, expected %s", in, got ? got : "NULL",
                  want);
}

Test(core_country, table_loads)
{
    cr_assert_eq(xg_country_status(), XG_OK, "%s", xg_error_message());
}

Test(core_country, codes_and_iso_names)
{
    is("DE", "DE");
    is("de", "DE");
    is("CHN", "CN");
    is("Germany", "DE");
    is("  germany ", "DE");
    is("United Kingdom of Great Britain and Northern Ireland", "GB");
    is("Iran (Islamic Republic of)", "IR");
    is("Iran, Islamic Republic of", "IR");
    is("Democratic People's Republic of Korea", "KP");
    is("Korea, Democratic People’s Republic of", "KP");
    is("Côte d'Ivoire", "CI");
    is("Cote d Ivoire", "CI");
    is("Türkiye", "TR");
    is("Viet Nam", "VN");
    is("Virgin Islands, British", "VG");
    is("British Virgin Islands", "VG");
    is("Trinidad & Tobago", "TT");
    is("The Gambia", "GM");
    is("Bahamas, The", "BS");
}

Test(core_country, list_spellings_from_aliases)
{
    is("Korea, North", "KP");
    is("Korea, South", "KR");
    is("Burma", "MM");
    is("Russia", "RU");
    is("Iran", "IR");
    is("Syria", "SY");
    is("Hong Kong", "HK");
    is("China, Hong Kong Special Administrative Region", "HK");
    is("Macau", "MO");
    is("China", "CN");
    is("Taiwan", "TW");
    is("Crimea region of Ukraine", "UA");
    is("Region: Crimea", "UA");
    is("Congo, Democratic Republic of the", "CD");
    is("Democratic Republic of the Congo", "CD");
    is("Congo, Republic of the", "CG");
    is("Kosovo", "XK");
    is("XK", "XK");
    is("Turkey", "TR");
}

Test(core_country, unknown_and_empty)
{
    is(NULL, NULL);
    is("", NULL);
    is("   ", NULL);
    is("undetermined", NULL);
    is("Atlantis", NULL);
    is("TX", NULL);
    is("\xC3\x28", NULL); /* invalid UTF-8 */
}

Test(core_country, names_for_codes)
{
    cr_assert_str_eq(xg_country_name("DE"), "Germany");
    cr_assert_str_eq(xg_country_name("ir"), "Iran");
    cr_assert_str_eq(xg_country_name("TW"), "Taiwan");
    cr_assert_str_eq(xg_country_name("XK"), "Kosovo");
    cr_assert_null(xg_country_name("ZZ"));
    cr_assert_null(xg_country_name(NULL));
}

/* Every country value in the shared OFAC add.csv maps, except the few that name no country. */
Test(core_country, every_ofac_address_country)
{
    const char *shared = getenv("XGATE_SHARED") ? getenv("XGATE_SHARED") : "../shared";
    char path[512];
    snprintf(path, sizeof path, "%s/data/lists/ofac_sdn_2021-07/add.csv", shared);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    xg_csv c;
    xg_csv_init(&c, buf, n, path);
    static const char *const not_countries[] = {"-0- ", "undetermined", "Region: Kafia Kingi",
                                                "Netherlands Antilles"};
    size_t rows = 0;
    while (xg_csv_next(&c) == 1) {
        rows++;
        const char *v = c.field[4];
        bool skip = false;
        for (size_t i = 0; i < sizeof not_countries / sizeof *not_countries; i++)
            skip |= !strcmp(v, not_countries[i]);
        if (!skip) cr_assert_not_null(xg_country_code(v), "add.csv line %ld: '%s'", c.line, v);
    }
    xg_csv_free(&c);
    cr_assert_eq(rows, 13837);
}

Test(core_country, un_xml_country_spellings)
{
    static const char *const names[] = {
        "Syrian Arab Republic", "United Republic of Tanzania", "State of Palestine",
        "Russian Federation",   "United States of America",    "Bosnia and Herzegovina",
        "Guinea-Bissau",        "Central African Republic"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        cr_assert_not_null(xg_country_code(names[i]), "%s", names[i]);
}
