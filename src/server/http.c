/*
 * http.c — reading a request body safely and answering in JSON.
 *
 * Every check that can reject a body runs before jansson sees it, cheapest first: declared length
 * (413 without reading), content type (415), actual length while reading (413), UTF-8 (400),
 * nesting depth (400, so that a hostile body cannot make the parser recurse deeply), then the
 * parse itself. Every answer carries Content-Length so that connections can be kept alive; an
 * answer sent before the body was drained closes the connection instead.
 */
#include "server/server_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "xgate/core.h"

/* Room kept in front of a JSON body for its headers, so that head and body leave in one write. */
#define HEADROOM 1024
/* A body up to this size is copied behind its headers for one write; a larger one goes apart. */
#define ONE_WRITE_MAX 65536

/* The Date header's value, formatted at most once a second per thread, in English whatever the
 * locale (RFC 9110 IMF-fixdate). */
static const char *http_date(void)
{
    static _Thread_local time_t last = -1;
    static _Thread_local char text[40];
    time_t now = time(NULL);
    if (now != last) {
        static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        struct tm tm;
        gmtime_r(&now, &tm);
        snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
                 tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                 tm.tm_sec);
        last = now;
    }
    return text;
}

/* Will civetweb keep the connection after this request? Its own rule (should_keep_alive): the
 * client's Connection header if any, else HTTP/1.1 keeps alive. keep-alive is always enabled. */
static bool keeps_alive(const xg_req *r)
{
    const char *c = mg_get_header(r->conn, "Connection");
    if (c) {
        for (const char *p = c; (p = strcasestr(p, "keep-alive")); p += 10)
            if ((p == c || p[-1] == ' ' || p[-1] == ',') &&
                (p[10] == '\0' || p[10] == ',' || p[10] == ' '))
                return true;
        return false;
    }
    return r->ri->http_version && !strcmp(r->ri->http_version, "1.1");
}

/* The status line and headers of an answer, blank line included, into out; its length, or 0
 * when it does not fit. Written by hand rather than with mg_response_header_*: civetweb sends
 * every header line of those with a send() of its own, and on loopback those system calls were
 * most of the cost of an answer (BENCHMARKS.md, HTTP section). Same headers, same order. */
static size_t format_headers(xg_req *r, int status, const char *ctype, size_t len,
                             const char *extra, char *out, size_t outlen)
{
    const char *version = r->ri->http_version ? r->ri->http_version : "1.0";
    int code = status < 100 || status > 999 ? 500 : status;
    bool alive = r->body_drained && keeps_alive(r);
    int n = snprintf(out, outlen,
                     "HTTP/%s %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
                     "%s%sDate: %s\r\nConnection: %s\r\n\r\n",
                     version, code, mg_get_response_code_text(r->conn, code), ctype, len,
                     extra ? extra : "", extra ? "\r\n" : "", http_date(),
                     alive ? "keep-alive" : "close");
    return n > 0 && (size_t)n < outlen ? (size_t)n : 0;
}

/* Send head and body; the body may sit in a buffer with `room` free bytes right before it, where
 * the head goes so that one write carries both. */
static void send_answer(xg_req *r, int status, const char *ctype, const char *data, size_t len,
                        size_t room, const char *extra)
{
    r->status = status;
    bool head_only = strcmp(r->method, "HEAD") == 0;
    char head[HEADROOM];
    size_t hl = format_headers(r, status, ctype, len, extra, head, sizeof head);
    if (!hl) { /* headers too long to format: should not happen (ours are short) */
        static const char fail[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                                   "Connection: close\r\n\r\n";
        r->status = 500;
        mg_write(r->conn, fail, sizeof fail - 1);
        return;
    }
    if (head_only || !len) {
        mg_write(r->conn, head, hl);
    } else if (hl <= room) {
        char *start = (char *)data - hl;
        memcpy(start, head, hl);
        mg_write(r->conn, start, hl + len);
    } else if (len <= ONE_WRITE_MAX) {
        char *both = malloc(hl + len);
        if (both) {
            memcpy(both, head, hl);
            memcpy(both + hl, data, len);
            mg_write(r->conn, both, hl + len);
            free(both);
        } else {
            mg_write(r->conn, head, hl);
            mg_write(r->conn, data, len);
        }
    } else {
        mg_write(r->conn, head, hl);
        mg_write(r->conn, data, len);
    }
}

void reply_raw(xg_req *r, int status, const char *ctype, const char *data, size_t len,
               const char *extra_headers)
{
    send_answer(r, status, ctype, data, len, 0, extra_headers);
}

/* ---- JSON encoding ---- */

static inline int put(xg_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap && xg_buf_reserve(b, n) != 0) return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

/* jansson's jsonp_dtostr with precision 12. */
int json_put_real(xg_buf *b, double v)
{
    return xg_buf_json_real(b, v, 12, 48) ? -1 : 0; /* whole thousandths without snprintf */
}

int json_encode(xg_buf *b, const json_t *j, int depth)
{
    if (depth > 2048) return -1; /* a cycle (jansson refuses those too) */
    char num[32];
    int n;
    switch (json_typeof(j)) {
    case JSON_NULL:
        return put(b, "null", 4);
    case JSON_TRUE:
        return put(b, "true", 4);
    case JSON_FALSE:
        return put(b, "false", 5);
    case JSON_INTEGER:
        n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        return put(b, num, (size_t)n);
    case JSON_REAL:
        return json_put_real(b, json_real_value(j));
    case JSON_STRING:
        return xg_buf_json_string(b, json_string_value(j), json_string_length(j)) ? -1 : 0;
    case JSON_ARRAY: {
        size_t size = json_array_size(j);
        if (put(b, "[", 1) != 0) return -1;
        for (size_t i = 0; i < size; i++)
            if ((i && put(b, ",", 1) != 0) || json_encode(b, json_array_get(j, i), depth + 1) != 0)
                return -1;
        return put(b, "]", 1);
    }
    case JSON_OBJECT: {
        if (put(b, "{", 1) != 0) return -1;
        bool first = true;
        for (void *it = json_object_iter((json_t *)j); it;
             it = json_object_iter_next((json_t *)j, it)) {
            if ((!first && put(b, ",", 1) != 0) ||
                xg_buf_json_string(b, json_object_iter_key(it), json_object_iter_key_len(it)) !=
                    0 ||
                put(b, ":", 1) != 0 || json_encode(b, json_object_iter_value(it), depth + 1) != 0)
                return -1;
            first = false;
        }
        return put(b, "}", 1);
    }
    }
    return -1;
}

/* ---- the answer buffer ---- */

/* Each worker thread keeps one buffer for its answers, so that an answer is written without a
 * malloc and a free of its own; one grown past ANSWER_KEEP_MAX by a large answer is given back. */
#define ANSWER_KEEP_MAX (256u << 10)

static pthread_key_t answer_key;
static pthread_once_t answer_once = PTHREAD_ONCE_INIT;
static bool answer_key_ok;

static void answer_buf_destroy(void *p)
{
    xg_buf_free(p);
    free(p);
}

static void answer_key_make(void)
{
    answer_key_ok = pthread_key_create(&answer_key, answer_buf_destroy) == 0;
}

xg_buf *answer_buf(void)
{
    pthread_once(&answer_once, answer_key_make);
    xg_buf *b = answer_key_ok ? pthread_getspecific(answer_key) : NULL;
    if (!b) {
        if (!(b = calloc(1, sizeof *b))) return NULL;
        xg_buf_init(b);
        if (!answer_key_ok || pthread_setspecific(answer_key, b) != 0) {
            free(b);
            return NULL;
        }
    }
    b->len = 0;
    if (xg_buf_reserve(b, HEADROOM + 4096) != 0) return NULL;
    b->len = HEADROOM;
    return b;
}

static void answer_buf_done(xg_buf *b)
{
    if (b->cap > ANSWER_KEEP_MAX)
        xg_buf_free(b);
    else
        b->len = 0;
}

static void send_encode_failed(xg_req *r)
{
    static const char oom[] =
        "{\"error\":{\"code\":\"internal\",\"message\":\"could not encode the answer\","
        "\"field\":null}}";
    reply_raw(r, 500, "application/json", oom, sizeof oom - 1, NULL);
}

/* Send what b holds behind its HEADROOM, with a trailing newline (it makes curl output and logs
 * readable; it costs one byte), in one write. */
static void send_written(xg_req *r, int status, xg_buf *b, const char *extra)
{
    if (xg_buf_putc(b, '\n') != 0)
        send_encode_failed(r);
    else
        send_answer(r, status, "application/json", b->data + HEADROOM, b->len - HEADROOM, HEADROOM,
                    extra);
    answer_buf_done(b);
}

void reply_json_written(xg_req *r, int status, xg_buf *b)
{
    send_written(r, status, b, NULL);
}

/* Encode body into this thread's answer buffer and send it. Takes body. */
static void send_json(xg_req *r, int status, json_t *body, const char *extra)
{
    xg_buf *b = body ? answer_buf() : NULL;
    bool ok = b && json_encode(b, body, 0) == 0;
    json_decref(body);
    if (ok) {
        send_written(r, status, b, extra);
        return;
    }
    if (b) answer_buf_done(b);
    send_encode_failed(r);
}

void reply_json(xg_req *r, int status, json_t *body)
{
    send_json(r, status, body, NULL);
}

void reply_error(xg_req *r, int status, const char *code, const char *field, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Messages can quote library text built from input; keep them valid UTF-8 for the encoder. */
    if (!xg_utf8_valid(msg, strlen(msg))) snprintf(msg, sizeof msg, "%s", code);
    json_t *err = json_pack("{s:s, s:s, s:o}", "code", code, "message", msg, "field",
                            field ? json_string(field) : json_null());
    const char *extra = r->extra_header[0] ? r->extra_header : NULL;
    if (status == 429)
        extra = "Retry-After: 1";
    else if (status == 401)
        extra = "WWW-Authenticate: Bearer realm=\"xgate\"";
    if (!err) {
        reply_json(r, status, NULL);
        return;
    }
    send_json(r, status, json_pack("{s:o}", "error", err), extra);
}

void reply_lib_error(xg_req *r, int code, const char *what)
{
    const char *msg = xg_error_message();
    if (!msg[0]) msg = xg_error_name(code);
    switch (code) {
    case XG_EINVAL:
    case XG_EPARSE:
    case XG_EFORMAT:
        reply_error(r, 400, "invalid_field", NULL, "%s: %s", what, msg);
        break;
    case XG_EUTF8:
        reply_error(r, 400, "invalid_utf8", NULL, "%s: %s", what, msg);
        break;
    case XG_ETOOBIG:
        reply_error(r, 400, "field_too_long", NULL, "%s: %s", what, msg);
        break;
    case XG_ENOTFOUND:
        reply_error(r, 404, "not_found", NULL, "%s: %s", what, msg);
        break;
    case XG_EEXIST:
        reply_error(r, 409, "conflict", NULL, "%s: %s", what, msg);
        break;
    case XG_ESTORE:
    case XG_EIO:
        reply_error(r, 503, "unavailable", NULL, "%s: %s", what, msg);
        break;
    default:
        reply_error(r, 500, "internal", NULL, "%s: %s", what, msg);
    }
}

int json_depth(const char *s, size_t n)
{
    int depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max) max = depth;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

static bool content_type_is_json(const xg_req *r)
{
    const char *ct = mg_get_header(r->conn, "Content-Type");
    if (!ct) return false;
    while (*ct == ' ')
        ct++;
    size_t n = strcspn(ct, "; ");
    return (n == 16 && !strncasecmp(ct, "application/json", 16));
}

/* Read up to max+1 bytes so that an undeclared (chunked) body over the limit is noticed. */
static int read_body(xg_req *r, size_t max)
{
    xg_buf b;
    xg_buf_init(&b);
    char chunk[16384];
    for (;;) {
        int n = mg_read(r->conn, chunk, sizeof chunk);
        if (n < 0) {
            xg_buf_free(&b);
            return -1;
        }
        if (n == 0) break;
        if (b.len + (size_t)n > max) {
            xg_buf_free(&b);
            return 1;
        }
        if (xg_buf_append(&b, chunk, (size_t)n) != 0) {
            xg_buf_free(&b);
            return -1;
        }
    }
    r->body_drained = true;
    r->body_len = b.len;
    r->body = b.data ? xg_buf_steal(&b) : calloc(1, 1);
    return r->body ? 0 : -1;
}

bool req_read_json(xg_req *r, bool optional)
{
    size_t max = r->srv->opts.max_body;
    long long declared = r->ri->content_length;
    if (declared > (long long)max) {
        reply_error(r, 413, "body_too_large", NULL, "the body is %lld bytes; the limit is %zu",
                    declared, max);
        return false;
    }
    if (declared > 0 && !content_type_is_json(r)) {
        reply_error(r, 415, "unsupported_media_type", NULL,
                    "send the body as Content-Type: application/json");
        return false;
    }
    int rc = read_body(r, max);
    if (rc == 1) {
        reply_error(r, 413, "body_too_large", NULL, "the body is over the limit of %zu bytes", max);
        return false;
    }
    if (rc < 0) {
        reply_error(r, 400, "invalid_body", NULL, "the body could not be read");
        return false;
    }
    if (r->body_len == 0) {
        if (optional) return true;
        reply_error(r, 400, "invalid_json", NULL, "a JSON object body is required");
        return false;
    }
    if (!content_type_is_json(r)) {
        reply_error(r, 415, "unsupported_media_type", NULL,
                    "send the body as Content-Type: application/json");
        return false;
    }
    char msg[256];
    const char *code = body_parse(&r->json, r->body, r->body_len, msg, sizeof msg);
    if (code) {
        reply_error(r, 400, code, NULL, "%s", msg);
        return false;
    }
    return true;
}

/* ---- the common request bodies without jansson's lexer ----
 *
 * json_loadb reads a body byte by byte through its stream and string buffers (~200 instructions a
 * byte; a /v1/decide body of ~240 bytes cost ~49 K instructions a decision). fast_* parses the
 * plain bodies clients send — objects and arrays of strings without escapes, integers of at most
 * 18 digits, true, false and null — into the very tree json_loadb builds (the same constructors,
 * keys in the same order). Anything else (an escape, a real, a long integer, a duplicate key, any
 * byte out of place) makes it give up, and the body goes to json_loadb as before, which then
 * accepts it or names the error exactly as it always did. It runs after the UTF-8 and depth
 * checks, so the bytes of a string are valid UTF-8 (jansson's rule: no overlongs, no surrogates)
 * and recursion is bounded by XG_SERVER_MAX_JSON_DEPTH. */
typedef struct {
    const char *p, *end;
} fast_in;

static void fast_ws(fast_in *in)
{
    while (in->p < in->end && (*in->p == ' ' || *in->p == '\n' || *in->p == '\r' || *in->p == '\t'))
        in->p++;
}

/* A string from just after its opening quote: its bytes [*s, *s + *n), in->p past the closing
 * quote. false on an escape, a control character or the end (jansson will judge those). */
static bool fast_string(fast_in *in, const char **s, size_t *n)
{
    const char *q = in->p;
    while (q < in->end) {
        unsigned char c = (unsigned char)*q;
        if (c == '"') {
            *s = in->p;
            *n = (size_t)(q - in->p);
            in->p = q + 1;
            return true;
        }
        if (c == '\\' || c < 0x20) return false;
        q++;
    }
    return false;
}

/* After a scalar: the next byte must end it (whitespace, ',', '}' or ']') or be the end. */
static bool fast_ends_token(const fast_in *in)
{
    if (in->p == in->end) return true;
    char c = *in->p;
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ',' || c == '}' || c == ']';
}

static json_t *fast_value(fast_in *in);

static json_t *fast_object(fast_in *in) /* in->p just after '{' */
{
    json_t *o = json_object();
    if (!o) return NULL;
    fast_ws(in);
    if (in->p < in->end && *in->p == '}') {
        in->p++;
        return o;
    }
    for (;;) {
        const char *k;
        size_t kn;
        if (in->p >= in->end || *in->p != '"') break;
        in->p++;
        if (!fast_string(in, &k, &kn)) break;
        fast_ws(in);
        if (in->p >= in->end || *in->p != ':') break;
        in->p++;
        fast_ws(in);
        if (json_object_getn(o, k, kn)) break; /* a duplicate: jansson's error */
        json_t *v = fast_value(in);
        if (!v || json_object_setn_new_nocheck(o, k, kn, v)) break;
        fast_ws(in);
        if (in->p >= in->end) break;
        if (*in->p == '}') {
            in->p++;
            return o;
        }
        if (*in->p != ',') break;
        in->p++;
        fast_ws(in);
    }
    json_decref(o);
    return NULL;
}

static json_t *fast_array(fast_in *in) /* in->p just after '[' */
{
    json_t *a = json_array();
    if (!a) return NULL;
    fast_ws(in);
    if (in->p < in->end && *in->p == ']') {
        in->p++;
        return a;
    }
    for (;;) {
        json_t *v = fast_value(in);
        if (!v || json_array_append_new(a, v)) break;
        fast_ws(in);
        if (in->p >= in->end) break;
        if (*in->p == ']') {
            in->p++;
            return a;
        }
        if (*in->p != ',') break;
        in->p++;
        fast_ws(in);
    }
    json_decref(a);
    return NULL;
}

static json_t *fast_value(fast_in *in)
{
    if (in->p >= in->end) return NULL;
    char c = *in->p;
    if (c == '"') {
        const char *s;
        size_t n;
        in->p++;
        return fast_string(in, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
    }
    if (c == '{') {
        in->p++;
        return fast_object(in);
    }
    if (c == '[') {
        in->p++;
        return fast_array(in);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *q = in->p;
        bool neg = c == '-';
        if (neg) q++;
        const char *d = q;
        json_int_t v = 0;
        while (q < in->end && *q >= '0' && *q <= '9') {
            if (q - d == 18) return NULL; /* a 19th digit: strtoll's range is jansson's to judge */
            v = v * 10 + (*q - '0');
            q++;
        }
        size_t nd = (size_t)(q - d);
        /* no digits, a leading zero or a real: not here */
        if (nd == 0 || (*d == '0' && nd > 1)) return NULL;
        if (q < in->end && (*q == '.' || *q == 'e' || *q == 'E')) return NULL;
        in->p = q;
        if (!fast_ends_token(in)) return NULL;
        return json_integer(neg ? -v : v);
    }
    static const struct {
        const char *word;
        size_t n;
    } words[] = {{"true", 4}, {"false", 5}, {"null", 4}};
    for (size_t i = 0; i < 3; i++) {
        if ((size_t)(in->end - in->p) >= words[i].n && !memcmp(in->p, words[i].word, words[i].n)) {
            in->p += words[i].n;
            if (!fast_ends_token(in)) return NULL;
            return i == 0 ? json_true() : i == 1 ? json_false() : json_null();
        }
    }
    return NULL;
}

/* The object json_loadb(body, len, JSON_REJECT_DUPLICATES) would return, or NULL when this
 * parser leaves the body to jansson. */
static json_t *fast_body(const char *body, size_t len)
{
    if (!body) return NULL;
    fast_in in = {body, body + len};
    fast_ws(&in);
    if (in.p >= in.end || *in.p != '{') return NULL;
    in.p++;
    json_t *o = fast_object(&in);
    if (!o) return NULL;
    fast_ws(&in);
    if (in.p != in.end) { /* trailing bytes: jansson's "end of file expected" */
        json_decref(o);
        return NULL;
    }
    return o;
}

const char *body_parse(json_t **out, const char *body, size_t len, char *msg, size_t msglen)
{
    *out = NULL;
    if (!xg_utf8_valid(body, len)) {
        snprintf(msg, msglen, "the body is not valid UTF-8");
        return "invalid_utf8";
    }
    if (json_depth(body, len) > XG_SERVER_MAX_JSON_DEPTH) {
        snprintf(msg, msglen, "JSON nesting is deeper than %d", XG_SERVER_MAX_JSON_DEPTH);
        return "too_deep";
    }
    json_t *j = fast_body(body, len);
    if (j) {
        *out = j;
        return NULL;
    }
    json_error_t e;
    j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
    if (!j) {
        /* jansson names its own flag here; a client needs the rule, not our build option. */
        const char *text =
            strstr(e.text, "JSON_ALLOW_NUL") ? "\\u0000 is not allowed in strings" : e.text;
        snprintf(msg, msglen, "line %d column %d: %s", e.line, e.column, text);
        return "invalid_json";
    }
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(msg, msglen, "the body must be a JSON object");
        return "invalid_json";
    }
    *out = j;
    return NULL;
}

int req_query(xg_req *r, const char *name, char *out, size_t outlen)
{
    out[0] = '\0';
    if (!r->query) return 0;
    int n = mg_get_var(r->query, strlen(r->query), name, out, outlen);
    if (n == -1) return 0;
    if (n < 0) { /* too long for any valid value: never read as "absent" (no filter) */
        reply_error(r, 400, "field_too_long", name, "query parameter '%s' is longer than %zu bytes",
                    name, outlen - 1);
        return -1;
    }
    return 1;
}

bool req_query_only(xg_req *r, const char *const *known)
{
    for (const char *p = r->query; p && *p;) {
        size_t n = strcspn(p, "=&");
        bool ok = n == 0;
        for (size_t i = 0; !ok && known[i]; i++)
            ok = strlen(known[i]) == n && !strncmp(p, known[i], n);
        if (!ok) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(n < 40 ? n : 40), p);
            for (char *c = name; *c; c++)
                if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f) *c = '?';
            reply_error(r, 400, "unknown_parameter", name, "unknown query parameter '%s'", name);
            return false;
        }
        p += strcspn(p, "&");
        if (*p) p++;
    }
    return true;
}

bool field_string(xg_req *r, const json_t *obj, const char *name, bool required, size_t maxlen,
                  const char **out)
{
    json_t *v = json_object_get(obj, name);
    char full[96];
    snprintf(full, sizeof full, "%s%s", r->field_prefix, name);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (!required) return true;
        reply_error(r, 400, "missing_field", full, "'%s' is required", full);
        return false;
    }
    if (!json_is_string(v)) {
        reply_error(r, 400, "invalid_field", full, "'%s' must be a string", full);
        return false;
    }
    size_t len = json_string_length(v);
    if (len > maxlen) {
        reply_error(r, 400, "field_too_long", full, "'%s' is %zu bytes; the limit is %zu", full,
                    len, maxlen);
        return false;
    }
    if (strlen(json_string_value(v)) != len) {
        reply_error(r, 400, "invalid_field", full, "'%s' holds a NUL character", full);
        return false;
    }
    if (required && len == 0) {
        reply_error(r, 400, "missing_field", full, "'%s' must not be empty", full);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

bool field_number(xg_req *r, const json_t *obj, const char *name, double min, double max,
                  double *out)
{
    json_t *v = json_object_get(obj, name);
    char full[96];
    snprintf(full, sizeof full, "%s%s", r->field_prefix, name);
    if (!v || json_is_null(v)) return true;
    if (!json_is_number(v)) {
        reply_error(r, 400, "invalid_field", full, "'%s' must be a number", full);
        return false;
    }
    double d = json_number_value(v);
    if (!(d >= min && d <= max)) {
        reply_error(r, 400, "invalid_field", full, "'%s' must be between %g and %g", full, min,
                    max);
        return false;
    }
    *out = d;
    return true;
}

bool field_int(xg_req *r, const json_t *obj, const char *name, long min, long max, long *out)
{
    json_t *v = json_object_get(obj, name);
    char full[96];
    snprintf(full, sizeof full, "%s%s", r->field_prefix, name);
    if (!v || json_is_null(v)) return true;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        reply_error(r, 400, "invalid_field", full, "'%s' must be an integer from %ld to %ld", full,
                    min, max);
        return false;
    }
    *out = (long)json_integer_value(v);
    return true;
}

#define MAX_LIST_LIMIT 500

bool req_need_store(xg_req *r)
{
    if (r->srv->store) return true;
    reply_error(r, 503, "unavailable", NULL, "the store is not available");
    return false;
}

/* Ids travel in paths: bound them and keep them printable. */
bool req_valid_id(xg_req *r, const char *id)
{
    size_t n = id ? strlen(id) : 0;
    bool ok = n > 0 && n <= 128;
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)id[i] > 0x20 && id[i] != 0x7f;
    if (!ok) reply_error(r, 404, "not_found", "id", "no such id");
    return ok;
}

/* limit and cursor query parameters shared by the paged lists. */
bool req_paging(xg_req *r, int *limit, char *cursor, size_t cursor_len, bool *has_cursor)
{
    char buf[32];
    *limit = 50;
    int got = req_query(r, "limit", buf, sizeof buf);
    if (got < 0) return false;
    if (got) {
        char *end;
        long v = strtol(buf, &end, 10);
        if (*end || v < 1 || v > MAX_LIST_LIMIT) {
            reply_error(r, 400, "invalid_field", "limit", "'limit' must be 1 to %d",
                        MAX_LIST_LIMIT);
            return false;
        }
        *limit = (int)v;
    }
    if ((got = req_query(r, "cursor", cursor, cursor_len)) < 0) return false;
    *has_cursor = got && cursor[0];
    return true;
}
