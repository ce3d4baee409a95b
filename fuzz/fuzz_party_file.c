/* Fuzz target: the monitor's compiled party file loader (pf_check). Whatever the bytes, the
 * loader must never read outside the buffer, and when it accepts a file every reference a run
 * follows must resolve inside: party strings and lists, name ordinals and their strings, and the
 * key postings. The expected generation and analysis key are taken from the input's own header
 * (so mutations get past them); when the low bit of the analysis key is set, the checksum is fixed
 * up before checking, so that mutations reach the bounds checks behind it; otherwise the checksum
 * itself is tested. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "monitor/partyfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t *buf = malloc(size / 8 * 8 + 8); /* sections are read as 8-byte aligned */
    if (!buf) return 0;
    memcpy(buf, data, size);
    char token[33] = "";
    int64_t counter = 0;
    uint8_t key[16] = {0};
    if (size >= sizeof(pf_header)) {
        pf_header *h = (pf_header *)buf;
        memcpy(token, h->token, 32);
        counter = h->counter;
        memcpy(key, h->analysis_key, 16);
        if (key[0] & 1) h->checksum = XXH3_64bits((char *)buf + sizeof *h, size - sizeof *h);
    }
    pf_file f;
    const char *why = pf_check(&f, buf, size, token, counter, key);
    if (why) {
        free(buf);
        return 0;
    }
    size_t sum = 0;
    for (size_t i = 0; i < f.h.nparties; i++) {
        const pf_party *p = &f.parties[i];
        sum += strlen(f.str + p->key) + strlen(f.str + p->name) + strlen(f.str + p->fp);
        uint32_t r = p->refs_at;
        for (int l = 0; l < PF_LISTS; l++)
            for (uint32_t k = 0; k < p->n[l]; k++)
                sum += strlen(f.str + f.refs[r++]);
    }
    for (size_t i = 0; i < f.h.nnames; i++) {
        if (f.name_party[i] >= f.h.nparties) abort();
        sum += strlen(f.str + f.name_raw[i]);
    }
    for (size_t i = 0; i < f.h.nkeys; i++)
        for (uint32_t j = f.off[i]; j < f.off[i + 1]; j++) {
            if (f.post[j] >= f.h.nnames) abort();
            sum += f.post[j];
        }
    volatile size_t sink = sum;
    (void)sink;
    free(buf);
    return 0;
}
