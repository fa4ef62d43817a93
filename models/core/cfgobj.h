/* models/core/cfgobj.h: a scenario object, as a device class reads it.
 *
 * A class that takes keys of its own lists them in its 'keys' and reads
 * them in its 'parse' hook (models/core/devclass.h) through these calls,
 * while the scenario loads.  The loader (loader/scenario_class.c)
 * implements them over the JSON tree, so cJSON never reaches the models:
 * before 'parse' runs it has checked that the object holds no key that
 * neither its family nor its class knows.  Every error names the JSON path
 * of the key (or of one element of its list), as the loader's own do. */
#ifndef VH_MODELS_CFGOBJ_H
#define VH_MODELS_CFGOBJ_H 1

#include <stdbool.h>
#include <stddef.h>

struct cfg_obj;

/* Whether the object has 'key' (and it is not null). */
bool cfg_obj_has(const struct cfg_obj *, const char *key);

/* Reads 'key', a whole number from 'min' to 'max', into '*out' (left
 * as it is when the key is absent).  Out of range, it fails with
 * "N is out of range; expected MIN to MAX (WHY)", 'why' left out when
 * NULL.  Returns false on error. */
bool cfg_obj_int(struct cfg_obj *, const char *key, long long min,
                 long long max, const char *why, long long *out);

/* Reads 'key', an array of integers, into a malloc'ed '*out' of '*n'
 * (absent: *out NULL, *n 0).  An element that is not an integer fails
 * with "expected WHAT, got ..." at its path.  Returns false on error. */
bool cfg_obj_int_list(struct cfg_obj *, const char *key, const char *what,
                      long long **out, size_t *n);

/* Fails at the path of 'key', or of its element 'index' when that is not
 * negative, with the message 'fmt'.  Returns false. */
bool cfg_obj_fail(struct cfg_obj *, const char *key, long index,
                  const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The number of cores of the host the object belongs to (0 outside a
 * host). */
int cfg_obj_host_cores(const struct cfg_obj *);

#endif /* models/core/cfgobj.h */
