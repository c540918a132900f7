/*
 * err.c - error record and warnings (see err.h).
 */
#include "err.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
               "sc_interrupted is stored by a signal handler");
_Atomic int sc_interrupted;

int
sc_err_set(struct sc_err *e, enum sc_err_kind kind, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return -1;
    e->kind = kind;
    e->cut = false;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int
sc_err_cut(struct sc_err *e)
{
    if (e != NULL)
        e->cut = true;
    return -1;
}

void
sc_err_prefix(struct sc_err *e, const char *fmt, ...)
{
    char tail[SC_ERR_MSG_MAX];
    size_t used;
    va_list ap;

    if (e == NULL)
        return;
    memcpy(tail, e->msg, sizeof(tail));
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    used = strlen(e->msg);
    if (sizeof(e->msg) - used > 2) {
        memcpy(e->msg + used, ": ", 2);
        used += 2;
        snprintf(e->msg + used, sizeof(e->msg) - used, "%s", tail);
    }
}

void
sc_err_clear(struct sc_err *e)
{
    e->kind = SC_ERR_NONE;
    e->cut = false;
    e->msg[0] = '\0';
}

void
sc_warn(const struct sc_diag *d, const char *fmt, ...)
{
    char msg[SC_ERR_MSG_MAX];
    va_list ap;

    if (d == NULL || d->warn == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    d->warn(d->ctx, msg);
}
