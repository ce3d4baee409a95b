/* What every list-loader fuzz target checks: on arbitrary bytes the loader for `format` (NULL:
 * detected from content) returns a set or an error, never crashes, leaks or reads outside the
 * input; a lenient load succeeds whenever the strict one does, with the same records; every record
 * has an id and a name. Each fuzz_lists_<format>.c names its format and calls this. */
#ifndef XG_FUZZ_LISTS_H
#define XG_FUZZ_LISTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lists/lists_internal.h"
#include "xgate/lists.h"

static int fuzz_list_loader(const char *format, const uint8_t *data, size_t size)
{
    xg_listset *strict = NULL, *lenient = NULL;
    int rc = lst_load_buffer(&strict, "fuzz", format, (const char *)data, size, 0);
    int lrc = lst_load_buffer(&lenient, "fuzz", format, (const char *)data, size, XG_LOAD_LENIENT);
    if (rc == 0 && (lrc != 0 || lenient->nrecords != strict->nrecords || lenient->nskipped))
        abort();
    for (size_t i = 0; strict && i < strict->nrecords; i++)
        if (!strict->records[i].id || !strict->records[i].name) abort();
    xg_listset_free(strict);
    xg_listset_free(lenient);
    return 0;
}

#endif
