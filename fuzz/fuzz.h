/*
 * fuzz.h - shared helpers of the fuzz targets (see docs/fuzzing.md).
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput. Built with -DFUZZ=ON
 * and clang it links against libFuzzer; otherwise replay.c supplies a main()
 * that runs it over files and directories (the CTest "fuzz" tests).
 *
 * An oracle violation calls FUZZ_CHECK, which prints what went wrong and
 * abort()s so that libFuzzer records the input as a crash.
 */
#ifndef SC_FUZZ_H
#define SC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: oracle violated: %s: ", __FILE__,          \
                    __LINE__, #cond);                                          \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* The reader's buffer cap in the reader targets. Production uses
 * INPUT_MAX_BUFFER (129 MiB); on a source of unknown size (selector "pipe"
 * mode) a lying length makes the reader grow to it, and under ASan each such
 * allocation costs tens of milliseconds (the shadow of 129 MiB is poisoned
 * and unpoisoned). 4 MiB still exercises the growth (1 -> 2 -> 4 MiB) and
 * the "more than the limit" error. */
#define FUZZ_READER_MAX ((size_t)4 << 20)

/* The variant an input is run with, derived from its first byte and its
 * size (not consumed: seeds stay valid captures, and the fuzzer changes the
 * variant by mutating or resizing). Bits 0-1 pick the source's read size;
 * the other bits are for the target. */
static inline unsigned
fuzz_selector(const uint8_t *data, size_t size)
{
    return size == 0 ? 0 : (unsigned)((data[0] + size) & 0xff);
}

/* Bytes per source read: 1, 3, 4096 or everything at once (0). */
static inline size_t
fuzz_chunk(unsigned sel)
{
    static const size_t chunks[4] = {1, 3, 4096, 0};

    return chunks[sel & 3];
}

/* Reads every byte of n at p (ASan checks the range; the sum keeps the
 * loads from being optimised away). */
static inline unsigned
fuzz_touch(const uint8_t *p, size_t n)
{
    volatile unsigned sum = 0;

    for (size_t i = 0; i < n; i++)
        sum += p[i];
    return sum;
}

#endif
