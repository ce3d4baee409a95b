/*
 * webhook.c — telling another system about new alerts: one signed JSON POST per alert.
 *
 * Deliveries are queued in the store in the same transaction as the alert they announce, so a
 * crash between the commit and the POST leaves a pending delivery that the next run sends; a
 * receiver may therefore see an alert twice (at-least-once) and should key on its id. The body
 * is signed with HMAC-SHA256 under a shared secret (X-Xgate-Signature: sha256=<hex>), the way
 * GitHub and Stripe sign theirs, so the receiver can check it came from us and was not altered.
 */
#include "xgate/monitor.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/curl_dl.h"
#include "xgate/error.h"

#define DEFAULT_ATTEMPTS 4
/* Back-off before the second attempt; doubled each time (0.25 s, 0.5 s, 1 s …). */
#define FIRST_BACKOFF_MS 250
#define CONNECT_TIMEOUT_S 5L
#define TOTAL_TIMEOUT_S 15L
#define CANCEL_POLL_MS 50 /* how often a back-off sleep looks at the cancel flag */

void xg_monitor_sign(char out[65], const unsigned char *secret, size_t secret_len, const char *body,
                     size_t body_len)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, secret, secret_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, 65, mac, sizeof mac);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return size * n;
}

/* libcurl calls this at least once a second while a transfer runs (also while it waits for an
 * answer): a non-zero return aborts the transfer. */
static int on_xfer(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                   curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const volatile int *cancel = ud;
    return *cancel != 0;
}

static int cancelled(const volatile int *cancel)
{
    return cancel && *cancel;
}

/* One POST; returns the HTTP status (0 when none) and fills err on a transport failure. */
static long post_once(const char *url, const char *body, const char *sig, char *err, size_t errlen,
                      const volatile int *cancel)
{
    CURL *h = sym_curl_easy_init();
    if (!h) {
        snprintf(err, errlen, "curl init failed");
        return 0;
    }
    char header[128];
    snprintf(header, sizeof header, "X-Xgate-Signature: sha256=%s", sig);
    struct curl_slist *hl = sym_curl_slist_append(NULL, "Content-Type: application/json");
    hl = sym_curl_slist_append(hl, header);
    char ebuf[CURL_ERROR_SIZE] = "";
    sym_curl_easy_setopt(h, CURLOPT_URL, url);
    sym_curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    sym_curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    sym_curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
    sym_curl_easy_setopt(h, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
    sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    sym_curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (cancel) {
        sym_curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_xfer);
        sym_curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)cancel);
        sym_curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    }
    long status = 0;
    CURLcode cc = sym_curl_easy_perform(h);
    if (cc == CURLE_OK)
        sym_curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf(err, errlen, "%s", ebuf[0] ? ebuf : sym_curl_easy_strerror(cc));
    sym_curl_slist_free_all(hl);
    sym_curl_easy_cleanup(h);
    return status;
}

/* Sleep ms milliseconds, in short slices so that a cancel is seen within CANCEL_POLL_MS. */
static void sleep_ms(long ms, const volatile int *cancel)
{
    while (ms > 0 && !cancelled(cancel)) {
        long slice = ms < CANCEL_POLL_MS ? ms : CANCEL_POLL_MS;
        struct timespec ts = {slice / 1000, (slice % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        ms -= slice;
    }
}

/* One delivery with its retries. *outcome: 1 delivered, 0 failed, -1 cancelled (left "pending"
 * with the attempts made so far, for the next call to send). */
static int deliver_one(xg_store *store, const json_t *d, const unsigned char *secret,
                       size_t secret_len, int max_attempts, const volatile int *cancel,
                       int *outcome)
{
    *outcome = 0;
    const char *id = json_string_value(json_object_get(d, "id"));
    const char *url = json_string_value(json_object_get(d, "url"));
    int attempts = (int)json_integer_value(json_object_get(d, "attempts"));
    json_t *alert;
    if (xg_store_alert_get(&alert, store, json_string_value(json_object_get(d, "alert_id"))))
        return xg_store_webhook_record(store, id, "failed", attempts, 0, "alert not found");
    json_t *body_obj = json_pack("{s:s,s:o}", "event", "alert.opened", "alert", alert);
    char *body = json_dumps(body_obj, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body_obj);
    if (!body) return xg_error_set(XG_ENOMEM, "webhook: out of memory");
    char sig[65], err[CURL_ERROR_SIZE + 32] = "";
    xg_monitor_sign(sig, secret, secret_len, body, strlen(body));
    long status = 0, backoff = FIRST_BACKOFF_MS;
    int ok = 0;
    while (attempts < max_attempts && !ok && !cancelled(cancel)) {
        if (attempts) sleep_ms(backoff, cancel), backoff *= 2;
        if (cancelled(cancel)) break;
        attempts++;
        err[0] = '\0';
        status = post_once(url, body, sig, err, sizeof err, cancel);
        ok = status >= 200 && status < 300;
        if (!ok && !err[0]) snprintf(err, sizeof err, "HTTP %ld", status);
    }
    free(body);
    if (!ok && cancelled(cancel)) {
        *outcome = -1;
        return xg_store_webhook_record(store, id, "pending", attempts, status,
                                       "cancelled: the sender stopped; sent again by the next run");
    }
    *outcome = ok;
    return xg_store_webhook_record(store, id, ok ? "delivered" : "failed", attempts, status,
                                   ok ? NULL : err);
}

int xg_monitor_webhooks_deliver(json_t **report, xg_store *store, const char *url,
                                const unsigned char *secret, size_t secret_len, int max_attempts)
{
    return xg_monitor_webhooks_deliver_until(report, store, url, secret, secret_len, max_attempts,
                                             NULL);
}

int xg_monitor_webhooks_deliver_until(json_t **report, xg_store *store, const char *url,
                                      const unsigned char *secret, size_t secret_len,
                                      int max_attempts, const volatile int *cancel)
{
    if (!report || !store || !secret || !secret_len)
        return xg_error_set(XG_EINVAL, "webhook: store and secret needed");
    if (max_attempts <= 0) max_attempts = DEFAULT_ATTEMPTS;
    int lrc = xg_curl_load(); /* libcurl is opened on first use */
    if (lrc) return lrc;
    static int curl_ready;
    if (!curl_ready) {
        if (sym_curl_global_init(CURL_GLOBAL_DEFAULT))
            return xg_error_set(XG_EINTERNAL, "webhook: libcurl failed to initialise");
        curl_ready = 1;
    }
    json_t *pending;
    int rc = xg_store_webhook_pending(&pending, store, url);
    if (rc) return rc;
    size_t i, delivered = 0, failed = 0, left = 0;
    json_t *d;
    json_array_foreach(pending, i, d)
    {
        int outcome = -1;
        /* once cancelled, the rest stay pending untouched */
        if (!cancelled(cancel) &&
            (rc = deliver_one(store, d, secret, secret_len, max_attempts, cancel, &outcome)))
            break;
        outcome > 0 ? delivered++ : outcome == 0 ? failed++ : left++;
    }
    json_decref(pending);
    if (rc) return rc;
    *report =
        json_pack("{s:I,s:I}", "delivered", (json_int_t)delivered, "failed", (json_int_t)failed);
    if (*report && cancelled(cancel)) { /* only then: a caller without a cancel sees no change */
        json_object_set_new(*report, "pending", json_integer((json_int_t)left));
        json_object_set_new(*report, "cancelled", json_true());
    }
    return 0;
}
