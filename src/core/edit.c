/*
 * edit.c — the one Levenshtein distance of the library, over arrays of code units. The scorer's
 * kernels (match) call it on code points, the catalog's "did you mean" (classify) on bytes.
 */
#include "core/core.h"

size_t xg_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (!na) return nb;
    if (!nb) return na;
    size_t row[XG_EDIT_MAX + 1];
    if (nb > XG_EDIT_MAX) nb = XG_EDIT_MAX;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}
