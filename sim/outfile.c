/* sim/outfile.c: outputs written under a temporary name, or through. */
#include "sim/outfile.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A signal handler may only touch lock-free atomics (C11 7.14.1.1). */
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2,
               "the open-output list needs lock-free atomic pointers");

struct vh_outfile {
    _Atomic(struct vh_outfile *) next;  /* Next on the open list. */
    char *path;                 /* As given, for messages. */
    char *target;               /* What the commit replaces: 'path', or
                                 * the file its symbolic link names. */
    char *tmp;                  /* Temporary name, or NULL when written
                                 * through; never changes while listed. */
    FILE *f;
};

/* Open outputs, newest first.  Only the program's main flow changes the
 * list; a signal handler may walk it at any point, so every link is
 * stored only once the output it leads to is complete. */
static _Atomic(struct vh_outfile *) open_outputs;

static void
list_add(struct vh_outfile *o)
{
    atomic_store(&o->next, atomic_load(&open_outputs));
    atomic_store(&open_outputs, o);
}

static void
list_remove(struct vh_outfile *o)
{
    _Atomic(struct vh_outfile *) *link = &open_outputs;
    struct vh_outfile *cur;

    while ((cur = atomic_load(link)) != NULL) {
        if (cur == o) {
            atomic_store(link, atomic_load(&o->next));
            return;
        }
        link = &cur->next;
    }
}

void
vh_outfile_abort_all_signal_safe(void)
{
    int saved_errno = errno;    /* The interrupted code may be reading it. */

    for (struct vh_outfile *o = atomic_load(&open_outputs); o;
         o = atomic_load(&o->next)) {
        if (o->tmp) {
            unlink(o->tmp);
        }
    }
    errno = saved_errno;
}

static void
outfile_free(struct vh_outfile *o)
{
    free(o->path);
    free(o->target);
    free(o->tmp);
    free(o);
}

/* What writing 'path' replaces: the path itself, or, for a symbolic link,
 * the file it names (resolved against the link's directory when
 * relative).  NULL when out of memory. */
static char *
replace_target(const char *path)
{
    struct stat st;
    if (lstat(path, &st) || !S_ISLNK(st.st_mode)) {
        return strdup(path);
    }
    char buf[PATH_MAX];
    if (realpath(path, buf)) {
        return strdup(buf);
    }
    /* A dangling link: create the file it names. */
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n <= 0) {
        return strdup(path);
    }
    buf[n] = '\0';
    if (buf[0] == '/') {
        return strdup(buf);
    }
    char *copy = strdup(path);
    if (!copy) {
        return NULL;
    }
    size_t len = strlen(dirname(copy)) + 1 + (size_t) n + 1;
    char *out = malloc(len);
    if (out) {
        snprintf(out, len, "%s/%s", dirname(copy), buf);
    }
    free(copy);
    return out;
}

struct vh_outfile *
vh_outfile_open(const char *path, const char *mode, char *err, size_t errlen)
{
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory", path);
        return NULL;
    }
    struct vh_outfile *o = calloc(1, sizeof *o);
    if (!o || !(o->path = strdup(path))
        || !(o->target = replace_target(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        if (o) {
            outfile_free(o);
        }
        return NULL;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        /* A FIFO, a terminal, a device: write through. */
        o->f = fopen(path, mode);
        if (!o->f) {
            snprintf(err, errlen, "cannot write '%s': %s", path,
                     strerror(errno));
            outfile_free(o);
            return NULL;
        }
        return o;
    }
    for (struct vh_outfile *w = atomic_load(&open_outputs); w;
         w = atomic_load(&w->next)) {
        if (w->tmp && vh_same_file(w->target, o->target)) {
            snprintf(err, errlen, "%s: already being written by this run "
                     "(as '%s')", path, w->path);
            outfile_free(o);
            return NULL;
        }
    }
    size_t n = strlen(o->target) + 32;
    o->tmp = malloc(n);
    if (!o->tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        outfile_free(o);
        return NULL;
    }
    snprintf(o->tmp, n, "%s.tmp.%ld", o->target, (long) getpid());
    /* On the list before the file exists, so there is no moment when an
     * interrupt could miss it. */
    list_add(o);
    o->f = fopen(o->tmp, mode);
    if (!o->f) {
        snprintf(err, errlen, "cannot write '%s': %s", path,
                 strerror(errno));
        list_remove(o);
        outfile_free(o);
        return NULL;
    }
    return o;
}

FILE *
vh_outfile_stream(struct vh_outfile *o)
{
    return o->f;
}

void
vh_outfile_stream_closed(struct vh_outfile *o)
{
    o->f = NULL;
}

int
vh_outfile_commit(struct vh_outfile *o, char *err, size_t errlen)
{
    int rc = 0;
    if (o->f) {
        errno = 0;
        bool bad = fflush(o->f) != 0 || ferror(o->f);
        int e = errno ? errno : EIO;
        bad |= fclose(o->f) != 0;
        o->f = NULL;
        if (bad) {
            snprintf(err, errlen, "cannot write '%s': %s", o->path,
                     strerror(e));
            rc = -1;
        }
    }
    if (o->tmp) {
        if (!rc && rename(o->tmp, o->target)) {
            snprintf(err, errlen, "cannot write '%s': %s", o->path,
                     strerror(errno));
            rc = -1;
        }
        if (rc) {
            unlink(o->tmp);
        }
        /* Off the list only after the rename: an interrupt in between
         * then merely fails to unlink a name that no longer exists. */
        list_remove(o);
    }
    outfile_free(o);
    return rc;
}

void
vh_outfile_abort(struct vh_outfile *o)
{
    if (!o) {
        return;
    }
    if (o->f) {
        fclose(o->f);
    }
    if (o->tmp) {
        unlink(o->tmp);
        list_remove(o);
    }
    outfile_free(o);
}

/* 'path' made absolute with its directory resolved (the file itself
 * may not exist), into 'out'; false if the directory does not exist. */
static bool
canonical(const char *path, char *out, size_t len)
{
    char *a = strdup(path), *b = strdup(path);
    char dir[PATH_MAX];
    bool ok = a && b && realpath(dirname(a), dir);
    if (ok) {
        snprintf(out, len, "%s/%s", dir, basename(b));
    }
    free(a);
    free(b);
    return ok;
}

bool
vh_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb) {
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    }
    if (ea != eb) {
        return false;
    }
    char ca[PATH_MAX + NAME_MAX + 2], cb[PATH_MAX + NAME_MAX + 2];
    if (canonical(a, ca, sizeof ca) && canonical(b, cb, sizeof cb)) {
        return !strcmp(ca, cb);
    }
    return !strcmp(a, b);
}

int
vh_outfile_check(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is a directory", path);
        return -1;
    }
    if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
        /* Written through: the file itself must take writes. */
        if (access(path, W_OK)) {
            snprintf(err, errlen, "cannot write '%s': %s", path,
                     strerror(errno));
            return -1;
        }
        return 0;
    }
    char *copy = strdup(path);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *dir = dirname(copy);
    int rc = 0;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot write '%s': directory '%s' does not "
                 "exist", path, dir);
        rc = -1;
    } else if (access(dir, W_OK)) {
        snprintf(err, errlen, "cannot write '%s': %s", path,
                 strerror(errno));
        rc = -1;
    }
    free(copy);
    return rc;
}
