/*
 * xgate/country.h — country names and codes as restricted-party lists write them, to ISO 3166-1.
 *
 * Lists name countries every which way ("Korea, North", "Iran (Islamic Republic of)", "Burma",
 * "China, Hong Kong Special Administrative Region", "KP", "PRK"). These functions map any of them
 * to the ISO 3166-1 alpha-2 code. The table is built once per process (thread-safe) from
 * iso-codes' iso_3166-1.json (names, official names, common names, alpha-2, alpha-3) plus
 * data/countries/aliases.tsv for the names iso-codes lacks. Matching ignores case, accents,
 * punctuation, spacing and a leading "the"; "Name, Qualifier of" also matches "Qualifier of Name".
 * Kosovo's user-assigned code XK is known through aliases.tsv.
 */
#ifndef XGATE_COUNTRY_H
#define XGATE_COUNTRY_H

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

/* The upper-case ISO-2 code for a country name, alpha-2 or alpha-3 code (any case), or NULL when
 * unknown (or for NULL/empty input). The returned string is static. */
const char *xg_country_code(const char *name_or_code);

/* The English short name for an ISO-2 code (any case): iso-codes' common name where it has one
 * ("Iran", "South Korea", "Taiwan"), else its name ("Germany"); NULL when unknown. Static. */
const char *xg_country_name(const char *code);

/* XG_OK when the country table loaded fully; otherwise the code and message of the first problem
 * (e.g. iso-codes missing: XG_EIO naming the file). Lookups still work on what did load. The JSON
 * path can be overridden with $XGATE_ISO3166_JSON. */
int xg_country_status(void);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
