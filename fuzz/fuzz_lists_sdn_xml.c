/* Fuzz target: the OFAC SDN.XML loader on arbitrary bytes, strict and lenient (checks in
 * fuzz_lists.h). */
#include "fuzz_lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_list_loader("sdn_xml", data, size);
}
