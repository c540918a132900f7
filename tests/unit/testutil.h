/*
 * testutil.h - small helpers shared by the libcheck suites.
 */
#ifndef SC_TESTUTIL_H
#define SC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <check.h>

/* The chunk sizes every reader test runs with: a memory source that hands
 * out 1, 3 or 4096 bytes per read. */
extern const size_t tu_chunks[3];

/* Path of a fixture under $FIXTURES (or tests/fixtures relative to the
 * source tree when FIXTURES is unset). Returns a static buffer. */
const char *tu_fixture(const char *name);

/* Reads a whole file into a malloc'd buffer (aborts the test on failure). */
uint8_t *tu_slurp(const char *path, size_t *len);

/* Number of entries in a directory, "." and ".." not counted. */
int tu_dir_entries(const char *path);

/* Runs a suite, returns the process exit status (0 when all passed). */
int tu_run(Suite *s);

#endif
