/* loader/scenario_vlans.c: VLAN subinterfaces of host NICs.
 *
 *   nics[].vlans   [{ "id": 100, "ip": "10.1.0.5/24" }, ...]: Linux's
 *                  "eth0.100" (ip link add link eth0 name eth0.100 type
 *                  vlan id 100), the host's address in that VLAN.  Each
 *                  takes an optional "gateway" (an extension, as the NIC's
 *                  own).  IDs are 1 to 4094, one subinterface per ID, and
 *                  no two of a NIC's addresses share a subnet (which one
 *                  would answer would be a matter of luck).
 *
 * A traffic path names one "host/eth0.100"; the host alone ("host") means
 * its first address: the first NIC's own, else that NIC's first VLAN
 * subinterface, and so on NIC by NIC (models/core/host.c builds them in
 * that order). */
#include "loader/scenario_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct schema_key vlanif_keys[] = {
    { "id", NULL }, { "ip", NULL }, { "gateway", NULL },
};
static const struct schema sch_vlanif = {
    "VLAN subinterface", vlanif_keys,
    sizeof vlanif_keys / sizeof vlanif_keys[0]
};

static uint32_t
mask_of(int prefix)
{
    return prefix ? 0xffffffffu << (32 - prefix) : 0;
}

/* Whether the subnets of a/pa and b/pb overlap. */
static bool
overlap(uint32_t a, int pa, uint32_t b, int pb)
{
    uint32_t m = mask_of(pa < pb ? pa : pb);
    return (a & m) == (b & m);
}

bool
ld_nic_vlans(struct ld *ld, const cJSON *o, const char *np,
             struct cfg_nic *nic)
{
    char path[JP_LEN], a[16], b[16];
    const cJSON *arr;
    if (!ld_array(ld, o, np, "vlans", &arr)) {
        return false;
    }
    if (!arr) {
        return true;
    }
    jp_key(path, np, "vlans");
    nic->n_vlans = (size_t) cJSON_GetArraySize(arr);
    nic->vlans = ld_calloc(nic->n_vlans ? nic->n_vlans : 1,
                           sizeof *nic->vlans);
    size_t i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        struct cfg_vlanif *vl = &nic->vlans[i];
        char vp[JP_LEN], ip[JP_LEN];
        long long id = 0;
        bool has_ip;
        jp_idx(vp, path, i);
        vl->jpath = ld_strdup(vp);
        if (!ld_is_object(ld, c, vp) || !ld_keys(ld, c, vp, &sch_vlanif)
            || !ld_int(ld, c, vp, "id", true, 1, 4094,
                       "VLAN IDs 0 and 4095 are reserved", &id)
            || !ld_load_ip(ld, c, vp, true, &vl->ip, &vl->prefix,
                           &has_ip)) {
            return false;
        }
        vl->id = (uint16_t) id;
        jp_key(ip, vp, "ip");
        if (nic->has_ip && overlap(vl->ip, vl->prefix, nic->ip,
                                   nic->prefix)) {
            return vh_diag_fail(ld->diag, ip, "%s/%d overlaps the subnet of "
                                "the NIC's own address (%s/%d); a VLAN is a "
                                "subnet of its own",
                                vh_ipv4_format(vl->ip, a), vl->prefix,
                                vh_ipv4_format(nic->ip, b), nic->prefix);
        }
        for (size_t k = 0; k < i; k++) {
            const struct cfg_vlanif *o2 = &nic->vlans[k];
            char ik[JP_LEN];
            jp_key(ik, vp, "id");
            if (o2->id == vl->id) {
                return vh_diag_fail(ld->diag, ik, "VLAN %d already has a "
                                    "subinterface (vlans[%zu])", vl->id, k);
            }
            if (overlap(vl->ip, vl->prefix, o2->ip, o2->prefix)) {
                return vh_diag_fail(ld->diag, ip, "%s/%d overlaps the "
                                    "subnet of vlans[%zu] (VLAN %d); each "
                                    "VLAN is a subnet of its own",
                                    vh_ipv4_format(vl->ip, a), vl->prefix,
                                    k, o2->id);
            }
        }
        /* The subinterface's gateway is checked as a NIC's is. */
        struct cfg_nic as_nic = { .has_ip = true, .ip = vl->ip,
                                  .prefix = vl->prefix };
        if (!ld_gateway(ld, c, vp, &as_nic)) {
            return false;
        }
        vl->gateway = as_nic.gateway;
    }
    return true;
}

struct cfg_vlanif *
ld_find_vlanif(const struct cfg_host *h, const char *name,
               struct cfg_nic **nic)
{
    const char *dot = strrchr(name, '.');
    if (!dot || !dot[1] || dot == name) {
        return NULL;
    }
    char *end = NULL;
    long id = strtol(dot + 1, &end, 10);
    if (*end || dot[1] < '1' || dot[1] > '9') {
        return NULL;
    }
    for (size_t i = 0; i < h->n_nics; i++) {
        struct cfg_nic *n = &h->nics[i];
        if (strlen(n->name) != (size_t) (dot - name)
            || strncmp(n->name, name, (size_t) (dot - name))) {
            continue;
        }
        for (size_t k = 0; k < n->n_vlans; k++) {
            if (n->vlans[k].id == id) {
                *nic = n;
                return &n->vlans[k];
            }
        }
    }
    return NULL;
}
