/* Fuzz target: the intermediary network (link, xg_scan_network, GraphML) over arbitrary JSON
 * arrays of document results — what a library user or a damaged --state store may hand it. Only
 * objects with a string "document" are kept, as the documented result shape requires. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "xgate/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *in = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!in) return 0;
    json_t *docs = json_array();
    size_t i;
    json_t *d;
    if (json_is_array(in))
        json_array_foreach(in, i, d) if (json_is_object(d) &&
                                         json_is_string(json_object_get(d, "document")))
            json_array_append(docs, d);
    xg_scan_link(docs);
    json_t *net = NULL;
    if (xg_scan_network(&net, docs, NULL) == 0) {
        char *xml = NULL;
        if (xg_scan_network_graphml(&xml, net) == 0) free(xml);
        json_decref(net);
    }
    json_decref(docs);
    json_decref(in);
    return 0;
}
