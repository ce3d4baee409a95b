/*
 * scan_net.h — the parts of `xgate scan` beyond one run's findings: the intermediary network
 * printed and exported (--network, --graph) and incremental runs over a growing folder kept in
 * the store (--state).
 */
#ifndef XG_SCAN_NET_H
#define XG_SCAN_NET_H

#include <jansson.h>

#include "xgate/scan.h"

/* The network's claims for a person: intermediaries ranked, repeat buyers, with their documents.
 * Prints nothing when there is no claim worth reading (no intermediary of a listed or flagged
 * buyer, no repeat buyer). */
void scan_print_network(const json_t *net);

/* Write the network as GraphML to `path`; 0 or -1 (errno left for the message). */
int scan_write_graph(const char *path, const json_t *net);

/* ---- incremental runs (--state DB; src/cli/scan_incremental.c) ---- */

typedef struct scan_state scan_state;

/* Open the state store (`url` "sqlite:PATH" or a bare path) and read what earlier runs kept.
 * Prints the failure and returns an exit code, or 0 with *out set. */
int scan_state_open(scan_state **out, const char *url);

/* Which of `paths` (borrowed; they must outlive the state) need reading: new files, and files
 * whose size or modification time changed and whose content hash differs. *toread gets a new
 * array of borrowed pointers (free() it). Files that cannot be stat'ed or read are to be read, so
 * that the scan reports them. 0 or -1 (out of memory). */
int scan_state_plan(scan_state *st, char *const *paths, size_t n, const char ***toread,
                    size_t *ntoread);

/* The run's documents in `paths` order: the results of the files read this run (`read_docs`)
 * and the stored results of the files not read. New array. */
json_t *scan_state_merge(scan_state *st, const json_t *read_docs);

/* Record the run (files, documents, findings and `net`) in one transaction and say what is new
 * since the last run in *news: {"previous_run": {"id","started"}|null, "run", "files": {"new",
 * "changed","removed","unchanged","touched"}, "documents_read", "new_findings", "new_nodes",
 * "new_edges"}; `findings` from xg_scan_findings_of (NULL: made here). Prints the failure and
 * returns an exit code, or 0. */
int scan_state_commit(scan_state *st, const json_t *docs, const json_t *findings, const json_t *net,
                      json_t **news);

/* What is new, for a person. */
void scan_state_print(const json_t *news);

void scan_state_free(scan_state *st);

#endif
