/* models/hw/sriov.c: virtual functions and the embedded switch (VEB). */
#include "models/hw/sriov.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/hw/iommu.h"
#include "models/hw/vic.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* Intel's 82599 and I350 place VF n at routing ID PF + 0x80 + 2n (First
 * VF Offset 128, VF Stride 2 in the SR-IOV capability). */
#define VF_OFFSET 0x80
#define VF_STRIDE 2



static bool
pf_owns(const struct sriov *sr, const struct vh_mac *mac)
{
    for (size_t i = 0; i < sr->n_pf_macs; i++) {
        if (vh_mac_eq(&sr->pf_macs[i], mac)) {
            return true;
        }
    }
    return false;
}

/* Whether the PF takes frames of VLAN 'vlan' (-1: untagged). */
static bool
pf_takes(const struct sriov *sr, int vlan)
{
    return vlan < 0 || (sr->pf_vlans[vlan / 64] >> (vlan % 64) & 1);
}

void
sriov_pf_vlans_add(struct sriov *sr, const uint64_t *vids)
{
    for (size_t i = 0; i < PORT_VLAN_WORDS; i++) {
        sr->pf_vlans[i] |= vids[i];
    }
}

/* The function that owns unicast address 'mac' in VLAN 'vlan', or NULL. */
static struct pnic_fn *
veb_lookup(struct sriov *sr, const struct vh_mac *mac, int vlan)
{
    for (int i = 0; i < sr->n_vfs; i++) {
        struct pnic_fn *fn = &sr->vfs[i].fn;
        if (fn->enabled && fn->vlan == vlan && vh_mac_eq(&fn->mac, mac)) {
            return fn;
        }
    }
    return pf_takes(sr, vlan) && pf_owns(sr, mac) ? &sr->nic->pf : NULL;
}

static struct sriov_vf *
vf_of(struct pnic_fn *fn)
{
    return fn->index ? VH_CONTAINER_OF(fn, struct sriov_vf, fn) : NULL;
}

/* Hands 'p' to function 'fn' at 'ready', as the switch delivers it. */
static void
veb_deliver(struct world *w, struct pnic_fn *fn, struct vh_packet *p,
            vh_time_t ready)
{
    struct sriov_vf *vf = vf_of(fn);
    if (vf) {
        if (fn->vlan >= 0) {
            vh_vlan_pop(p);
        }
        vf->dev.rx++;
        VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
                 .dev = &vf->dev);
    }
    pnic_fn_rx(w, fn, p, ready);
}

/* The functions a broadcast or multicast frame in VLAN 'vlan' reaches,
 * other than its sender 'except' (NULL for a frame from the cable).
 * Fills 'to' (room for the PF and every VF) and returns how many. */
static size_t
veb_members(struct sriov *sr, const struct pnic_fn *except, int vlan,
            struct pnic_fn **to)
{
    size_t n = 0;
    if (pf_takes(sr, vlan) && &sr->nic->pf != except) {
        to[n++] = &sr->nic->pf;
    }
    for (int i = 0; i < sr->n_vfs; i++) {
        struct pnic_fn *fn = &sr->vfs[i].fn;
        if (fn->enabled && fn != except && fn->vlan == vlan) {
            to[n++] = fn;
        }
    }
    return n;
}

void
sriov_wire_rx(struct world *w, struct sriov *sr, struct vh_packet *p,
              vh_time_t ready)
{
    if (sr->vic) {
        vic_wire_rx(w, sr->vic, p, ready);
        return;
    }
    const struct vh_mac *dst = vh_eth_dst(p->data);
    int vlan = vh_frame_vlan(p->data, p->len);
    if (vh_mac_is_multicast(dst)) {
        struct pnic_fn **to = sr->scratch;
        size_t n = veb_members(sr, NULL, vlan, to);
        if (!n) {
            acct_drop(w, p, &sr->nic->dev, "vlan-filter");
            return;
        }
        for (size_t i = 0; i < n; i++) {
            veb_deliver(w, to[i], i + 1 == n ? p : acct_clone(w, p), ready);
        }
        return;
    }
    struct pnic_fn *fn = veb_lookup(sr, dst, vlan);
    if (!fn && pf_takes(sr, vlan)) {
        fn = &sr->nic->pf;      /* The PF takes what no VF claims. */
    }
    if (!fn) {
        acct_drop(w, p, &sr->nic->dev, "vlan-filter");
        return;
    }
    veb_deliver(w, fn, p, ready);
}

static void
veb_switched(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    veb_deliver(w, obj, arg, sim->now);
}

/* Sends 'p' across the switch to 'fn', arriving after eswitch_latency. */
static void
veb_switch(struct world *w, struct sriov *sr, struct pnic_fn *fn,
           struct vh_packet *p)
{
    vh_time_t at = w->sim.now + hw_time(w, COST_ESWITCH_LATENCY, 0);
    sr->switched++;
    VH_TRACE(&w->trace, VH_HOP_SERVICE, .time = w->sim.now, .end = at,
             .pkt = p, .dev = &sr->nic->dev, .what = "eswitch");
    vh_schedule_at(&w->sim, at, veb_switched, fn, p);
}

void
sriov_tx(struct world *w, struct sriov *sr, struct pnic_queue *q,
         struct vh_packet *p)
{
    struct pnic_fn *src = q->fn;
    struct sriov_vf *vf = vf_of(src);
    int vlan;

    if (sr->vic) {
        vic_tx(w, sr->vic, q, p);
        return;
    }
    if (vf) {
        if (!vh_mac_eq(vh_eth_src(p->data), &src->mac)) {
            vf->spoofed++;
            acct_drop(w, p, &vf->dev, "anti-spoof");
            pnic_tx_complete(w, q);
            return;
        }
        vf->dev.tx++;
        VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
                 .dev = &vf->dev);
        if (src->vlan >= 0) {
            vh_vlan_push(p, (uint16_t) src->vlan);
        }
        vlan = src->vlan;
    } else {
        vlan = vh_frame_vlan(p->data, p->len);
    }

    const struct vh_mac *dst = vh_eth_dst(p->data);
    if (vh_mac_is_multicast(dst)) {
        /* Copies to the other functions of the VLAN, and the original to
         * the cable, whose departure completes the descriptor. */
        struct pnic_fn **to = sr->scratch;
        size_t n = veb_members(sr, src, vlan, to);
        for (size_t i = 0; i < n; i++) {
            veb_switch(w, sr, to[i], acct_clone(w, p));
        }
        pnic_wire_send(w, q, p);
        return;
    }
    struct pnic_fn *fn = veb_lookup(sr, dst, vlan);
    if (fn && fn != src) {
        veb_switch(w, sr, fn, p);
        pnic_tx_complete(w, q);
        return;
    }
    pnic_wire_send(w, q, p);
}

/* True if some VM NIC of the host asks for VF 'index' of this NIC by
 * number: a VM that takes "any free VF" must leave it alone, whichever of
 * the two is built first. */
static bool
vf_requested(const struct sriov *sr, int index)
{
    const struct cfg_host *ch = sr->nic->host->cfg;
    for (size_t v = 0; v < ch->n_vms; v++) {
        for (size_t i = 0; i < ch->vms[v].n_nics; i++) {
            const struct cfg_vnic *cn = &ch->vms[v].nics[i];
            if (cn->attach == CFG_AT_SRIOV_VF && cn->vf == index
                && !strcmp(cn->attach_to, sr->nic->cfg->name)) {
                return true;
            }
        }
    }
    return false;
}

struct sriov_vf *
sriov_vf_pick(struct sriov *sr, int index)
{
    if (index >= 0) {
        return index < sr->n_vfs ? &sr->vfs[index] : NULL;
    }
    for (int i = 0; i < sr->n_vfs; i++) {
        if (!sr->vfs[i].assigned && !vf_requested(sr, i)) {
            return &sr->vfs[i];
        }
    }
    return NULL;
}

void
sriov_vf_assign(struct sriov_vf *vf, const struct vh_mac *mac, int vlan)
{
    vf->assigned = true;
    vf->dev.report = 1;
    vf->fn.mac = *mac;
    vf->fn.vlan = vlan;
    vf->fn.enabled = true;
}

struct sriov_vf *
sriov_vf_find(struct world *w, const char *path)
{
    struct vh_device *d = vh_devtab_find(&w->devs, path);
    return d && d->cls == &sriov_vf_class
           ? VH_CONTAINER_OF(d, struct sriov_vf, dev) : NULL;
}

void
sriov_rogue_dma(struct world *w, struct sriov_vf *vf)
{
    /* A buffer's worth of bytes aimed past the end of the VM's memory:
     * an address no mapping of the VF's domain covers. */
    struct vh_packet *p = vh_packet_alloc(&w->pool);
    p->len = VH_ETH_MIN_FRAME;
    memset(p->data, 0xa5, p->len);
    p->born = w->sim.now;
    uint64_t iova = IOMMU_GUEST_RAM + ((uint64_t) vf->index << 21);
    vh_time_t extra = 0;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &vf->dev);
    if (pnic_dma(w, &vf->fn, iova, p->len, &extra)) {
        /* No IOMMU: the write lands (the loader refuses this case). */
        acct_consume(w, p, &vf->dev);
        return;
    }
    acct_drop(w, p, &vf->dev, "iommu-blocked");
}

/* The PF's unicast filter: its own address, those of the VM NICs on a
 * bridge that has the NIC as a port (the bridge syncs its static entries
 * to the NIC) and those of macvtaps on the NIC (macvlan adds each
 * address to its lower device's filter). */
static void
pf_filter(struct sriov *sr, const struct cfg_host *ch,
          const struct cfg_nic *cn)
{
    size_t cap = 1;
    for (size_t v = 0; v < ch->n_vms; v++) {
        cap += ch->vms[v].n_nics;
    }
    sr->pf_macs = vh_xcalloc(cap, sizeof *sr->pf_macs);
    sr->pf_macs[sr->n_pf_macs++] = cn->mac;
    for (size_t v = 0; v < ch->n_vms; v++) {
        const struct cfg_vm *vm = &ch->vms[v];
        for (size_t i = 0; i < vm->n_nics; i++) {
            const struct cfg_vnic *vn = &vm->nics[i];
            if (vn->attach == CFG_AT_MACVTAP
                && !strcmp(vn->attach_to, cn->name)) {
                sr->pf_macs[sr->n_pf_macs++] = vn->mac;
            }
        }
    }
    for (size_t b = 0; b < ch->n_bridges; b++) {
        const struct cfg_bridge *br = &ch->bridges[b];
        bool over = false;
        for (size_t i = 0; i < br->n_ports; i++) {
            over = over || !strcmp(br->ports[i], cn->name);
        }
        for (size_t v = 0; over && v < ch->n_vms; v++) {
            const struct cfg_vm *vm = &ch->vms[v];
            for (size_t i = 0; i < vm->n_nics; i++) {
                const struct cfg_vnic *vn = &vm->nics[i];
                if (vn->attach == CFG_AT_BRIDGE
                    && !strcmp(vn->attach_to, br->name)) {
                    sr->pf_macs[sr->n_pf_macs++] = vn->mac;
                }
            }
        }
    }
}

struct sriov *
sriov_create_fns(struct world *w, struct pnic *nic, int first_q, int n,
                 const struct dev_class *cls, const char *prefix,
                 int first_number, bool report)
{
    const struct cfg_nic *cn = nic->cfg;
    struct sriov *sr = vh_xcalloc(1, sizeof *sr);
    sr->nic = nic;
    sr->n_vfs = n;
    sr->vfs = vh_xcalloc((size_t) sr->n_vfs, sizeof *sr->vfs);
    sr->scratch = vh_xcalloc((size_t) sr->n_vfs + 1, sizeof *sr->scratch);
    pf_filter(sr, nic->host->cfg, cn);
    for (int i = 0; i < sr->n_vfs; i++) {
        struct sriov_vf *vf = &sr->vfs[i];
        struct pnic_fn *fn = &vf->fn;
        char name[32];
        snprintf(name, sizeof name, "%s%d", prefix, first_number + i);
        dev_register(w, &vf->dev, cls, &nic->dev, name);
        vf->dev.report = report;
        vf->sr = sr;
        vf->index = i;
        port_init(&vf->up, NULL, vf, &vf->dev, 0);
        fn->nic = nic;
        fn->index = i + 1;
        fn->dev = &vf->dev;
        fn->rid = (uint16_t) (nic->pf.rid + VF_OFFSET + VF_STRIDE * i);
        fn->vlan = -1;
        fn->enabled = false;
        fn->up = &vf->up;
        fn->first_q = first_q + i;
        fn->n_q = 1;
        fn->n_rss = 1;
        nic->q[first_q + i].fn = fn;
    }
    return sr;
}

struct sriov *
sriov_create(struct world *w, struct pnic *nic, int first_q)
{
    return sriov_create_fns(w, nic, first_q, nic->cfg->sriov_vfs,
                            &sriov_vf_class, "vf", 0, true);
}

void
sriov_free(struct sriov *sr)
{
    if (!sr) {
        return;
    }
    free(sr->vfs);
    free(sr->scratch);
    free(sr->pf_macs);
    free(sr);
}

/* --- The class. --- */

static void
sriov_vf_rogue_dma(struct world *w, struct vh_device *d)
{
    sriov_rogue_dma(w, VH_CONTAINER_OF(d, struct sriov_vf, dev));
}

/* A VF lives in its NIC's memory and is built with it. */
const struct dev_class sriov_vf_class = {
    .kind = "vf",
    .role = VH_ROLE_HW,
    .family = DEV_FAM_PART,
    .rogue_dma = sriov_vf_rogue_dma,
};
