/* Fuzz target: the OFAC non-SDN loader (cons_prim.csv, cons_alt.csv, cons_add.csv concatenated,
 * each ending with 0x1A) on arbitrary bytes, strict and lenient (checks in fuzz_lists.h). */
#include "fuzz_lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_list_loader("ofac_cons_triple", data, size);
}
