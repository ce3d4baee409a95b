/* Fuzz target: the CSL JSON loader (consolidated.json) on arbitrary bytes, strict and lenient
 * (checks in fuzz_lists.h). */
#include "fuzz_lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_list_loader("csl_json", data, size);
}
