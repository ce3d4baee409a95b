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

#endif
