/*
 * cmd_decide.c — `xgate decide`: decide access requests and replay stored decisions.
 *
 *   xgate decide [--db URL] [--list PATH …] [--policy NAME] [--as-of DATE] [--json] [--dry-run]
 *                REQUEST.json|-
 *   xgate decide --jsonl [options] REQUESTS.jsonl|-     one request per line, one answer per line
 *   xgate decide --replay DECISION_ID [--current-store] [--db URL] [--list PATH …] [--json]
 *
 * The exit code says whether a decision was made, never what it was (0 for DENY too); a request
 * that cannot be decided (malformed, unknown item, country or profile) names the field and exits 1.
 * In --jsonl mode each answer is printed and flushed only after its decision has committed, so
 * every id a caller has seen is durable even if the process is killed the next instant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/core.h"
#include "xgate/decide.h"
#include "xgate/error.h"
#include "xgate/feeds.h"

#define MAX_LISTS 32

typedef struct opts {
    const char *db, *policy, *as_of, *replay, *input;
    const char *lists[MAX_LISTS];
    size_t nlists;
    int json, jsonl, dry_run, current_store, current_lists;
} opts;

static const cli_opt decide_opts[] = {
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"},
    {"list", 'l', 0, "PATH",
     "screen against these list files (repeatable; default: the list versions in force in the "
     "store, else the bundled lists; a replay: the versions the decision used)"},
    {"policy", 'p', 0, "NAME",
     "the policy profile: ear, remote-access or provider (default); a request's own \"policy\" "
     "overrides it"},
    {"as-of", 'a', 0, "YYYY-MM-DD",
     "decide as of this date (default today); a request's own \"as_of\" overrides it"},
    {"json", 'j', 0, NULL, "print the decision as JSON"},
    {"jsonl", 'J', 0, NULL,
     "read one request per line and print one answer per line, each after its decision has "
     "committed"},
    {"dry-run", 'n', 0, NULL, "decide without recording the decision"},
    {"replay", 'r', 0, "DECISION_ID",
     "decide a stored decision again and say whether its outcome holds"},
    {"current-store", 'C', 0, NULL,
     "with --replay: gather the facts from the store as it is now (default: the facts stored "
     "with the decision), naming each fact that differs"},
    {"current-lists", 'L', 0, NULL,
     "with --replay: screen against the lists in force now (default: the list versions the "
     "decision used, loaded from the content-addressed store)"},
    {0}};

static const char *const decide_usage[] = {
    "[options] REQUEST.json|-", "--jsonl [options] REQUESTS.jsonl|-",
    "--replay DECISION_ID [--current-store] [--current-lists] [--db URL] [--list PATH]... [--json]",
    NULL};

const cli_spec cli_spec_decide = {
    .name = "decide",
    .summary = "Decide an access request: ALLOW, REVIEW, LICENSE_REQUIRED or DENY, with cited "
               "reasons, recorded in the audit chain.",
    .usage = decide_usage,
    .description =
        "A request is a JSON object (a file, or - for stdin). Profiles: ear, remote-access, "
        "provider (default). The request's own \"policy\" and \"as_of\" override --policy and "
        "--as-of.\n\n"
        "Exit 0 whatever the outcome (DENY too); 1 for a request that cannot be decided "
        "(malformed, unknown item, country or profile: the message names the field). A replay "
        "decides over the facts stored with the decision; --current-store gathers them from the "
        "store again and names each fact that differs (docs/decide-facts.md).",
    .opts = decide_opts,
};

static int parse_args(opts *o, int argc, char **argv)
{
    cli_parser p;
    int c;
    cli_parser_init(&p, &cli_spec_decide, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        switch (c) {
        case 'd':
            o->db = p.arg;
            break;
        case 'l':
            if (o->nlists == MAX_LISTS)
                return cli_fail(XG_EXIT_USAGE, "decide", 0, "at most %d --list", MAX_LISTS);
            o->lists[o->nlists++] = p.arg;
            break;
        case 'p':
            o->policy = p.arg;
            break;
        case 'a':
            o->as_of = p.arg;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'J':
            o->jsonl = 1;
            break;
        case 'n':
            o->dry_run = 1;
            break;
        case 'r':
            o->replay = p.arg;
            break;
        case 'C':
            o->current_store = 1;
            break;
        case 'L':
            o->current_lists = 1;
            break;
        default:
            return c == CLI_HELP ? -100 : XG_EXIT_USAGE;
        }
    }
    if (o->as_of && !xg_date_valid(o->as_of))
        return cli_fail(XG_EXIT_USAGE, "decide", 0, "--as-of '%s' is not a date (YYYY-MM-DD)",
                        o->as_of);
    if (o->current_store && !o->replay)
        return cli_fail(XG_EXIT_USAGE, "decide", 0, "--current-store goes with --replay");
    if (o->current_lists && !o->replay)
        return cli_fail(XG_EXIT_USAGE, "decide", 0, "--current-lists goes with --replay");
    if (!o->replay) {
        if (p.noperands != 1) {
            cli_usage(&cli_spec_decide, stderr);
            return cli_fail(XG_EXIT_USAGE, "decide", 0, "give one request file (or - for stdin)");
        }
        o->input = cli_operands(&p)[0];
    } else if (p.noperands) {
        cli_usage(&cli_spec_decide, stderr);
        return cli_fail(XG_EXIT_USAGE, "decide", 0, "--replay takes no request file");
    }
    return 0;
}

typedef struct world {
    xg_text_ctx *text;
    xg_snapshot *snap;
    xg_catalog *catalog;
    xg_policy_set *policies;
    xg_store *store;
    xg_store *lists_store; /* a dry run's store, read for the lists in force only */
    xg_feed_lists lists;
    json_t *named; /* the list versions as decisions name them */
} world;

static void world_free(world *w)
{
    xg_store_close(w->store);
    xg_store_close(w->lists_store);
    xg_feed_lists_free(&w->lists);
    json_decref(w->named);
    xg_policy_free(w->policies);
    if (w->catalog) xg_catalog_free(w->catalog);
    if (w->snap) xg_snapshot_unref(w->snap);
    if (w->text) xg_text_ctx_free(w->text);
}

static int world_load(world *w, const opts *o)
{
    if (xg_policy_load(&w->policies, NULL))
        return cli_fail(XG_EXIT_ERROR, "decide", 1, "cannot load the policy data");
    if (o->policy && !xg_policy_has_profile(w->policies, o->policy))
        return cli_fail(XG_EXIT_INPUT, "decide", 0,
                        "--policy: unknown profile '%s' (ear, remote-access, provider)", o->policy);
    if (xg_text_ctx_load(&w->text, NULL))
        return cli_fail(XG_EXIT_ERROR, "decide", 1, "cannot load name data");
    int rc = XG_EXIT_OK;
    if (o->replay)
        rc = store_cli_open_existing(&w->store, "decide", o->db);
    else if (!o->dry_run)
        rc = store_cli_open(&w->store, "decide", o->db);
    else if (o->db || getenv("XGATE_DB")) /* a dry run reads the lists in force, records nothing */
        rc = store_cli_open_existing(&w->lists_store, "decide", o->db);
    if (rc) return rc;
    xg_store *ls = w->store ? w->store : w->lists_store;
    /* --list files win; a replay loads the versions its decision used; else the versions in
     * force in the store, else the bundled lists */
    if (o->replay && !o->nlists && !o->current_lists)
        rc = xg_feed_lists_for_decision(&w->lists, ls, o->replay);
    else
        rc = xg_feed_lists_choose(&w->lists, ls, o->lists, o->nlists);
    if (rc) return cli_fail(XG_EXIT_INPUT, "decide", 1, "cannot choose the lists");
    if (!(w->named = xg_feed_lists_named(&w->lists)))
        return cli_fail(XG_EXIT_ERROR, "decide", 0, "out of memory");
    if (xg_snapshot_load(&w->snap, (const char *const *)w->lists.paths, w->lists.npaths, 0,
                         w->text))
        return cli_fail(XG_EXIT_INPUT, "decide", 1, "cannot load lists");
    if (xg_catalog_load(&w->catalog, NULL))
        return cli_fail(XG_EXIT_ERROR, "decide", 1, "cannot load the catalog");
    return XG_EXIT_OK;
}

static void print_human(const json_t *r)
{
    const json_t *v = json_object_get(r, "versions");
    const json_t *id = json_object_get(r, "decision_id");
    printf("decision %s: %s  (policy %s, as of %s)\n",
           json_is_string(id) ? json_string_value(id) : "(dry run, not recorded)",
           json_string_value(json_object_get(r, "decision")),
           json_string_value(json_object_get(v, "policy")),
           json_string_value(json_object_get(v, "as_of")));
    const json_t *lv = json_object_get(v, "list_versions");
    if (json_object_size(lv)) {
        printf("  lists: versions in force");
        const char *src;
        json_t *x;
        json_object_foreach((json_t *)lv, src, x)
            printf(" %s", json_string_value(json_object_get(x, "id")));
        printf("\n");
    }
    const json_t *res = json_object_get(r, "resource");
    const json_t *cls = json_object_get(r, "classification");
    const char *eccn = json_string_value(json_object_get(cls, "eccn"));
    printf("  resource %s → %s (%s, %s; %s)", json_string_value(json_object_get(res, "item")),
           json_string_value(json_object_get(res, "canonical")),
           json_string_value(json_object_get(res, "kind")),
           json_string_value(json_object_get(res, "delivery")), eccn ? eccn : "not 3A090/4A090");
    if (json_is_number(json_object_get(res, "count")))
        printf("  count %.0f", json_number_value(json_object_get(res, "count")));
    if (json_is_number(json_object_get(res, "tokens")))
        printf("  tokens %.0f", json_number_value(json_object_get(res, "tokens")));
    printf("\n");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "reasons"), i, x)
        printf("  %-16s %-20s %s\n    [%s]\n", json_string_value(json_object_get(x, "outcome")),
               json_string_value(json_object_get(x, "rule")),
               json_string_value(json_object_get(x, "detail")),
               json_string_value(json_object_get(x, "citation")));
    json_array_foreach(json_object_get(r, "parties"), i, x)
    {
        printf("  party %-15s %s", json_string_value(json_object_get(x, "role")),
               json_string_value(json_object_get(x, "name")));
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(x, "screening"), k, m)
            printf("  [%s %.2f %s]", json_string_value(json_object_get(m, "list")),
                   json_number_value(json_object_get(m, "score")),
                   json_string_value(json_object_get(m, "name")));
        printf("\n");
        json_array_foreach(json_object_get(x, "cleared"), k, m)
        {
            const json_t *c = json_object_get(m, "clearance");
            printf("    cleared: %s %.2f %s — by %s at %s: %s\n",
                   json_string_value(json_object_get(m, "list")),
                   json_number_value(json_object_get(m, "score")),
                   json_string_value(json_object_get(m, "name")),
                   json_string_value(json_object_get(c, "by")),
                   json_string_value(json_object_get(c, "at")),
                   json_string_value(json_object_get(c, "reason")));
        }
    }
    const json_t *a = json_object_get(r, "audit");
    if (a)
        printf("  audit seq %lld hash %s\n",
               (long long)json_integer_value(json_object_get(a, "seq")),
               json_string_value(json_object_get(a, "hash")));
}

/* In --jsonl mode a line that cannot be decided still gets its answer line, {"line", "error"},
 * so answers stay one per request line and a caller can pair them by position. */
static void jsonl_error(long line, const char *msg)
{
    json_t *e = json_pack("{s:I,s:s}", "line", (json_int_t)line, "error", msg ? msg : "");
    store_cli_print(e, 0);
    json_decref(e);
}

static int decide_one(const xg_decide_ctx *ctx, const json_t *req, const opts *o, const char *where,
                      long line)
{
    json_t *resp;
    if (xg_decide(&resp, ctx, req)) {
        if (o->jsonl) jsonl_error(line, xg_error_message());
        fflush(stdout);
        return cli_fail(XG_EXIT_INPUT, "decide", 1, "%s", where);
    }
    if (o->json || o->jsonl)
        store_cli_print(resp, !o->jsonl);
    else
        print_human(resp);
    fflush(stdout);
    json_decref(resp);
    return XG_EXIT_OK;
}

static int run_jsonl(const xg_decide_ctx *ctx, const opts *o)
{
    FILE *f = strcmp(o->input, "-") ? fopen(o->input, "r") : stdin;
    if (!f) return cli_fail(XG_EXIT_INPUT, "decide", 0, "cannot open %s", o->input);
    char *line = NULL;
    size_t cap = 0;
    long n = 0;
    int rc = XG_EXIT_OK;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        n++;
        if (len == 1 && line[0] == '\n') continue;
        char where[64];
        snprintf(where, sizeof where, "%s:%ld", o->input, n);
        json_error_t err;
        json_t *req = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &err);
        if (!req) {
            char msg[256];
            snprintf(msg, sizeof msg, "malformed JSON: %s", err.text);
            jsonl_error(n, msg);
            rc = cli_fail(XG_EXIT_INPUT, "decide", 0, "%s: %s", where, msg);
            continue;
        }
        if (decide_one(ctx, req, o, where, n)) rc = XG_EXIT_INPUT;
        json_decref(req);
    }
    free(line);
    if (f != stdin) fclose(f);
    return rc;
}

static int replay(const xg_decide_ctx *ctx, const opts *o)
{
    json_t *out;
    if (xg_decide_replay_with(&out, ctx, o->replay,
                              o->current_store ? XG_REPLAY_CURRENT_STORE : XG_REPLAY_STORED_FACTS))
        return cli_fail(XG_EXIT_INPUT, "decide", 1, "cannot replay %s", o->replay);
    if (o->json) {
        store_cli_print(out, 1);
    } else {
        const json_t *a = json_object_get(json_object_get(out, "original"), "decision");
        const json_t *b = json_object_get(json_object_get(out, "replayed"), "decision");
        printf("decision %s: originally %s, now %s — %s\n", o->replay, json_string_value(a),
               json_string_value(b),
               json_is_true(json_object_get(out, "holds")) ? "the outcome holds"
                                                           : "the outcome CHANGED");
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(out, "versions_differ"), i, v)
            printf("  %s differs\n", json_string_value(v));
        bool stored = !strcmp(json_string_value(json_object_get(out, "facts_used")), "stored");
        printf("  decided over %s\n",
               stored ? "the facts stored with the decision" : "the facts in the current store");
        json_array_foreach(json_object_get(out, "facts_differ"), i, v)
            printf("  %s %s\n",
                   stored ? "changed in the store since:" : "fact differs:", json_string_value(v));
        const json_t *note = json_object_get(out, "note");
        if (note) printf("  note: %s\n", json_string_value(note));
    }
    json_decref(out);
    return XG_EXIT_OK;
}

int cmd_decide(int argc, char **argv)
{
    opts o = {0};
    int rc = parse_args(&o, argc, argv);
    if (rc) return rc < 0 ? -(rc + 100) : rc;
    world w = {0};
    json_t *req = NULL;
    if (!o.replay && !o.jsonl && (rc = store_cli_read_json(&req, "decide", o.input))) return rc;
    if ((rc = world_load(&w, &o))) {
        json_decref(req);
        world_free(&w);
        return rc;
    }
    xg_decide_ctx ctx = {.snapshot = w.snap,
                         .catalog = w.catalog,
                         .policies = w.policies,
                         .store = w.store,
                         .default_policy = o.policy,
                         .default_as_of = o.as_of,
                         .list_versions = w.named,
                         .list_origin = w.lists.origin};
    if (o.replay)
        rc = replay(&ctx, &o);
    else if (o.jsonl)
        rc = run_jsonl(&ctx, &o);
    else
        rc = decide_one(&ctx, req, &o, o.input, 0);
    json_decref(req);
    world_free(&w);
    return rc;
}
