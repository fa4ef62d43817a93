/* loader/scenario_json.c: the keys each scenario object allows, JSON paths
 * for messages, and typed getters that name the path of anything wrong.
 *
 * A JSON null counts as an absent key everywhere, so a variant's null and
 * a key left out mean the same thing. */
#include "loader/scenario_priv.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/units.h"
#include "sim/xmalloc.h"

/* ---- Schema.  The scenario format's keys (docs/scenarios.md) plus the
 * extensions the loader documents where it reads them. ---- */


static const struct schema_key cpu_keys[] = {
    { "cores", NULL }, { "ghz", NULL }, { "irqbalance", NULL },
    { "cstate", NULL },
};
const struct schema sch_cpu = SCHEMA("cpu", cpu_keys);

static const struct schema_key iommu_keys[] = {
    { "enabled", NULL }, { "posted_interrupts", NULL },
    { "iotlb_entries", NULL }, { "page_size", NULL },
};
const struct schema sch_iommu = SCHEMA("iommu", iommu_keys);

static const struct schema_key sriov_keys[] = { { "vfs", NULL } };
const struct schema sch_sriov = SCHEMA("sriov", sriov_keys);

static const struct schema_key coalesce_keys[] = {
    { "adaptive-rx", NULL }, { "rx-usecs", NULL },
};
const struct schema sch_coalesce = SCHEMA("coalesce", coalesce_keys);

static const struct schema_key offloads_keys[] = {
    { "tso", NULL }, { "gso", NULL }, { "gro", NULL }, { "rx-checksum", NULL },
};
const struct schema sch_offloads = SCHEMA("offloads", offloads_keys);

static const struct schema_key attach_keys[] = {
    { "type", NULL }, { "to", NULL }, { "mode", NULL }, { "vf", NULL },
    { "forward", NULL }, { "vlan", NULL }, { "trunks", NULL },
    { "ingress_policing_rate", NULL }, { "ingress_policing_burst", NULL },
    { "isolated", NULL }, { "pvlan", NULL }, { "portgroup", NULL },
    { "policy", NULL },
};
const struct schema sch_attach = SCHEMA("attach", attach_keys);

static const struct schema_key top_keys[] = {
    { "name", NULL }, { "description", NULL }, { "seed", NULL },
    { "duration", NULL }, { "hosts", NULL }, { "switches", NULL },
    { "traffic", NULL }, { "capture", NULL }, { "events", NULL },
    { "variants", NULL }, { "costs", NULL }, { "dvswitches", NULL },
    /* A lesson's (loader/scenario_lesson.c). */
    { "title", NULL }, { "title_zh", NULL }, { "description_zh", NULL },
    { "questions", NULL },
};
const struct schema sch_top = SCHEMA("scenario", top_keys);

static const struct schema_key host_keys[] = {
    { "name", NULL }, { "cpu", &sch_cpu }, { "iommu", &sch_iommu },
    { "nics", NULL }, { "bridges", NULL }, { "vms", NULL },
    { "containers", NULL }, { "networks", NULL },
    { "apicv", NULL }, { "halt_poll_ns", NULL },
};
const struct schema sch_host = SCHEMA("host", host_keys);

static const struct schema_key nic_keys[] = {
    { "name", NULL }, { "model", NULL }, { "speed", NULL },
    { "queues", NULL }, { "vmdq", NULL }, { "sriov", &sch_sriov },
    { "link", NULL }, { "mac", NULL }, { "ip", NULL }, { "ip6", NULL },
    { "rx_ring", NULL }, { "tx_ring", NULL }, { "gateway", NULL },
    { "vlans", NULL }, { "mtu", NULL }, { "coalesce", &sch_coalesce },
    { "offloads", &sch_offloads },
    { "lldp", NULL },
};
const struct schema sch_nic = SCHEMA("NIC", nic_keys);

static const struct schema_key bridge_keys[] = {
    { "name", NULL }, { "type", NULL }, { "ports", NULL },
    { "vlan_filtering", NULL }, { "flows", NULL }, { "datapath", NULL },
    { "ageing", NULL }, { "other_config", NULL }, { "mirrors", NULL },
    { "sflow", NULL }, { "netflow", NULL }, { "ipfix", NULL },
    { "mtu", NULL },
};
const struct schema sch_bridge = SCHEMA("bridge", bridge_keys);

static const struct schema_key vm_keys[] = {
    { "name", NULL }, { "vcpus", NULL }, { "pin", NULL }, { "nics", NULL },
};
const struct schema sch_vm = SCHEMA("VM", vm_keys);

static const struct schema_key vnic_keys[] = {
    { "name", NULL }, { "mac", NULL }, { "ip", NULL }, { "ip6", NULL },
    { "model", NULL }, { "backend", NULL }, { "queues", NULL }, { "attach", &sch_attach },
    { "vlan", NULL }, { "ring", NULL }, { "trunks", NULL },
    { "vlans", NULL },
    { "mtu", NULL }, { "gateway", NULL }, { "offloads", &sch_offloads },
    { "lldp", NULL }, { "guest_mac", NULL },
};
const struct schema sch_vnic = SCHEMA("VM NIC", vnic_keys);

static const struct schema_key network_keys[] = {
    { "name", NULL }, { "driver", NULL }, { "subnet", NULL },
    { "gateway", NULL }, { "parent", NULL }, { "mode", NULL },
    { "vni", NULL },
};
const struct schema sch_network = SCHEMA("network", network_keys);

static const struct schema_key container_keys[] = {
    { "name", NULL }, { "network", NULL }, { "cpus", NULL }, { "ip", NULL },
    { "mac", NULL }, { "parent", NULL }, { "mode", NULL },
    { "publish", NULL }, { "vf", NULL },
};
const struct schema sch_container = SCHEMA("container", container_keys);

static const struct schema_key switch_keys[] = {
    { "name", NULL }, { "mode", NULL }, { "ports", NULL },
    { "speed", NULL }, { "port_buffer", NULL }, { "acl", NULL },
    { "vdp", NULL }, { "reflective_relay", NULL }, { "links", NULL },
    { "lldp", NULL }, { "cdp", NULL },
    { "pvlan", NULL }, { "static_lag", NULL },
};
const struct schema sch_switch = SCHEMA("switch", switch_keys);

static const struct schema_key flow_keys[] = {
    { "name", NULL }, { "from", NULL }, { "to", NULL }, { "proto", NULL },
    { "size", NULL }, { "rate", NULL }, { "count", NULL },
    { "duration", NULL }, { "start", NULL }, { "pattern", NULL },
    { "pcap", NULL }, { "sport", NULL }, { "dport", NULL },
    { "concurrent_flows", NULL }, { "bytes", NULL }, { "cc", NULL },
    { "response_size", NULL }, { "burst", NULL }, { "family", NULL },
};
const struct schema sch_flow = SCHEMA("flow", flow_keys);

static const struct schema_key capture_keys[] = {
    { "point", NULL }, { "file", NULL }, { "format", NULL },
};
const struct schema sch_capture = SCHEMA("capture", capture_keys);

static const struct schema_key event_keys[] = {
    { "at", NULL }, { "action", NULL }, { "target", NULL }, { "to", NULL },
    { "set", NULL }, { "downtime", NULL },
};
const struct schema sch_event = SCHEMA("event", event_keys);

static const struct schema_key variant_keys[] = {
    { "name", NULL }, { "set", NULL },
};
const struct schema sch_variant = SCHEMA("variant", variant_keys);

/* ---- Paths and memory. ---- */

static bool
is_identifier(const char *s)
{
    if (!*s || !(isalpha((unsigned char) *s) || *s == '_')) {
        return false;
    }
    for (; *s; s++) {
        if (!(isalnum((unsigned char) *s) || *s == '_')) {
            return false;
        }
    }
    return true;
}

void
jp_key(char *buf, const char *parent, const char *key)
{
    if (!is_identifier(key)) {
        snprintf(buf, JP_LEN, "%s[\"%s\"]", parent, key);
    } else if (*parent) {
        snprintf(buf, JP_LEN, "%s.%s", parent, key);
    } else {
        snprintf(buf, JP_LEN, "%s", key);
    }
}

void
jp_idx(char *buf, const char *parent, size_t i)
{
    snprintf(buf, JP_LEN, "%s[%zu]", parent, i);
}

void *
ld_calloc(size_t n, size_t size)
{
    return vh_xcalloc(n, size);
}

char *
ld_strdup(const char *s)
{
    return vh_xstrdup(s);
}

/* ---- Typed access. ---- */

const char *
ld_type_name(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        return "a string";
    } else if (cJSON_IsNumber(v)) {
        return "a number";
    } else if (cJSON_IsBool(v)) {
        return "a boolean";
    } else if (cJSON_IsArray(v)) {
        return "an array";
    } else if (cJSON_IsObject(v)) {
        return "an object";
    }
    return "null";
}

/* "got a string ("8")": the value itself when it is short and simple. */
static bool
wrong_type(struct ld *ld, const cJSON *v, const char *path,
           const char *expected)
{
    if (cJSON_IsString(v) && strlen(v->valuestring) <= 40) {
        return vh_diag_fail(ld->diag, path, "expected %s, got a string "
                            "(\"%s\")", expected, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        return vh_diag_fail(ld->diag, path, "expected %s, got a number "
                            "(%.15g)", expected, v->valuedouble);
    }
    return vh_diag_fail(ld->diag, path, "expected %s, got %s", expected,
                        ld_type_name(v));
}

static const cJSON *
get(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNull(v) ? NULL : v;
}

bool
ld_absent_or_null(const cJSON *obj, const char *key)
{
    return get(obj, key) == NULL;
}

/* Fetches 'key' for a getter: false if absent (failing if required). */
static bool
fetch(struct ld *ld, const cJSON *obj, const char *op, const char *key,
      bool required, const cJSON **v, char *path)
{
    *v = get(obj, key);
    jp_key(path, op, key);
    if (!*v && required) {
        vh_diag_fail(ld->diag, op, "missing required key '%s'", key);
    }
    return *v != NULL;
}

bool
ld_keys(struct ld *ld, const cJSON *obj, const char *op,
        const struct schema *sch)
{
    const char *names[32];
    size_t n = sch->n < 32 ? sch->n : 32;
    for (size_t i = 0; i < n; i++) {
        names[i] = sch->keys[i].name;
    }
    return ld_keys_names(ld, obj, op, sch->what, names, n);
}

/* Keys the scenario format defines (docs/scenarios.md) whose features
 * have no model yet: refused as not supported yet, at the key's path,
 * rather than as unknown. */
static const struct {
    const char *what;           /* The object's kind, as its schema says. */
    const char *key;
    const char *feature;
} unbuilt_keys[] = {
    { "container", "ip6", "IPv6 on containers" },
    { "VLAN subinterface", "ip6", "IPv6 on VLAN subinterfaces" },
    { "bridge port", "ip6", "IPv6 on a bridge's internal ports" },
};

bool
ld_keys_names(struct ld *ld, const cJSON *obj, const char *op,
              const char *what, const char *const *names, size_t n)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++) {
            known = !strcmp(names[i], c->string);
        }
        for (size_t i = 0; !known && i < N_NAMES(unbuilt_keys); i++) {
            if (!strcmp(unbuilt_keys[i].what, what)
                && !strcmp(unbuilt_keys[i].key, c->string)) {
                char path[JP_LEN];
                jp_key(path, op, c->string);
                return vh_diag_fail(ld->diag, path, "not supported yet: %s",
                                    unbuilt_keys[i].feature);
            }
        }
        if (!known) {
            const char *guess = vh_suggest(c->string, names, n);
            if (guess) {
                return vh_diag_fail(ld->diag, op, "unknown key '%s'; did "
                                    "you mean '%s'?", c->string, guess);
            }
            char list[512];
            vh_join(names, n, list, sizeof list);
            return vh_diag_fail(ld->diag, op, "unknown key '%s' in %s %s "
                                "(expected one of %s)", c->string,
                                strchr("aeiou", what[0]) ? "an" : "a",
                                what, list);
        }
        /* cJSON keeps both copies of a repeated key and lookups see only
         * the first, so the second would be silently ignored. */
        for (const cJSON *d = obj->child; d != c; d = d->next) {
            if (!strcmp(d->string, c->string)) {
                return vh_diag_fail(ld->diag, op, "key '%s' appears twice",
                                    c->string);
            }
        }
    }
    return true;
}

bool
ld_is_object(struct ld *ld, const cJSON *v, const char *path)
{
    return cJSON_IsObject(v) || wrong_type(ld, v, path, "an object");
}

bool
ld_str(struct ld *ld, const cJSON *obj, const char *op, const char *key,
       bool required, char **out)
{
    char path[JP_LEN];
    const cJSON *v;
    if (!fetch(ld, obj, op, key, required, &v, path)) {
        return !ld->diag->failed;
    }
    if (!cJSON_IsString(v)) {
        return wrong_type(ld, v, path, "a string");
    }
    *out = ld_strdup(v->valuestring);
    return true;
}

size_t
ld_control_char(const char *s)
{
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char) s[i];
        if (c < 0x20 || c == 0x7f) {
            return i + 1;
        }
    }
    return 0;
}

/* Reads "name", which may not hold any of 'forbidden'. */
static bool
name_without(struct ld *ld, const cJSON *obj, const char *op,
             const char *forbidden, const char *why, char **out)
{
    char path[JP_LEN];
    char *name = NULL;

    if (!ld_str(ld, obj, op, "name", true, &name)) {
        return false;
    }
    jp_key(path, op, "name");
    const char *bad = NULL;
    size_t ctl = ld_control_char(name);
    if (!*name) {
        vh_diag_fail(ld->diag, path, "a name may not be empty");
    } else if (ctl) {
        vh_diag_fail(ld->diag, path, "a name may not contain control "
                     "characters (byte 0x%02x at position %zu): it is "
                     "printed to terminals", (unsigned char) name[ctl - 1],
                     ctl);
    } else if (strlen(name) > 64) {
        vh_diag_fail(ld->diag, path, "name '%s' is longer than 64 "
                     "characters", name);
    } else if ((bad = strpbrk(name, forbidden)) != NULL) {
        vh_diag_fail(ld->diag, path, "name '%s' may not contain '%c' (%s)",
                     name, *bad == '\t' || *bad == '\n' || *bad == '\r'
                     ? ' ' : *bad, why);
    }
    if (ld->diag->failed) {
        free(name);
        return false;
    }
    *out = name;
    return true;
}

bool
ld_name(struct ld *ld, const cJSON *obj, const char *op, char **out)
{
    return name_without(ld, obj, op, "/.: \t\n\r", "'/', '.' and ':' "
                        "separate the parts of paths such as "
                        "\"host1/vm1/eth0.model\", and spaces are not "
                        "allowed", out);
}

bool
ld_variant_name(struct ld *ld, const cJSON *obj, const char *op, char **out)
{
    return name_without(ld, obj, op, "/:, \t\n\r", "',' separates the "
                        "names given to --only, '/' and ':' the parts of "
                        "paths, and spaces are not allowed; '.' is, as in "
                        "\"802.1br\"", out);
}

bool
ld_int(struct ld *ld, const cJSON *obj, const char *op, const char *key,
       bool required, long long lo, long long hi, const char *reason,
       long long *out)
{
    char path[JP_LEN];
    const cJSON *v;
    if (!fetch(ld, obj, op, key, required, &v, path)) {
        return !ld->diag->failed;
    }
    if (!cJSON_IsNumber(v)) {
        return wrong_type(ld, v, path, "a whole number");
    }
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d)) {
        return vh_diag_fail(ld->diag, path, "expected a whole number, got "
                            "%.15g", d);
    }
    if (d < (double) lo || d > (double) hi) {
        return vh_diag_fail(ld->diag, path, "%.15g is out of range; "
                            "expected %lld to %lld%s%s%s", d, lo, hi,
                            reason ? " (" : "", reason ? reason : "",
                            reason ? ")" : "");
    }
    *out = (long long) d;
    return true;
}

bool
ld_double(struct ld *ld, const cJSON *obj, const char *op, const char *key,
          double *out)
{
    char path[JP_LEN];
    const cJSON *v;
    if (!fetch(ld, obj, op, key, false, &v, path)) {
        return true;
    }
    if (!cJSON_IsNumber(v)) {
        return wrong_type(ld, v, path, "a number");
    }
    if (!isfinite(v->valuedouble)) {
        /* cJSON reads 1e999 as infinity. */
        return vh_diag_fail(ld->diag, path, "%g is too large for any "
                            "number here", v->valuedouble);
    }
    *out = v->valuedouble;
    return true;
}

bool
ld_bool(struct ld *ld, const cJSON *obj, const char *op, const char *key,
        bool *out)
{
    char path[JP_LEN];
    const cJSON *v;
    if (!fetch(ld, obj, op, key, false, &v, path)) {
        return true;
    }
    if (!cJSON_IsBool(v)) {
        return wrong_type(ld, v, path, "true or false");
    }
    *out = cJSON_IsTrue(v);
    return true;
}

/* A quantity written as a number instead of a string with a unit. */
static bool
no_unit(struct ld *ld, const cJSON *v, const char *path, const char *u1,
        const char *u2)
{
    return vh_diag_fail(ld->diag, path, "%.15g has no unit; write a string "
                        "such as \"%.15g%s\" or \"%.15g%s\"", v->valuedouble,
                        v->valuedouble, u1, v->valuedouble, u2);
}

bool
ld_time(struct ld *ld, const cJSON *obj, const char *op, const char *key,
        bool required, vh_time_t *out)
{
    char path[JP_LEN], why[256];
    const cJSON *v;
    if (!fetch(ld, obj, op, key, required, &v, path)) {
        return !ld->diag->failed;
    }
    if (cJSON_IsNumber(v)) {
        return no_unit(ld, v, path, "us", "ms");
    }
    if (!cJSON_IsString(v)) {
        return wrong_type(ld, v, path, "a time such as \"10us\"");
    }
    if (vh_parse_time(v->valuestring, out, why, sizeof why)) {
        return vh_diag_fail(ld->diag, path, "%s", why);
    }
    return ld_time_in_range(ld, path, v->valuestring, *out);
}

bool
ld_time_in_range(struct ld *ld, const char *path, const char *text,
                 vh_time_t t)
{
    if (t > LD_TIME_MAX) {
        return vh_diag_fail(ld->diag, path, "\"%s\" is longer than any "
                            "time a scenario may give (at most 86400s, "
                            "one day)", text);
    }
    return true;
}

bool
ld_speed(struct ld *ld, const cJSON *obj, const char *op, const char *key,
         uint64_t *out)
{
    char path[JP_LEN], why[256];
    const cJSON *v;
    if (!fetch(ld, obj, op, key, false, &v, path)) {
        return true;
    }
    if (cJSON_IsNumber(v)) {
        return no_unit(ld, v, path, "G", "Gbps");
    }
    if (!cJSON_IsString(v)) {
        return wrong_type(ld, v, path, "a link speed such as \"10G\"");
    }
    if (vh_parse_link_speed(v->valuestring, out, why, sizeof why)) {
        return vh_diag_fail(ld->diag, path, "%s", why);
    }
    if (*out < LD_SPEED_MIN_BPS || *out > LD_SPEED_MAX_BPS) {
        return vh_diag_fail(ld->diag, path, "\"%s\" is out of range; "
                            "expected 1K to 10T (bit/s)", v->valuestring);
    }
    return true;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The names in alphabetical order, for lists in messages. */
static const char **
sorted_copy(const char *const *names, size_t n, const char **out)
{
    memcpy(out, names, n * sizeof *names);
    qsort(out, n, sizeof *out, cmp_str);
    return out;
}

bool
ld_enum(struct ld *ld, const cJSON *obj, const char *op, const char *key,
        const char *what, const char *const *names, size_t n, int *out)
{
    char path[JP_LEN], list[512];
    const char *sorted[16];
    const cJSON *v;
    if (!fetch(ld, obj, op, key, false, &v, path)) {
        return true;
    }
    n = n < 16 ? n : 16;
    vh_join(sorted_copy(names, n, sorted), n, list, sizeof list);
    if (!cJSON_IsString(v)) {
        char expected[600];
        snprintf(expected, sizeof expected, "one of %s", list);
        return wrong_type(ld, v, path, expected);
    }
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(names[i], v->valuestring)) {
            *out = (int) i;
            return true;
        }
    }
    const char *guess = vh_suggest(v->valuestring, names, n);
    if (guess) {
        return vh_diag_fail(ld->diag, path, "unknown %s '%s'; did you mean "
                            "'%s'? (expected one of %s)", what,
                            v->valuestring, guess, list);
    }
    return vh_diag_fail(ld->diag, path, "unknown %s '%s' (expected one of "
                        "%s)", what, v->valuestring, list);
}

bool
ld_name_in(char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(names[i], name)) {
            return true;
        }
    }
    return false;
}

bool
ld_array_max(struct ld *ld, const cJSON *obj, const char *op,
             const char *key, size_t max, const char *what,
             const cJSON **out)
{
    char path[JP_LEN];
    const cJSON *v;
    *out = NULL;
    if (!fetch(ld, obj, op, key, false, &v, path)) {
        return true;
    }
    if (!cJSON_IsArray(v)) {
        return wrong_type(ld, v, path, "an array");
    }
    size_t n = (size_t) cJSON_GetArraySize(v);
    if (n > max) {
        return vh_diag_fail(ld->diag, path, "%zu %s are more than a "
                            "scenario may hold (at most %zu)", n, what, max);
    }
    *out = v;
    return true;
}

bool
ld_array(struct ld *ld, const cJSON *obj, const char *op, const char *key,
         const cJSON **out)
{
    return ld_array_max(ld, obj, op, key, LD_MAX_LIST, "entries", out);
}

bool
ld_count_total(struct ld *ld, const cJSON *arr, const char *ap,
               size_t *total, size_t max, const char *what)
{
    size_t n = arr ? (size_t) cJSON_GetArraySize(arr) : 0;
    if (n > max - *total) {
        char path[JP_LEN];
        jp_idx(path, ap, max - *total);
        return vh_diag_fail(ld->diag, path, "one more than the %zu %s a "
                            "scenario may hold", max, what);
    }
    *total += n;
    return true;
}

bool
ld_sub(struct ld *ld, const cJSON *obj, const char *op, const char *key,
       const struct schema *sch, const cJSON **out, char *path)
{
    const cJSON *v;
    *out = NULL;
    if (!fetch(ld, obj, op, key, false, &v, path)) {
        return true;
    }
    if (!ld_is_object(ld, v, path) || !ld_keys(ld, v, path, sch)) {
        return false;
    }
    *out = v;
    return true;
}
