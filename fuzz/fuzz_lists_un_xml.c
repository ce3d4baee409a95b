/* Fuzz target: the un_xml list loader on arbitrary bytes, strict and lenient. It
 * must return a set or an error, never crash, leak or read outside the input; a lenient load must
 * succeed whenever the strict one does, with the same records. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lists/lists_internal.h"
#include "xgate/lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xg_listset *strict = NULL, *lenient = NULL;
    int rc = lst_load_buffer(&strict, "fuzz", "un_xml", (const char *)data, size, 0);
    int lrc =
        lst_load_buffer(&lenient, "fuzz", "un_xml", (const char *)data, size, XG_LOAD_LENIENT);
    if (rc == 0 && (lrc != 0 || lenient->nrecords != strict->nrecords || lenient->nskipped))
        abort();
    for (size_t i = 0; strict && i < strict->nrecords; i++)
        if (!strict->records[i].id || !strict->records[i].name) abort();
    xg_listset_free(strict);
    xg_listset_free(lenient);
    return 0;
}
