/* sim/pcaplib.c: libpcap opened with dlopen() on first use. */
#include "sim/pcaplib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* Where libpcap's runtime library is found: Debian and Ubuntu keep the
 * historical soname, other distributions use libpcap.so.1; the plain name
 * is the development link, there when the headers were. */
static const char *const sonames[] = {
    "libpcap.so.0.8", "libpcap.so.1", "libpcap.so",
};

static struct vh_pcaplib lib;
static void *handle;

/* Each function, with the name dlsym() finds it under. */
#define PCAPLIB_FUNCS(X)                                                \
    X(open_dead_with_tstamp_precision) X(open_offline_with_tstamp_precision) \
    X(close) X(datalink) X(next_ex) X(geterr) X(dump_fopen) X(dump)     \
    X(dump_file) X(dump_flush) X(dump_close) X(lib_version)

const struct vh_pcaplib *
vh_pcaplib(char *err, size_t errlen)
{
    if (handle) {
        return &lib;
    }
    void *h = NULL;
    char why[256] = "not found";
    for (size_t i = 0; !h && i < sizeof sonames / sizeof *sonames; i++) {
        h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
        if (!h && i == 0) {
            /* The first name's failure says most.  Copied now: the next
             * dlopen() reuses the string dlerror() returns. */
            const char *e = dlerror();
            snprintf(why, sizeof why, "%s", e ? e : "not found");
        }
    }
    if (!h) {
        snprintf(err, errlen, "cannot load libpcap (%s); install libpcap "
                 "(Debian: libpcap0.8) to read or write captures", why);
        return NULL;
    }
    struct vh_pcaplib l;
    /* A function pointer from dlsym()'s object pointer goes through
     * memcpy, the conversion ISO C leaves to POSIX. */
#define PCAPLIB_RESOLVE(NAME)                                           \
    {                                                                   \
        void *sym = dlsym(h, "pcap_" #NAME);                            \
        if (!sym) {                                                     \
            snprintf(err, errlen, "cannot load libpcap: it has no "     \
                     "pcap_" #NAME " (libpcap 1.5 or later is needed)"); \
            dlclose(h);                                                 \
            return NULL;                                                \
        }                                                               \
        memcpy(&l.NAME, &sym, sizeof l.NAME);                           \
    }
    PCAPLIB_FUNCS(PCAPLIB_RESOLVE)
#undef PCAPLIB_RESOLVE
    lib = l;
    handle = h;
    return &lib;
}
