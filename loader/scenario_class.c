/* loader/scenario_class.c: the keys that belong to a device class.
 *
 * An object's keys are those of its family (the schemas of
 * loader/scenario_json.c) and those its class lists in 'keys'; the class
 * reads its own in its 'parse' hook through models/core/cfgobj.h, which
 * is implemented here over the JSON tree.  A key that only another class
 * of the family takes is refused by name ("'pmd_cores' applies only to
 * bridges of type ovs with datapath dpdk"). */
#include "loader/scenario_priv.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cfgobj.h"
#include "models/core/devclass.h"
#include "sim/xmalloc.h"

struct cfg_obj {
    struct ld *ld;
    const cJSON *o;
    const char *path;           /* JSON path of the object. */
    int host_cores;
};

#define MAX_KEYS 64

/* The class of 'fam', other than 'cls', that takes 'key', or NULL. */
static const struct dev_class *
other_class_with_key(enum dev_family fam, const struct dev_class *cls,
                     const char *key)
{
    for (size_t i = 0; i < n_dev_classes; i++) {
        const struct dev_class *c = dev_classes[i];
        if (c == cls || c->family != fam || !c->keys) {
            continue;
        }
        for (const char *const *k = c->keys; *k; k++) {
            if (!strcmp(*k, key)) {
                return c;
            }
        }
    }
    return NULL;
}

size_t
ld_class_keys(const struct schema *sch, const char **names, size_t max)
{
    static const struct {
        const struct schema *sch;
        enum dev_family fam;
    } fams[] = {
        { &sch_nic, DEV_FAM_NIC }, { &sch_bridge, DEV_FAM_BRIDGE },
        { &sch_vnic, DEV_FAM_VNIC }, { &sch_switch, DEV_FAM_SWITCH },
    };
    size_t n = 0;
    for (size_t f = 0; f < sizeof fams / sizeof *fams; f++) {
        if (fams[f].sch != sch) {
            continue;
        }
        for (size_t i = 0; i < n_dev_classes; i++) {
            const struct dev_class *c = dev_classes[i];
            for (const char *const *k = c->family == fams[f].fam && c->keys
                                        ? c->keys : NULL; k && *k; k++) {
                size_t j = 0;
                while (j < n && strcmp(names[j], *k)) {
                    j++;
                }
                if (j == n && n < max) {
                    names[n++] = *k;
                }
            }
        }
    }
    return n;
}

bool
ld_keys_class(struct ld *ld, const cJSON *o, const char *op,
              const struct schema *sch, enum dev_family fam,
              const struct dev_class *cls)
{
    const char *names[MAX_KEYS];
    size_t n = 0;
    for (size_t i = 0; i < sch->n && n < MAX_KEYS; i++) {
        names[n++] = sch->keys[i].name;
    }
    for (const char *const *k = cls && cls->keys ? cls->keys : NULL;
         k && *k && n < MAX_KEYS; k++) {
        names[n++] = *k;
    }
    for (const cJSON *c = o->child; c; c = c->next) {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++) {
            known = !strcmp(names[i], c->string);
        }
        const struct dev_class *other = known ? NULL
            : other_class_with_key(fam, cls, c->string);
        if (other) {
            char path[JP_LEN];
            jp_key(path, op, c->string);
            return vh_diag_fail(ld->diag, path, "'%s' applies only to %s",
                                c->string, other->described);
        }
    }
    return ld_keys_names(ld, o, op, sch->what, names, n);
}

bool
ld_parse_class(struct ld *ld, const cJSON *o, const char *op,
               int host_cores, const struct dev_class *cls, void **priv)
{
    *priv = NULL;
    if (!cls || !cls->parse) {
        return true;
    }
    struct cfg_obj obj = { ld, o, op, host_cores };
    return cls->parse(&obj, priv);
}

void
ld_free_class_priv(const struct dev_class *cls, void *priv)
{
    if (cls && cls->free_priv && priv) {
        cls->free_priv(priv);
    }
}

/* --- models/core/cfgobj.h over cJSON. --- */

bool
cfg_obj_has(const struct cfg_obj *obj, const char *key)
{
    return !ld_absent_or_null(obj->o, key);
}

bool
cfg_obj_fail(struct cfg_obj *obj, const char *key, long index,
             const char *fmt, ...)
{
    char path[JP_LEN], msg[512];
    if (key) {
        jp_key(path, obj->path, key);
    } else {
        snprintf(path, sizeof path, "%s", obj->path);
    }
    if (index >= 0) {
        char kp[JP_LEN];
        snprintf(kp, sizeof kp, "%s", path);
        jp_idx(path, kp, (size_t) index);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return vh_diag_fail(obj->ld->diag, path, "%s", msg);
}

bool
cfg_obj_int(struct cfg_obj *obj, const char *key, long long min,
            long long max, const char *why, long long *out)
{
    return ld_int(obj->ld, obj->o, obj->path, key, false, min, max, why,
                  out);
}

bool
cfg_obj_int_list(struct cfg_obj *obj, const char *key, const char *what,
                 long long **out, size_t *n)
{
    const cJSON *arr;
    *out = NULL;
    *n = 0;
    if (!ld_array(obj->ld, obj->o, obj->path, key, &arr)) {
        return false;
    }
    if (!arr) {
        return true;
    }
    size_t len = (size_t) cJSON_GetArraySize(arr);
    long long *v = vh_xcalloc(len ? len : 1, sizeof *v);
    size_t i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        if (!cJSON_IsNumber(c) || c->valuedouble != floor(c->valuedouble)
            || fabs(c->valuedouble) > 1e15) {
            free(v);
            return cfg_obj_fail(obj, key, (long) i, "expected %s, got %s",
                                what, ld_type_name(c));
        }
        v[i] = (long long) c->valuedouble;
    }
    *out = v;
    *n = len;
    return true;
}

int
cfg_obj_host_cores(const struct cfg_obj *obj)
{
    return obj->host_cores;
}

bool
cfg_obj_str(struct cfg_obj *obj, const char *key, bool required, char **out)
{
    return ld_str(obj->ld, obj->o, obj->path, key, required, out);
}

bool
cfg_obj_strs(struct cfg_obj *obj, const char *key, bool required,
             const char *what, char ***out, size_t *n)
{
    const cJSON *v = ld_absent_or_null(obj->o, key) ? NULL
                     : cJSON_GetObjectItemCaseSensitive(obj->o, key);
    *out = NULL;
    *n = 0;
    if (!v) {
        char *none = NULL;
        /* Absent: ld_str says "missing required key" when it must be. */
        return ld_str(obj->ld, obj->o, obj->path, key, required, &none);
    }
    if (cJSON_IsString(v)) {
        *out = vh_xcalloc(1, sizeof **out);
        (*out)[0] = vh_xstrdup(v->valuestring);
        *n = 1;
        return true;
    }
    if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v)) {
        return cfg_obj_fail(obj, key, -1, "expected %s or a list of them, "
                            "got %s", what, cJSON_IsArray(v)
                            ? "an empty list" : ld_type_name(v));
    }
    size_t len = (size_t) cJSON_GetArraySize(v), i = 0;
    char **s = vh_xcalloc(len, sizeof *s);
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        if (!cJSON_IsString(c)) {
            for (size_t k = 0; k < i; k++) {
                free(s[k]);
            }
            free(s);
            return cfg_obj_fail(obj, key, (long) i, "expected %s, got %s",
                                what, ld_type_name(c));
        }
        s[i] = vh_xstrdup(c->valuestring);
    }
    *out = s;
    *n = len;
    return true;
}

bool
cfg_obj_switch_port(struct cfg_obj *obj, const char *key, bool required,
                    int ports, int *out)
{
    char path[JP_LEN];
    const cJSON *v = ld_absent_or_null(obj->o, key) ? NULL
                     : cJSON_GetObjectItemCaseSensitive(obj->o, key);
    if (!v) {
        char *none = NULL;
        return ld_str(obj->ld, obj->o, obj->path, key, required, &none);
    }
    jp_key(path, obj->path, key);
    return ld_switch_port(obj->ld, v, path, ports, out);
}

bool
cfg_obj_count(struct cfg_obj *obj, const char *key, size_t *n)
{
    const cJSON *arr;
    if (!ld_array(obj->ld, obj->o, obj->path, key, &arr)) {
        return false;
    }
    *n = arr ? (size_t) cJSON_GetArraySize(arr) : 0;
    return true;
}

bool
cfg_obj_each(struct cfg_obj *obj, const char *key, const char *what,
             const char *const *keys,
             bool (*each)(struct cfg_obj *item, size_t i, void *ctx),
             void *ctx)
{
    const cJSON *arr;
    char ap[JP_LEN];
    size_t n_keys = 0;
    if (!ld_array(obj->ld, obj->o, obj->path, key, &arr)) {
        return false;
    }
    while (keys[n_keys]) {
        n_keys++;
    }
    jp_key(ap, obj->path, key);
    size_t i = 0;
    for (const cJSON *c = arr ? arr->child : NULL; c; c = c->next, i++) {
        char ip[JP_LEN];
        jp_idx(ip, ap, i);
        if (!ld_is_object(obj->ld, c, ip)
            || !ld_keys_names(obj->ld, c, ip, what, (const char **) keys,
                              n_keys)) {
            return false;
        }
        struct cfg_obj item = { obj->ld, c, ip, obj->host_cores };
        if (!each(&item, i, ctx)) {
            return false;
        }
    }
    return true;
}
