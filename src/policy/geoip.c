/*
 * geoip.c — the country of a source IP, from Debian's geoip-database via libGeoIP.
 *
 * The databases are opened once per process into memory (GEOIP_MEMORY_CACHE, read-only after
 * open, so lookups from several threads are safe) and stay open; the path comes from
 * settings.tsv. The database's own description — which carries its build date — goes into each
 * decision that used it, because a country from a 2019 database is weaker evidence than one from
 * last week's.
 */
#include "policy/engine.h"

#include <GeoIP.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t geo_lock = PTHREAD_MUTEX_INITIALIZER;
static int geo_opened;
static GeoIP *geo_v4, *geo_v6;
static char geo_info[2400];
static char geo_path4[1024], geo_path6[1024];

static GeoIP *open_db(const char *path)
{
    if (!*path || access(path, R_OK) != 0) return NULL;
    return GeoIP_open(path, GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
}

static void geo_open(void)
{
    geo_v4 = open_db(geo_path4);
    geo_v6 = open_db(geo_path6);
    GeoIP *any = geo_v4 ? geo_v4 : geo_v6;
    if (any) {
        char *info = GeoIP_database_info(any);
        snprintf(geo_info, sizeof geo_info, "%s (%s)", info ? info : "GeoIP",
                 geo_v4 ? geo_path4 : geo_path6);
        free(info);
    }
}

const char *geo_country(const char *ip, const xg_policy_set *p, const char **db_info)
{
    /* The first caller opens the databases (paths from its policy set); later ones only read. */
    pthread_mutex_lock(&geo_lock);
    if (!geo_opened) {
        snprintf(geo_path4, sizeof geo_path4, "%s",
                 pol_setting_str(p, "geoip_database", "/usr/share/GeoIP/GeoIP.dat"));
        snprintf(geo_path6, sizeof geo_path6, "%s",
                 pol_setting_str(p, "geoip_database_v6", "/usr/share/GeoIP/GeoIPv6.dat"));
        geo_open();
        geo_opened = 1;
    }
    pthread_mutex_unlock(&geo_lock);
    *db_info = geo_info[0] ? geo_info : NULL;
    unsigned char buf[16];
    const char *cc = NULL;
    GeoIPLookup gl = {0}; /* the _gl lookups keep per-call state here, not in the shared handle */
    if (inet_pton(AF_INET, ip, buf) == 1 && geo_v4)
        cc = GeoIP_country_code_by_addr_gl(geo_v4, ip, &gl);
    else if (inet_pton(AF_INET6, ip, buf) == 1 && geo_v6)
        cc = GeoIP_country_code_by_addr_v6_gl(geo_v6, ip, &gl);
    /* GeoIP's pseudo-codes (A1 anonymous proxy, A2 satellite, AP/EU regions, O1 other) name no
     * country. */
    if (cc && (!strcmp(cc, "A1") || !strcmp(cc, "A2") || !strcmp(cc, "O1") || !strcmp(cc, "AP") ||
               !strcmp(cc, "EU") || !strcmp(cc, "--")))
        cc = NULL;
    return cc;
}
