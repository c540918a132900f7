/*
 * ranges.h - a small sorted list of filled byte ranges, for the reassembly
 * of a message or stream from pieces that may arrive reordered, overlapping
 * or repeated (DTLS handshake fragments, TCP segments, QUIC CRYPTO frames).
 *
 * A list is a caller-owned array r[max][2] and a count n. Each entry is a
 * half-open range [r[i][0], r[i][1]). Invariant, kept by ranges_add when
 * it holds on entry (an empty list satisfies it): the entries are sorted,
 * and between two consecutive entries lies a gap of at least one byte
 * (r[i][1] < r[i + 1][0]): overlapping or touching ranges are always
 * joined into one. So "bytes [0, x) are all here" is the single test
 * n >= 1 && r[0][0] == 0 && r[0][1] >= x. Nothing here allocates.
 */
#ifndef SC_TRAFFIC_RANGES_H
#define SC_TRAFFIC_RANGES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * Adds [lo, hi) (lo <= hi) to the list r[0 .. *n - 1] of capacity max,
 * joining every entry it overlaps or touches. True when done; false, with
 * r and *n unchanged, when the result would need more than max entries
 * (only possible when the new range touches none and *n == max).
 */
static inline bool
ranges_add(uint32_t (*r)[2], unsigned *n, unsigned max, uint32_t lo,
           uint32_t hi)
{
    unsigned i = 0, j;

    while (i < *n && r[i][1] < lo) /* entries wholly before, with a gap */
        i++;
    for (j = i; j < *n && r[j][0] <= hi; j++) { /* overlapping or touching */
        if (r[j][0] < lo)
            lo = r[j][0];
        if (r[j][1] > hi)
            hi = r[j][1];
    }
    if (j == i) { /* joins none: insert at i */
        if (*n >= max)
            return false;
        memmove(r + i + 1, r + i, (*n - i) * sizeof(r[0]));
        (*n)++;
    } else { /* r[i .. j - 1] become one entry at i */
        memmove(r + i + 1, r + j, (*n - j) * sizeof(r[0]));
        *n -= j - i - 1;
    }
    r[i][0] = lo;
    r[i][1] = hi;
    return true;
}

#endif
