/*
 * xgate/feeds.h — keeping restricted-party lists current: the feeds a list comes from, fetching a
 * new version, and which versions are in force.
 *
 * A source is a name, a format and the URLs of one file set (OFAC's SDN files are three). An
 * update downloads the set (libcurl: TLS verified, connect and total time-outs, a size cap,
 * redirects followed, If-None-Match / If-Modified-Since from the version in force), and the set
 * becomes a version only after it loads with its list loader and passes the sanity checks: no file
 * empty, truncated, an HTML page or of another format than the source names, and no more than
 * XG_FEED_MAX_SHRINK fewer entries than the version in force (opt->force waives only that). A
 * version's files are kept content-addressed under <state_dir>/lists/<source>/<sha256>/, written
 * to a temporary directory first and renamed into place, so an interrupted update never leaves a
 * half version; its row in the store (xgate/store.h, list versions) is written after the rename,
 * and puts it in force. A refused download leaves the version in force as it was and is recorded
 * as a "refused" row with its reason. The library never prints: progress goes to a callback.
 */
#ifndef XGATE_FEEDS_H
#define XGATE_FEEDS_H

#include <stddef.h>

#include "xgate/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

/* A new version with more than this fraction fewer entries than the one in force is refused. */
#define XG_FEED_MAX_SHRINK 0.20

typedef struct xg_feed_source {
    char name[48];   /* [a-z0-9_-], e.g. "ofac_sdn" */
    char format[16]; /* "ofac_sdn", "ofac_cons", "csl", "un_xml", "sdn_xml" or "auto" */
    char **urls;     /* heap */
    size_t nurls;
    int enabled;
} xg_feed_source;

/* Read a sources file (TSV: name, format, comma-separated URLs, enabled; '#' comments). NULL path:
 * the bundled data/lists/sources.tsv. *out is a heap array of *n sources (xg_feed_sources_free). */
int xg_feed_sources_read(xg_feed_source **out, size_t *n, const char *path);
/* Parse "NAME=URL[,URL…]" (format "auto": recognised from the content). */
int xg_feed_source_parse(xg_feed_source *out, const char *spec);
void xg_feed_source_clear(xg_feed_source *src);
void xg_feed_sources_free(xg_feed_source *v, size_t n);

/* Progress of one download: file index (0-based) of nfiles, bytes so far, bytes expected (0 when
 * the server did not say). */
typedef void (*xg_feed_progress_fn)(void *ud, const char *source, size_t file, size_t nfiles,
                                    long long done, long long total);

typedef struct xg_feed_options {
    const char *state_dir;   /* versions go under <state_dir>/lists/; required */
    long connect_timeout_ms; /* default 15 s */
    long timeout_ms;         /* whole transfer of one file; default 300 s */
    long long max_bytes;     /* per file; default 512 MiB */
    int force;               /* accept a version that shrank by more than XG_FEED_MAX_SHRINK */
    xg_feed_progress_fn progress;
    void *progress_ud;
    /* When non-NULL and *cancel becomes non-zero, a transfer in progress stops and the update
     * returns XG_EIO ("cancelled") without recording a refusal: a server shutting down. */
    const volatile int *cancel;
} xg_feed_options;

void xg_feed_options_init(xg_feed_options *o);

typedef struct xg_feed_result {
    char status[16];        /* "new", "unchanged" or "refused" */
    char version[80];       /* the version in force after the update ("" when none) */
    char refused_id[80];    /* the row recording a refusal */
    char reason[512];       /* one line: why refused, or why unchanged ("304 Not Modified") */
    char sha256[65];        /* of the file set fetched (new/unchanged) */
    char publish_date[11];  /* YYYY-MM-DD when the file carries one */
    long long entries;      /* of the version in force after the update, -1 when none */
    long long new_entries;  /* of the download (refused ones too), -1 when it did not load */
    long long prev_entries; /* of the version in force before, -1 when none */
} xg_feed_result;

/* Fetch one source and make it a version when it passes (see above). Returns 0 whatever the
 * outcome (out->status says it), or an error when the update could not run at all (store, state
 * directory, out of memory); the version in force is untouched then too. */
int xg_feed_update(xg_feed_result *out, xg_store *s, const xg_feed_source *src,
                   const xg_feed_options *opt);

/* The loadable paths of a version directory (an OFAC file-set directory, or each list file in
 * it), heap array of heap strings, NULL-terminated; free with xg_feed_paths_free. */
int xg_feed_version_paths(char ***out, size_t *n, const char *version_dir);
/* The paths of every version in force in the store, one source after another; *n == 0 when no
 * version was ever fetched (then load the bundled defaults, xg_lists_default_paths). */
int xg_feed_paths_in_force(char ***out, size_t *n, xg_store *s);
void xg_feed_paths_free(char **paths);

/* The directory of a stored version: `ref` is a version id, "current" (in force) or "previous"
 * (the accepted version before the one in force) of `source`; source NULL means the only source
 * with accepted versions (XG_EINVAL when there are several). *dir_out is a heap string;
 * XG_ENOTFOUND when there is no such version. */
int xg_feed_version_dir(char **dir_out, xg_store *s, const char *ref, const char *source);

/* A diff as JSON: {"added": [{"id","name","source"}], "removed": [...], "changed": [{"id","name",
 * "source","fields": ["aliases", …],"old_name"?}], "counts": {"added","removed","changed",
 * "unchanged"}}. New reference. */
struct xg_lists_diff_result;
json_t *xg_feed_diff_json(const struct xg_lists_diff_result *d);

/* ---- which lists a command loads (screen, decide, monitor run, serve) ---- */

/* The list files to load and where they came from. Load them with
 * xg_snapshot_load(&snap, l.paths, l.npaths, …): paths NULL and npaths 0 mean the bundled
 * defaults. */
typedef struct xg_feed_lists {
    char **paths; /* NULL-terminated heap array (xg_feed_paths_free), or NULL: bundled */
    size_t npaths;
    char origin[16];  /* "files" (given by the caller), "store" (versions in force) or "bundled" */
    json_t *versions; /* the stored versions loaded, by source: {"ofac_sdn": {"id","sha256",
                         "fetched_at","path","publish_date"?,"entries"?}}; {} when none */
    json_t *skipped;  /* versions in force left out because their files are not loadable:
                         [{"source","id","path","reason"}]; [] when none */
} xg_feed_lists;

/* The one rule for which lists to load (the CLI and the server): `files` when any are given
 * (explicit files win outright); else the versions in force in store `s` (NULL: none), each
 * replacing the bundled files of its feed (data/lists/bundled.tsv), with the bundled files of
 * feeds never fetched kept beside them; else the bundled lists. A version in force whose files
 * are gone is not an error: it is left out, named in l->skipped, and the bundled files of its
 * feed stand in (origin "bundled" when no version is left). Free with xg_feed_lists_free. */
int xg_feed_lists_choose(xg_feed_lists *out, xg_store *s, const char *const *files, size_t nfiles);
/* The lists of exactly these stored versions ({"<source>": {"id", "sha256"?}}, as a decision
 * records them in versions.list_versions), plus the bundled files of the other feeds; an empty
 * or non-object `versions`: the bundled lists. A version the store does not hold, or whose files
 * are gone, is XG_ENOTFOUND naming it (a different sha256 is XG_EINVAL). */
int xg_feed_lists_of_versions(xg_feed_lists *out, xg_store *s, const json_t *versions);
/* The lists a stored decision used (its versions.list_versions), for a replay; a decision that
 * names no stored versions (bundled lists or files) gets xg_feed_lists_choose(s, none). The
 * error names the decision and the missing version. */
int xg_feed_lists_for_decision(xg_feed_lists *out, xg_store *s, const char *decision_id);
void xg_feed_lists_free(xg_feed_lists *l);
/* The versions as a decision, an alert or a report names them: {"<source>": {"id", "sha256",
 * "publish_date"?}} ({} when the lists are bundled or files). New reference. */
json_t *xg_feed_lists_named(const xg_feed_lists *l);

/* How old each list in force is, as of `today` (YYYY-MM-DD; NULL: today): one object per stored
 * version in force and per bundled file still loaded, [{"source","origin":"store"|"bundled",
 * "version"?,"path"?,"publish_date","fetched_at"?,"age_days" (null when unknown),"age_from":
 * "publish_date"|"publish_month"|"fetched_at"|null,"warn_after_days","stale"}]. The age counts
 * from the publish date when known, else from the fetch; warn_after_days comes from
 * data/lists/freshness.tsv. `s` NULL: the bundled lists only. *out is a new array. */
int xg_feed_ages(json_t **out, xg_store *s, const char *today);
/* Days from date `from` to date `to` ("YYYY-MM-DD…" or "YYYY-MM"), -1 when one is not a date. */
long xg_feed_days_between(const char *from, const char *to);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
