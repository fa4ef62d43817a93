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

/* Reads 'key', a string, into a malloc'ed '*out' (left as it is when
 * the key is absent; 'required' makes that an error, "missing required
 * key").  Returns false on error. */
bool cfg_obj_str(struct cfg_obj *, const char *key, bool required,
                 char **out);

/* Reads 'key', one string or a non-empty array of strings, into a
 * malloc'ed array '*out' of '*n' malloc'ed strings (absent: *out NULL,
 * *n 0, or an error with 'required').  'what' names an element in
 * messages ("a next-hop address").  Returns false on error. */
bool cfg_obj_strs(struct cfg_obj *, const char *key, bool required,
                  const char *what, char ***out, size_t *n);

/* Reads 'key', a port of the switch the object belongs to: "pN" or N,
 * from 1 to 'ports', into '*out' (1-based).  Returns false on error. */
bool cfg_obj_switch_port(struct cfg_obj *, const char *key, bool required,
                         int ports, int *out);

/* The objects of array 'key': how many there are (0 when the key is
 * absent), after checking that it is an array.  Returns false on error. */
bool cfg_obj_count(struct cfg_obj *, const char *key, size_t *n);

/* Calls 'each' with element 'i' of array 'key' (which cfg_obj_count
 * checked) as an object of its own, for i from 0 on, stopping at the
 * first false.  An element that is not an object, or that holds a key
 * not in 'keys' (NULL-terminated), fails first, with a "did you mean"
 * hint; 'what' names an element in messages ("interface").  Errors in
 * 'each' name the element's path ("switches[0].routes[1].via").
 * Returns false on error. */
bool cfg_obj_each(struct cfg_obj *, const char *key, const char *what,
                  const char *const *keys,
                  bool (*each)(struct cfg_obj *item, size_t i, void *ctx),
                  void *ctx);

/* Fails at the path of 'key' (NULL: of the object itself), or of its
 * element 'index' when that is not negative, with the message 'fmt'.
 * Returns false. */
bool cfg_obj_fail(struct cfg_obj *, const char *key, long index,
                  const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The number of cores of the host the object belongs to (0 outside a
 * host). */
int cfg_obj_host_cores(const struct cfg_obj *);

#endif /* models/core/cfgobj.h */
