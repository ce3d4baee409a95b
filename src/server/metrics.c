/*
 * metrics.c — counters and latency histograms in Prometheus text format (GET /metrics).
 *
 * Lock-free: every counter is an atomic bumped by the worker that served the request, and the
 * page is rendered from a snapshot of them. Labels come from a fixed set (route names, status
 * classes, outcomes), never from request input, so the series count is bounded and nobody can
 * inject text into the exposition.
 */
#include "server/server_int.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/core.h"

/* The label of a metrics slot, or NULL for a row that shares the series of an earlier one. */
static const char *slot_label(int slot)
{
    if (slot == ROUTE_SLOT_UNKNOWN) return "unknown";
    if ((size_t)slot >= route_count || route_slot(&route_table[slot]) != slot) return NULL;
    return route_table[slot].label;
}

/* Upper bounds in seconds; the last bucket is +Inf. */
static const double lat_bounds[XG_LAT_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                  0.1,    0.25,  0.5,    1,     2.5,  5,     10};

void metrics_observe(xg_metrics *m, const route_def *route, int status, double seconds)
{
    int r = route_slot(route);
    int cls = status / 100;
    if (cls < 1 || cls > 5) cls = 5;
    atomic_fetch_add_explicit(&m->requests[r][cls], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < XG_LAT_BUCKETS && seconds > lat_bounds[b])
        b++;
    atomic_fetch_add_explicit(&m->lat_bucket[r][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->lat_sum_us[r], (uint64_t)(seconds * 1e6), memory_order_relaxed);
}

void metrics_decision(xg_metrics *m, const char *outcome)
{
    int i = xg_outcome_parse(outcome);
    if (i >= 0) atomic_fetch_add_explicit(&m->decisions[i], 1, memory_order_relaxed);
}

static uint64_t ld(_Atomic uint64_t *p)
{
    return atomic_load_explicit(p, memory_order_relaxed);
}

static void render_requests(xg_buf *b, xg_metrics *m)
{
    xg_buf_puts(b, "# HELP xgate_http_requests_total HTTP requests by route and status class.\n"
                   "# TYPE xgate_http_requests_total counter\n");
    for (int r = 0; r < ROUTE_SLOTS; r++) {
        const char *label = slot_label(r);
        for (int c = 1; c <= 5 && label; c++) {
            uint64_t v = ld(&m->requests[r][c]);
            if (v || c == 2)
                xg_buf_printf(b, "xgate_http_requests_total{route=\"%s\",code=\"%dxx\"} %llu\n",
                              label, c, (unsigned long long)v);
        }
    }
    xg_buf_puts(b, "# HELP xgate_http_request_duration_seconds Time to answer, by route.\n"
                   "# TYPE xgate_http_request_duration_seconds histogram\n");
    for (int r = 0; r < ROUTE_SLOTS; r++) {
        const char *label = slot_label(r);
        if (!label) continue;
        uint64_t cum = 0;
        for (int i = 0; i <= XG_LAT_BUCKETS; i++) {
            cum += ld(&m->lat_bucket[r][i]);
            if (i < XG_LAT_BUCKETS)
                xg_buf_printf(b,
                              "xgate_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} "
                              "%llu\n",
                              label, lat_bounds[i], (unsigned long long)cum);
            else
                xg_buf_printf(b,
                              "xgate_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"}"
                              " %llu\n",
                              label, (unsigned long long)cum);
        }
        xg_buf_printf(b, "xgate_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", label,
                      ld(&m->lat_sum_us[r]) / 1e6);
        xg_buf_printf(b, "xgate_http_request_duration_seconds_count{route=\"%s\"} %llu\n", label,
                      (unsigned long long)cum);
    }
}

static void render_domain(xg_buf *b, xg_server *s)
{
    xg_metrics *m = &s->metrics;
    xg_buf_puts(b, "# HELP xgate_decisions_total Access decisions by outcome.\n"
                   "# TYPE xgate_decisions_total counter\n");
    for (int i = 0; i < XG_OUTCOME_COUNT; i++)
        xg_buf_printf(b, "xgate_decisions_total{decision=\"%s\"} %llu\n", xg_outcome_name(i),
                      (unsigned long long)ld(&m->decisions[i]));
    xg_buf_printf(b,
                  "# HELP xgate_reviews_total Review resolutions by action.\n"
                  "# TYPE xgate_reviews_total counter\n"
                  "xgate_reviews_total{action=\"clear\"} %llu\n"
                  "xgate_reviews_total{action=\"confirm\"} %llu\n",
                  (unsigned long long)ld(&m->reviews[0]), (unsigned long long)ld(&m->reviews[1]));
    xg_buf_printf(b,
                  "# HELP xgate_rate_limited_total Requests refused by a key's rate limit.\n"
                  "# TYPE xgate_rate_limited_total counter\nxgate_rate_limited_total %llu\n",
                  (unsigned long long)ld(&m->rate_limited));
    xg_buf_printf(b,
                  "# HELP xgate_http_in_flight Requests being served.\n"
                  "# TYPE xgate_http_in_flight gauge\nxgate_http_in_flight %llu\n",
                  (unsigned long long)ld(&m->in_flight));
    time_t now = time(NULL);
    int64_t loaded = atomic_load(&s->snap_loaded);
    xg_buf_printf(b,
                  "# HELP xgate_list_age_seconds Seconds since the current list snapshot was "
                  "loaded.\n# TYPE xgate_list_age_seconds gauge\nxgate_list_age_seconds %lld\n"
                  "# HELP xgate_list_loaded_timestamp_seconds When the current snapshot was "
                  "loaded (unix time).\n# TYPE xgate_list_loaded_timestamp_seconds gauge\n"
                  "xgate_list_loaded_timestamp_seconds %lld\n",
                  (long long)(now - loaded), (long long)loaded);
    xg_buf_printf(b,
                  "# HELP xgate_list_reloads_total List reloads by result.\n"
                  "# TYPE xgate_list_reloads_total counter\n"
                  "xgate_list_reloads_total{result=\"ok\"} %llu\n"
                  "xgate_list_reloads_total{result=\"failed\"} %llu\n",
                  (unsigned long long)ld(&m->reloads_ok),
                  (unsigned long long)ld(&m->reloads_failed));
    xg_buf_printf(b,
                  "# HELP xgate_node_events_total Other nodes' changes acted on (PostgreSQL "
                  "LISTEN/NOTIFY): list reloads, key-cache and license-cache flushes.\n"
                  "# TYPE xgate_node_events_total counter\n"
                  "xgate_node_events_total{action=\"reload\"} %llu\n"
                  "xgate_node_events_total{action=\"key_flush\"} %llu\n"
                  "xgate_node_events_total{action=\"license_flush\"} %llu\n",
                  (unsigned long long)ld(&m->notify_reloads),
                  (unsigned long long)ld(&m->notify_key_flushes),
                  (unsigned long long)ld(&m->notify_license_flushes));
    if (s->store) {
        unsigned long long loads = 0, flushes = 0;
        xg_store_license_cache_stats(s->store, &loads, &flushes);
        xg_buf_printf(b,
                      "# HELP xgate_license_cache_total The licenses kept in memory for decisions:"
                      " reads of the table (load) and copies dropped before their %d ms were up"
                      " (flush: a license added here or on another node).\n"
                      "# TYPE xgate_license_cache_total counter\n"
                      "xgate_license_cache_total{event=\"load\"} %llu\n"
                      "xgate_license_cache_total{event=\"flush\"} %llu\n",
                      XG_STORE_LICENSE_CACHE_MS, loads, flushes);
        unsigned long long ckpts = 0, restarts = 0;
        long long wal_pages = 0;
        xg_store_wal_stats(s->store, &ckpts, &restarts, &wal_pages);
        xg_buf_printf(b,
                      "# HELP xgate_store_wal_pages Pages in the SQLite store's write-ahead log "
                      "after the last commit (0 on PostgreSQL).\n"
                      "# TYPE xgate_store_wal_pages gauge\nxgate_store_wal_pages %lld\n"
                      "# HELP xgate_store_wal_checkpoints_total Checkpoints of the SQLite WAL: "
                      "all (passive) and those that started the WAL over (restart).\n"
                      "# TYPE xgate_store_wal_checkpoints_total counter\n"
                      "xgate_store_wal_checkpoints_total{mode=\"passive\"} %llu\n"
                      "xgate_store_wal_checkpoints_total{mode=\"restart\"} %llu\n",
                      wal_pages, ckpts, restarts);
    }
    struct mallinfo2 mi = mallinfo2();
    xg_buf_printf(b,
                  "# HELP xgate_heap_bytes The process's malloc heap (glibc mallinfo2): bytes in "
                  "use and bytes free but kept.\n"
                  "# TYPE xgate_heap_bytes gauge\n"
                  "xgate_heap_bytes{state=\"in_use\"} %zu\n"
                  "xgate_heap_bytes{state=\"free\"} %zu\n",
                  mi.uordblks + mi.hblkhd, mi.fordblks);
    xg_buf_printf(b,
                  "# HELP xgate_uptime_seconds Seconds since the server started.\n"
                  "# TYPE xgate_uptime_seconds gauge\nxgate_uptime_seconds %lld\n",
                  (long long)(now - s->started));
}

static void render_lists(xg_buf *b, xg_server *s)
{
    xg_snapshot *snap = server_snapshot_get(s);
    if (!snap) return;
    const xg_listset *ls = xg_snapshot_lists(snap);
    xg_buf_puts(b, "# HELP xgate_list_records Records in the current snapshot by source list.\n"
                   "# TYPE xgate_list_records gauge\n");
    for (size_t i = 0; ls && i < ls->nsources; i++) {
        /* Source codes come from list files; keep only label-safe characters. */
        char code[64];
        size_t k = 0;
        for (const char *p = ls->sources[i].source_code; p && *p && k < sizeof code - 1; p++)
            if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                *p == '_' || *p == '-' || *p == '.')
                code[k++] = *p;
        code[k] = '\0';
        xg_buf_printf(b, "xgate_list_records{source=\"%s\"} %zu\n", code, ls->sources[i].records);
    }
    xg_snapshot_unref(snap);
}

char *metrics_render(xg_server *s, size_t *len)
{
    xg_buf b;
    xg_buf_init(&b);
    render_requests(&b, &s->metrics);
    render_domain(&b, s);
    render_lists(&b, s);
    metrics_alerts(&b, s);
    metrics_feeds(&b, s);
    *len = b.len;
    return xg_buf_steal(&b);
}
