/* Fuzz target: the compiled snapshot file parser (xg_snapfile_parse). Whatever the bytes, the
 * parser must never read outside the buffer, and when it accepts a file every reference in it must
 * resolve inside: strings end within the string section, tokens, bigrams and index postings are
 * in range, and the indexes can be queried; the list set's sections (format 2: records, their
 * string lists and identifiers, files, sources, skipped rows) are walked the same way. When the low
 * bit of the header's build id (which the parser does not read) is set, the checksum trailer is
 * fixed up before parsing, so that mutations reach the checks behind it; otherwise the checksum
 * itself is tested. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "match/snapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t *buf = malloc(size / 8 * 8 + 8); /* the parser wants 8-byte alignment */
    if (!buf) return 0;
    memcpy(buf, data, size);
    const xg_snapfile_hdr *h = (const xg_snapfile_hdr *)buf;
    if (size >= sizeof *h + 16 && (h->build[0] & 1) && h->body_len == size - sizeof *h - 16) {
        XXH128_canonical_t sum;
        XXH128_canonicalFromHash(&sum, XXH3_128bits((char *)buf + sizeof *h, h->body_len));
        memcpy((char *)buf + size - 16, sum.digest, 16);
    }
    xg_snapfile f;
    const char *problem = NULL;
    if (xg_snapfile_parse(&f, buf, size, &problem)) {
        if (!problem) abort();
        free(buf);
        return 0;
    }
    size_t sum = 0;
    for (size_t i = 0; i < f.nnames; i++) {
        const xg_snapfile_name *n = &f.names[i];
        const char *s[] = {xg_snapfile_str(&f, n->original), xg_snapfile_str(&f, n->folded),
                           xg_snapfile_str(&f, n->latin), xg_snapfile_str(&f, n->han)};
        for (size_t k = 0; k < 4; k++)
            if (s[k]) sum += strlen(s[k]);
        for (size_t t = n->tok; t < n->tok + n->ntok; t++) {
            const xg_snapfile_tok *k = &f.toks[t];
            sum += strlen(xg_snapfile_str(&f, k->text)) + f.toklen[t] + f.tokid[t];
            if (k->symbol) sum += strlen(xg_snapfile_str(&f, k->symbol));
            if (k->alt) sum += strlen(xg_snapfile_str(&f, k->alt));
            if (f.tokid[t] >= f.ntoks) abort();
        }
        for (size_t b = n->big; b < n->big + n->nbig; b++)
            sum += f.big[b];
        if (n->form > i) abort();
    }
    const xg_index *idx[] = {&f.names_idx, &f.ids_idx};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < idx[k]->nkeys; i++) {
            const uint32_t *ids;
            size_t n = xg_index_get(idx[k], idx[k]->keys[i], &ids);
            for (size_t j = 0; j < n; j++)
                sum += ids[j];
        }
    for (size_t i = 0; i < f.nrecs; i++) {
        const xg_snapfile_rec *r = &f.recs[i];
        const uint32_t s1[] = {r->id,       r->source, r->source_code, r->name, r->start_date,
                               r->end_date, r->parent, r->remarks,     r->file};
        for (size_t k = 0; k < sizeof s1 / sizeof *s1; k++)
            if (s1[k]) sum += strlen(xg_snapfile_str(&f, s1[k]));
        if (!r->id || !r->name || r->type > 4) abort();
        const uint32_t lists[][2] = {{r->aliases, r->naliases},
                                     {r->countries, r->ncountries},
                                     {r->addresses, r->naddresses},
                                     {r->programs, r->nprograms}};
        for (size_t k = 0; k < 4; k++)
            for (uint32_t j = 0; j < lists[k][1]; j++) {
                uint32_t ref = f.refs[lists[k][0] + j];
                if (!ref) abort();
                sum += strlen(xg_snapfile_str(&f, ref));
            }
        for (uint32_t j = r->ids; j < r->ids + r->nids; j++) {
            const xg_snapfile_ident *d = &f.idents[j];
            if (d->scheme) sum += strlen(xg_snapfile_str(&f, d->scheme));
            if (d->value) sum += strlen(xg_snapfile_str(&f, d->value));
            if (d->country) sum += strlen(xg_snapfile_str(&f, d->country));
        }
    }
    for (size_t i = 0; i < f.nfiles; i++)
        sum += strlen(xg_snapfile_str(&f, f.files[i].path)) +
               strlen(xg_snapfile_str(&f, f.files[i].format)) + strlen(f.files[i].sha256) +
               (f.files[i].note ? strlen(xg_snapfile_str(&f, f.files[i].note)) : 0);
    for (size_t i = 0; i < f.nsources; i++)
        sum += strlen(xg_snapfile_str(&f, f.sources[i].source));
    for (size_t i = 0; i < f.nskipped; i++)
        if (f.skipped[i].problem) sum += strlen(xg_snapfile_str(&f, f.skipped[i].problem));
    sum += strlen(f.hdr->hash);
    volatile size_t sink = sum;
    (void)sink;
    free(buf);
    return 0;
}
