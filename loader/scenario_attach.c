/* loader/scenario_attach.c: loads and checks what NAT and macvtap
 * attachments need: the extension keys below, and the configurations a
 * host refuses.
 *
 * Extensions to the contract read here:
 *   nics[].gateway                     the default route's next hop for
 *                                      the host's address on this NIC, an
 *                                      address in its subnet; default none
 *   vms[].nics[].attach.forward        NAT only: port forwards, an array
 *                                      of {"proto": "udp" | "tcp",
 *                                      "port": 1..65535, "to_port":
 *                                      1..65535 (default "port")}
 *   nics[].mtu, vms[].nics[].mtu,      the interface's MTU, 576..9000;
 *   bridges[].mtu                      a bridge's is the default of the VM
 *                                      NICs attached to it (libvirt gives
 *                                      a network's MTU to its taps and,
 *                                      through virtio's host_mtu, to the
 *                                      guests); default 1500 */
#include "loader/scenario_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/defaults.h"

static const struct schema_key forward_keys[] = {
    { "proto", NULL }, { "port", NULL }, { "to_port", NULL },
};
static const struct schema sch_forward = {
    "port forward", forward_keys, sizeof forward_keys / sizeof forward_keys[0]
};

bool
ld_forwards(struct ld *ld, const cJSON *at, const char *ap,
            struct cfg_vnic *vn)
{
    char path[JP_LEN];
    const cJSON *arr;

    if (!ld_array(ld, at, ap, "forward", &arr)) {
        return false;
    }
    if (!arr) {
        return true;
    }
    jp_key(path, ap, "forward");
    if (vn->attach != CFG_AT_NAT) {
        return vh_diag_fail(ld->diag, path, "'forward' applies only to "
                            "attach type nat");
    }
    vn->n_forwards = (size_t) cJSON_GetArraySize(arr);
    vn->forwards = ld_calloc(vn->n_forwards, sizeof *vn->forwards);
    size_t i = 0;
    for (const cJSON *f = arr->child; f; f = f->next, i++) {
        char fp[JP_LEN];
        long long port = 0, to_port = -1;
        int proto = 0;
        jp_idx(fp, path, i);
        if (!ld_is_object(ld, f, fp) || !ld_keys(ld, f, fp, &sch_forward)
            /* UDP or TCP: the first two protocols. */
            || !ld_enum(ld, f, fp, "proto", "protocol", cfg_proto_names,
                        CFG_PROTO_TCP + 1, &proto)
            || !ld_int(ld, f, fp, "port", true, 1, 65535, NULL, &port)
            || !ld_int(ld, f, fp, "to_port", false, 1, 65535, NULL,
                       &to_port)) {
            return false;
        }
        struct cfg_forward *cf = &vn->forwards[i];
        cf->proto = (enum cfg_proto) proto;
        cf->port = (uint16_t) port;
        cf->to_port = (uint16_t) (to_port < 0 ? port : to_port);
        for (size_t k = 0; k < i; k++) {
            if (vn->forwards[k].proto == cf->proto
                && vn->forwards[k].port == cf->port) {
                return vh_diag_fail(ld->diag, fp, "%s port %lld is already "
                                    "forwarded by entry %zu",
                                    cfg_proto_names[proto], port, k);
            }
        }
    }
    return true;
}

bool
ld_gateway(struct ld *ld, const cJSON *o, const char *np,
           struct cfg_nic *nic)
{
    char path[JP_LEN], *s = NULL;
    if (!ld_str(ld, o, np, "gateway", false, &s)) {
        return false;
    }
    if (!s) {
        return true;
    }
    jp_key(path, np, "gateway");
    uint32_t gw = 0;
    uint32_t mask = nic->prefix ? 0xffffffffu << (32 - nic->prefix) : 0;
    if (!vh_ipv4_parse(s, &gw, NULL)) {
        vh_diag_fail(ld->diag, path, "malformed IPv4 address '%s' (expected "
                     "a dotted quad such as \"10.0.0.1\")", s);
    } else if (!nic->has_ip) {
        vh_diag_fail(ld->diag, path, "a gateway is the next hop of the "
                     "NIC's own address; give the NIC an \"ip\" first");
    } else if ((gw & mask) != (nic->ip & mask) || gw == nic->ip) {
        char a[16];
        vh_diag_fail(ld->diag, path, "the gateway %s must be another "
                     "address in the NIC's subnet %s/%d", s,
                     vh_ipv4_format(nic->ip & mask, a), nic->prefix);
    }
    free(s);
    if (ld->diag->failed) {
        return false;
    }
    nic->gateway = gw;
    return true;
}

bool
ld_mtu(struct ld *ld, const cJSON *o, const char *op, uint32_t dflt,
       uint32_t *out)
{
    long long mtu = dflt;
    if (!ld_int(ld, o, op, "mtu", false, VH_MTU_MIN, VH_MTU_MAX, "from "
                "IPv4's smallest datagram every host takes to jumbo frames",
                &mtu)) {
        return false;
    }
    *out = (uint32_t) mtu;
    return true;
}

void
ld_vnic_mtu(const struct cfg_host *h, struct cfg_vnic *vn)
{
    if (vn->mtu) {
        return;
    }
    vn->mtu = VH_DEF_MTU;
    if (vn->attach != CFG_AT_BRIDGE && vn->attach != CFG_AT_OVS) {
        return;
    }
    for (size_t b = 0; b < h->n_bridges; b++) {
        if (!strcmp(h->bridges[b].name, vn->attach_to)
            && h->bridges[b].mtu) {
            vn->mtu = h->bridges[b].mtu;
        }
    }
}

/* ---- Checks once every name is known. ---- */

static uint32_t
mask_of(int prefix)
{
    return prefix ? 0xffffffffu << (32 - prefix) : 0;
}

/* One virbr0 per host: its VMs share one private subnet, apart from the
 * host's other networks, behind an uplink with an address. */
static bool
check_nat(struct ld *ld, const struct cfg_host *h)
{
    const struct cfg_vnic *first = NULL;
    char path[JP_LEN], a[16], b[16];

    for (size_t v = 0; v < h->n_vms; v++) {
        const struct cfg_vm *vm = &h->vms[v];
        for (size_t i = 0; i < vm->n_nics; i++) {
            const struct cfg_vnic *vn = &vm->nics[i];
            if (vn->attach != CFG_AT_NAT) {
                continue;
            }
            uint32_t mask = mask_of(vn->prefix);
            jp_key(path, vn->jpath, "ip");
            if (!first) {
                first = vn;
                if (vn->prefix > 30) {
                    return vh_diag_fail(ld->diag, path, "a NAT network "
                                        "needs room for the gateway and "
                                        "its VMs: a prefix of /30 or "
                                        "shorter");
                }
            } else if (vn->prefix != first->prefix
                       || (vn->ip & mask) != (first->ip & mask)) {
                return vh_diag_fail(ld->diag, path, "host '%s' has one NAT "
                                    "network, %s/%d (from %s); all its VM "
                                    "NICs are on that subnet", h->name,
                                    vh_ipv4_format(first->ip & mask_of(
                                        first->prefix), a),
                                    first->prefix, first->jpath);
            }
            if (vn->ip == (vn->ip & mask) + 1) {
                return vh_diag_fail(ld->diag, path, "%s is the NAT "
                                    "network's gateway, the host's own "
                                    "address on virbr0 (the first host "
                                    "address of the subnet); give the VM "
                                    "another", vh_ipv4_format(vn->ip, a));
            }
            for (size_t k = 0; k < vn->n_forwards; k++) {
                const struct cfg_forward *f = &vn->forwards[k];
                for (size_t v2 = 0; v2 <= v; v2++) {
                    const struct cfg_vm *o = &h->vms[v2];
                    size_t end = v2 == v ? i : o->n_nics;
                    for (size_t j = 0; j < end; j++) {
                        const struct cfg_vnic *on = &o->nics[j];
                        for (size_t m = 0; on->attach == CFG_AT_NAT
                             && m < on->n_forwards; m++) {
                            if (on->forwards[m].proto == f->proto
                                && on->forwards[m].port == f->port) {
                                char fp[JP_LEN];
                                snprintf(fp, sizeof fp,
                                         "%s.attach.forward[%zu]",
                                         vn->jpath, k);
                                return vh_diag_fail(ld->diag, fp, "host "
                                                    "'%s' already forwards "
                                                    "port %u to %s",
                                                    h->name, f->port,
                                                    on->jpath);
                            }
                        }
                    }
                }
            }
        }
    }
    if (!first) {
        return true;
    }

    jp_key(path, first->jpath, "attach");
    const struct cfg_nic *uplink = NULL;
    for (size_t i = 0; i < h->n_nics && !uplink; i++) {
        if (h->nics[i].has_ip) {
            uplink = &h->nics[i];
        }
    }
    if (!uplink) {
        const struct cfg_nic *cand = NULL;
        for (size_t i = 0; i < h->n_nics && !cand; i++) {
            if (h->nics[i].link) {
                cand = &h->nics[i];
            }
        }
        if (!cand && h->n_nics) {
            cand = &h->nics[0];
        }
        if (!cand) {
            return vh_diag_fail(ld->diag, path, "attach type 'nat' "
                                "masquerades behind the host's address, "
                                "but host '%s' has no NIC to be its uplink",
                                h->name);
        }
        return vh_diag_fail(ld->diag, path, "attach type 'nat' masquerades "
                            "behind the host's address, but no NIC of host "
                            "'%s' has an \"ip\"; give its uplink %s/%s one "
                            "(%s.ip)", h->name, h->name, cand->name,
                            cand->jpath);
    }
    uint32_t nmask = mask_of(first->prefix), net = first->ip & nmask;
    for (size_t i = 0; i < h->n_nics; i++) {
        const struct cfg_nic *n = &h->nics[i];
        uint32_t m = mask_of(n->prefix) & nmask;   /* The shorter one. */
        if (n->has_ip && (n->ip & m) == (net & m)) {
            return vh_diag_fail(ld->diag, path, "the NAT network %s/%d "
                                "overlaps the subnet of %s/%s (%s/%d); give "
                                "the VMs a private subnet of their own",
                                vh_ipv4_format(net, a), first->prefix,
                                h->name, n->name,
                                vh_ipv4_format(n->ip & mask_of(n->prefix),
                                               b), n->prefix);
        }
        if (!strcmp(n->name, "virbr0") || !strcmp(n->name, "nat")) {
            return vh_diag_fail(ld->diag, n->jpath, "'%s/%s' is the path of "
                                "the host's NAT network; rename the NIC",
                                h->name, n->name);
        }
    }
    for (size_t i = 0; i < h->n_bridges; i++) {
        if (!strcmp(h->bridges[i].name, "virbr0")
            || !strcmp(h->bridges[i].name, "nat")) {
            return vh_diag_fail(ld->diag, h->bridges[i].jpath, "'%s/%s' is "
                                "the path of the host's NAT network; rename "
                                "the bridge", h->name, h->bridges[i].name);
        }
    }
    return true;
}

static const struct cfg_bridge *
bridge_with_port(const struct cfg_host *h, const char *nic)
{
    for (size_t b = 0; b < h->n_bridges; b++) {
        if (ld_name_in(h->bridges[b].ports, h->bridges[b].n_ports, nic)) {
            return &h->bridges[b];
        }
    }
    return NULL;
}

/* A NIC with macvtaps belongs to its macvlan layer, not to a bridge; a
 * passthru macvtap has its NIC alone. */
static bool
check_macvtap(struct ld *ld, const struct cfg_host *h)
{
    for (size_t v = 0; v < h->n_vms; v++) {
        for (size_t i = 0; i < h->vms[v].n_nics; i++) {
            const struct cfg_vnic *vn = &h->vms[v].nics[i];
            if (vn->attach != CFG_AT_MACVTAP) {
                continue;
            }
            char tp[JP_LEN];
            snprintf(tp, sizeof tp, "%s.attach.to", vn->jpath);
            const struct cfg_bridge *br = bridge_with_port(h, vn->attach_to);
            if (br) {
                return vh_diag_fail(ld->diag, tp, "NIC '%s' is a port of "
                                    "bridge '%s'; a NIC with macvtaps on it "
                                    "cannot also be in a bridge",
                                    vn->attach_to, br->name);
            }
            bool passthru = !strcmp(vn->attach_mode, "passthru");
            for (size_t v2 = 0; v2 <= v; v2++) {
                size_t end = v2 == v ? i : h->vms[v2].n_nics;
                for (size_t j = 0; j < end; j++) {
                    const struct cfg_vnic *o = &h->vms[v2].nics[j];
                    if (o->attach != CFG_AT_MACVTAP
                        || strcmp(o->attach_to, vn->attach_to)) {
                        continue;
                    }
                    if (passthru || !strcmp(o->attach_mode, "passthru")) {
                        return vh_diag_fail(ld->diag, tp, "a passthru "
                                            "macvtap has NIC '%s' to itself, "
                                            "and %s also has a macvtap on it",
                                            vn->attach_to, o->jpath);
                    }
                }
            }
        }
    }
    return true;
}

bool
ld_check_attach_nets(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        if (!check_nat(ld, &sc->hosts[i])
            || !check_macvtap(ld, &sc->hosts[i])) {
            return false;
        }
    }
    return true;
}
