/* loader/scenario_vlans.c: VLAN subinterfaces of host NICs and of VM
 * NICs.
 *
 *   nics[].vlans   [{ "id": 100, "ip": "10.1.0.5/24" }, ...]: Linux's
 *                  "eth0.100" (ip link add link eth0 name eth0.100 type
 *                  vlan id 100), the host's address in that VLAN.  Each
 *                  takes an optional "gateway" (an extension, as the NIC's
 *                  own).  IDs are 1 to 4094, one subinterface per ID, and
 *                  no two of a NIC's addresses share a subnet (which one
 *                  would answer would be a matter of luck).
 *   vms[].nics[].vlans
 *                  the same in a guest: the guest's own "eth0.100" on its
 *                  NIC, for a VM on a trunk port (a router VM, a nested
 *                  host).
 *
 * A traffic path names one "host/eth0.100", or "host/vm/eth0.100" in a
 * VM; the host alone ("host") means its first address: the first NIC's
 * own, else that NIC's first VLAN subinterface, and so on NIC by NIC
 * (models/core/host.c builds them in that order).  A VM alone means its
 * first NIC's own address, as without subinterfaces. */
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

/* The "vlans" of the interface at 'np', whose own address is 'own' (NULL
 * if it has none), into '*out' and '*n'. */
static bool
load_vlans(struct ld *ld, const cJSON *o, const char *np,
           const struct cfg_nic *own, struct cfg_vlanif **out, size_t *n)
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
    *n = (size_t) cJSON_GetArraySize(arr);
    *out = ld_calloc(*n ? *n : 1, sizeof **out);
    struct cfg_vlanif *vlans = *out;
    size_t i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        struct cfg_vlanif *vl = &vlans[i];
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
        if (own && own->has_ip && overlap(vl->ip, vl->prefix, own->ip,
                                          own->prefix)) {
            return vh_diag_fail(ld->diag, ip, "%s/%d overlaps the subnet of "
                                "the NIC's own address (%s/%d); a VLAN is a "
                                "subnet of its own",
                                vh_ipv4_format(vl->ip, a), vl->prefix,
                                vh_ipv4_format(own->ip, b), own->prefix);
        }
        for (size_t k = 0; k < i; k++) {
            const struct cfg_vlanif *o2 = &vlans[k];
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

bool
ld_nic_vlans(struct ld *ld, const cJSON *o, const char *np,
             struct cfg_nic *nic)
{
    return load_vlans(ld, o, np, nic, &nic->vlans, &nic->n_vlans);
}

bool
ld_vnic_vlans(struct ld *ld, const cJSON *o, const char *vp,
              struct cfg_vnic *vn)
{
    struct cfg_nic own = { .has_ip = true, .ip = vn->ip,
                           .prefix = vn->prefix };
    return load_vlans(ld, o, vp, &own, &vn->vlans, &vn->n_vlans);
}

/* Splits "eth0.100" into the length of its interface's name and its VLAN
 * ID; false if 'name' is not of that form. */
static bool
split_vlan_name(const char *name, size_t *base_len, long *id)
{
    const char *dot = strrchr(name, '.');
    if (!dot || !dot[1] || dot == name) {
        return false;
    }
    char *end = NULL;
    *id = strtol(dot + 1, &end, 10);
    if (*end || dot[1] < '1' || dot[1] > '9') {
        return false;
    }
    *base_len = (size_t) (dot - name);
    return true;
}

/* The subinterface of 'vlans' whose ID is 'id', or NULL. */
static struct cfg_vlanif *
find_id(struct cfg_vlanif *vlans, size_t n, long id)
{
    for (size_t k = 0; k < n; k++) {
        if (vlans[k].id == id) {
            return &vlans[k];
        }
    }
    return NULL;
}

static bool
names_base(const char *if_name, const char *name, size_t base_len)
{
    return strlen(if_name) == base_len && !strncmp(if_name, name, base_len);
}

struct cfg_vlanif *
ld_find_vlanif(const struct cfg_host *h, const char *name,
               struct cfg_nic **nic)
{
    size_t base_len;
    long id;
    if (!split_vlan_name(name, &base_len, &id)) {
        return NULL;
    }
    for (size_t i = 0; i < h->n_nics; i++) {
        struct cfg_nic *n = &h->nics[i];
        struct cfg_vlanif *vl = names_base(n->name, name, base_len)
                                ? find_id(n->vlans, n->n_vlans, id) : NULL;
        if (vl) {
            *nic = n;
            return vl;
        }
    }
    return NULL;
}

struct cfg_vlanif *
ld_find_vm_vlanif(const struct cfg_vm *vm, const char *name,
                  struct cfg_vnic **vnic)
{
    size_t base_len;
    long id;
    if (!split_vlan_name(name, &base_len, &id)) {
        return NULL;
    }
    for (size_t i = 0; i < vm->n_nics; i++) {
        struct cfg_vnic *n = &vm->nics[i];
        struct cfg_vlanif *vl = names_base(n->name, name, base_len)
                                ? find_id(n->vlans, n->n_vlans, id) : NULL;
        if (vl) {
            *vnic = n;
            return vl;
        }
    }
    return NULL;
}
