/*
 * scope_json.h - `secretcap sessions --json` (docs/sessions-json.md).
 *
 * One file object is written in three steps: scope_json_begin (the file
 * and its error, opening the sessions array), scope_json_session for each
 * session (after scope_judge), scope_json_end (summary, unmatched key-log
 * labels, flows without handshake, decoding counts). Between the steps the
 * caller may write out and empty j->buf (the writer keeps its state in the
 * struct). sc may be NULL in begin/end for an input that did not open.
 * Secret values never appear: labels, counts and client randoms only.
 */
#ifndef SC_SCOPE_JSON_H
#define SC_SCOPE_JSON_H

#include <stddef.h>

#include "err.h"
#include "json.h"
#include "scope.h"

void scope_json_begin(struct json *j, const char *name, const struct scope *sc,
                      const struct sc_err *err);
void scope_json_session(struct json *j, const struct scope *sc, size_t i);
void scope_json_end(struct json *j, const struct scope *sc);

#endif
