/*
 * filemap.c - mapped file windows and the SIGBUS handler (see filemap.h).
 *
 * The handler only loads and stores lock-free atomics and calls mmap(2),
 * which on Linux is a plain system call (not on POSIX's async-signal-safe
 * list, but it takes no user-space lock). A window's range is published
 * after it is mapped and withdrawn before it is unmapped, so the handler
 * never maps over memory that is no longer the window.
 */
#include "filemap.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct {
    _Atomic uintptr_t lo, hi; /* [lo, hi) is a live window; 0, 0 when not */
    atomic_int used;
    atomic_int faulted;
} slots[FILEMAP_SLOTS];

static atomic_int installed;
static size_t page_size;

/* The page size (sysconf, cached). */
static size_t
filemap_page(void)
{
    if (page_size == 0) {
        long p = sysconf(_SC_PAGESIZE);

        page_size = p > 0 ? (size_t)p : 4096;
    }
    return page_size;
}

static void
on_sigbus(int sig, siginfo_t *si, void *uctx)
{
    uintptr_t a = (uintptr_t)si->si_addr;

    (void)uctx;
    for (int i = 0; i < FILEMAP_SLOTS; i++) {
        uintptr_t lo = atomic_load(&slots[i].lo),
                  hi = atomic_load(&slots[i].hi);
        uintptr_t pg;

        if (a < lo || a >= hi)
            continue;
        /* Zero pages from the faulting page to the window's end: the load
         * completes, and so does every later one in this window. */
        pg = a & ~(uintptr_t)(page_size - 1);
        if (mmap((void *)pg, hi - pg, PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
            break;
        atomic_store(&slots[i].faulted, 1);
        return;
    }
    /* Not ours: the default action when the access is retried. */
    signal(sig, SIG_DFL);
}

static int
install(struct sc_err *err)
{
    struct sigaction sa;

    if (atomic_load(&installed))
        return 0;
    filemap_page();
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, NULL) < 0)
        return sc_err_set(err, SC_ERR_IO, "cannot install a SIGBUS handler: %s",
                          strerror(errno));
    atomic_store(&installed, 1);
    return 0;
}

int
filemap_open(struct filemap *m, struct sc_err *err)
{
    memset(m, 0, sizeof(*m));
    m->slot = -1;
    if (install(err) < 0)
        return -1;
    for (int i = 0; i < FILEMAP_SLOTS; i++) {
        int expect = 0;

        if (atomic_compare_exchange_strong(&slots[i].used, &expect, 1)) {
            atomic_store(&slots[i].faulted, 0);
            m->slot = i;
            return 0;
        }
    }
    return sc_err_set(err, SC_ERR_IO, "more than %d files mapped at once",
                      FILEMAP_SLOTS);
}

static void
unmap(struct filemap *m)
{
    if (m->base == NULL)
        return;
    atomic_store(&slots[m->slot].hi, 0);
    atomic_store(&slots[m->slot].lo, 0);
    munmap((void *)m->base, m->len);
    m->base = NULL;
    m->len = 0;
}

void
filemap_close(struct filemap *m)
{
    if (m->slot < 0)
        return;
    unmap(m);
    atomic_store(&slots[m->slot].used, 0);
    m->slot = -1;
}

const uint8_t *
filemap_window(struct filemap *m, int fd, uint64_t off, size_t len,
               const char *name, struct sc_err *err)
{
    uint64_t at = off & ~(uint64_t)(filemap_page() - 1);
    size_t skew = (size_t)(off - at);
    void *p;

    unmap(m);
    if (len > SIZE_MAX - skew) {
        sc_err_set(err, SC_ERR_IO, "%s: window too large", name);
        return NULL;
    }
    p = mmap(NULL, len + skew, PROT_READ, MAP_SHARED, fd, (off_t)at);
    if (p == MAP_FAILED) {
        sc_err_set(err, SC_ERR_IO, "%s: cannot map offset %llu: %s", name,
                   (unsigned long long)off, strerror(errno));
        return NULL;
    }
    /* Read the window ahead of the parser. Not MADV_SEQUENTIAL: its "free
     * the pages behind" made the copy_file_range of the same pages that
     * follows 20-30% slower (docs/performance.md). */
    (void)madvise(p, len + skew, MADV_WILLNEED);
    m->base = p;
    m->len = len + skew;
    atomic_store(&slots[m->slot].lo, (uintptr_t)p);
    atomic_store(&slots[m->slot].hi, (uintptr_t)p + m->len);
    return (const uint8_t *)p + skew;
}

bool
filemap_faulted(const struct filemap *m)
{
    return m->slot >= 0 && atomic_load(&slots[m->slot].faulted) != 0;
}
