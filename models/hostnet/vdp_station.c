/* models/hostnet/vdp_station.c: lldpad's VDP on a host NIC. */
#include "models/hostnet/vdp_station.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/guest/vm.h"
#include "models/hw/cpu.h"
#include "models/hw/pnic.h"
#include "models/switch/l2switch.h"
#include "models/switch/vdp_bridge.h"
#include "sim/xmalloc.h"

/* --- Who is a VSI of which NIC. --- */

/* Whether VM NIC 'cv' of a VM on host 'hc' sends its frames out of NIC
 * 'nic' with its own MAC; if so, '*vid' is the VLAN they carry on the
 * cable (0: untagged).  A NAT'd VM's frames leave with the host's MAC; a
 * passed-through NIC is the guest's own. */
static bool
leaves_by(const struct cfg_host *hc, const struct cfg_vnic *cv,
          const char *nic, uint16_t *vid)
{
    *vid = cv->vlan > 0 ? (uint16_t) cv->vlan : 0;
    switch (cv->attach) {
    case CFG_AT_MACVTAP:
    case CFG_AT_SRIOV_VF:
        return !strcmp(cv->attach_to, nic);
    case CFG_AT_BRIDGE:
    case CFG_AT_OVS:
        for (size_t b = 0; b < hc->n_bridges; b++) {
            const struct cfg_bridge *br = &hc->bridges[b];
            if (strcmp(br->name, cv->attach_to)) {
                continue;
            }
            for (size_t k = 0; k < br->n_ports; k++) {
                if (!strcmp(br->ports[k], nic)) {
                    /* A Linux bridge's uplink carries its default
                     * VLAN untagged. */
                    if (br->type == CFG_BR_LINUX
                        && cv->vlan == VH_DEF_BRIDGE_PVID) {
                        *vid = 0;
                    }
                    return true;
                }
            }
        }
        return false;
    case CFG_AT_NAT:
    case CFG_AT_PASSTHROUGH:
    case CFG_AT_VIF:
    case CFG_AT_DVSWITCH:       /* A distributed switch speaks no VDP. */
        return false;
    }
    return false;
}

/* A version-4-shaped UUID from two FNV-1a hashes of 'path'. */
static void
vsi_uuid(const char *path, uint8_t id[VDP_VSIID_LEN])
{
    uint64_t a = 14695981039346656037ULL, b = a ^ 0x9e3779b97f4a7c15ULL;
    for (const char *c = path; *c; c++) {
        a = (a ^ (uint8_t) *c) * 1099511628211ULL;
        b = (b ^ (uint8_t) *c) * 1099511628211ULL;
    }
    for (int i = 0; i < 8; i++) {
        id[i] = (uint8_t) (a >> (56 - 8 * i));
        id[8 + i] = (uint8_t) (b >> (56 - 8 * i));
    }
    id[6] = (uint8_t) ((id[6] & 0x0f) | 0x40);
    id[8] = (uint8_t) ((id[8] & 0x3f) | 0x80);
}

/* The request that names VM NIC 'n' as a VSI, in mode 'mode'. */
static void
vsi_request(struct vdp_msg *m, const struct vm_nic *n, uint16_t vid,
            uint8_t mode, uint8_t flags)
{
    memset(m, 0, sizeof *m);
    m->mode = mode;
    m->status = flags;
    m->mgrid[10] = 0xff;        /* ::ffff:127.0.0.1 */
    m->mgrid[11] = 0xff;
    m->mgrid[12] = 127;
    m->mgrid[15] = 1;
    m->type_id = 1;
    m->type_version = 1;
    m->vsiid_format = VDP_VSIID_UUID;
    vsi_uuid(n->dev->path, m->vsiid);
    m->filter_format = VDP_FILTER_MACVID;
    m->n_filters = 1;
    m->filters[0].mac = n->cfg->mac;
    m->filters[0].vid = vid;
}

/* --- The agent. --- */

static struct vdp_svsi *
vsi_of(struct vdp_station *st, const struct vm_nic *n)
{
    for (size_t i = 0; i < st->n_vsis; i++) {
        if (st->vsis[i].n == n) {
            return &st->vsis[i];
        }
    }
    return NULL;
}

const struct vdp_svsi *
vdp_station_vsi(const struct vdp_station *st, const struct vm_nic *n)
{
    return vsi_of((struct vdp_station *) st, n);
}

/* lldpad's work, then the NIC driver's, on the core lldpad runs on. */
static void
station_send(struct world *w, void *ctx, struct vh_packet *p)
{
    struct vdp_station *st = ctx;
    struct pnic *nic = st->nic;
    st->dev.tx++;
    p->exec = &st->core->srv;
    cpu_charge(w, st->core, COST_VDP_AGENT, 0, CPU_APP, p, &st->dev);
    pnic_driver_xmit(w, &nic->q[nic->xps[st->core->index]], st->core,
                     CPU_APP, p, &st->dev);
}

/* Asks for VSI 'v' to go into state 'mode'. */
static void
request(struct world *w, struct vdp_station *st, struct vdp_svsi *v,
        uint8_t mode, uint8_t flags)
{
    v->req.mode = mode;
    v->req.status = flags;
    v->confirmed = false;
    v->requested = w->sim.now;
    st->requests++;
    ecp_submit(&st->ecp, &v->req);
}

static void
station_input(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct vdp_station *st = obj;
    struct vh_packet *p = arg;
    struct vdp_msg m;
    if (!vdp_parse(p->data, p->len, &m)) {
        acct_drop(w, p, &st->dev, "bad-vdp");
        return;
    }
    if (ecp_input(&st->ecp, &m) && vdp_is_response(&m)) {
        st->responses++;
        for (size_t i = 0; i < st->n_vsis; i++) {
            struct vdp_svsi *v = &st->vsis[i];
            if (memcmp(v->req.vsiid, m.vsiid, VDP_VSIID_LEN)
                || v->req.mode != m.mode) {
                continue;       /* An answer to an older request. */
            }
            if (m.mode == VDP_DEASSOC) {
                memmove(v, v + 1, (--st->n_vsis - i) * sizeof *v);
            } else {
                v->confirmed = true;
                v->answered = sim->now;
            }
            break;
        }
    }
    acct_consume(w, p, &st->dev);
}

/* An ECP frame from the switch reached lldpad's socket. */
static void
station_rx(struct world *w, void *ctx, struct vh_packet *p)
{
    struct vdp_station *st = ctx;
    st->dev.rx++;
    p->exec = &st->core->srv;
    vh_time_t t = cpu_charge(w, st->core, COST_VDP_AGENT, 0, CPU_APP, p,
                             &st->dev);
    vh_schedule_at(&w->sim, t, station_input, st, p);
}

/* Adds VM NIC 'n' as a VSI of 'st' (not yet requested). */
static struct vdp_svsi *
add_vsi(struct vdp_station *st, const struct vm_nic *n, uint16_t vid)
{
    if (st->n_vsis == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 4;
        st->vsis = vh_xrealloc(st->vsis, st->cap * sizeof *st->vsis);
    }
    struct vdp_svsi *v = &st->vsis[st->n_vsis++];
    memset(v, 0, sizeof *v);
    v->n = n;
    vsi_request(&v->req, n, vid, VDP_ASSOC, 0);
    return v;
}

/* Time 0: lldpad associates every VSI it was told of. */
static void
station_start(struct vh_sim *sim, void *obj, void *arg)
{
    struct vdp_station *st = obj;
    for (size_t i = 0; i < st->n_vsis; i++) {
        request(world_of(sim), st, &st->vsis[i], VDP_ASSOC, 0);
    }
    (void) arg;
}

struct vdp_station *
vdp_station_of(const struct pnic *nic)
{
    return pnic_agent_ctx(nic, station_rx);
}

/* --- Building. --- */

/* Whether the cable of 'nic' ends at a port of a switch that runs VDP
 * on it. */
static bool
on_vdp_port(const struct pnic *nic)
{
    const struct port *peer = nic->wire.peer;
    if (!peer || !peer->dev || peer->dev->cls != &swport_class) {
        return false;
    }
    const struct swport *sp = peer->owner;
    return sp->sw->vdp && vdp_bridge_port_on(sp->sw->vdp, sp->port.index);
}

static struct vdp_station *
station_create(struct world *w, struct host *h, struct pnic *nic)
{
    struct vdp_station *st = vh_xcalloc(1, sizeof *st);
    dev_register(w, &st->dev, &vdp_station_class, &nic->dev, "vdp");
    st->dev.report = 1;
    st->host = h;
    st->nic = nic;
    st->core = host_pick_thread_core(h);
    ecp_init(&st->ecp, w, &nic->pf.mac, station_send, st);
    pnic_agent_bind(nic, &(struct pnic_agent) { ECP_ETHERTYPE, station_rx,
                                                st, NULL });
    return st;
}

bool
vdp_stations_build(struct world *w, struct vh_diag *diag)
{
    for (size_t hi = 0; hi < w->n_hosts; hi++) {
        struct host *h = w->hosts[hi];
        for (size_t i = 0; i < h->n_nics; i++) {
            struct pnic *nic = h->nics[i];
            if (!on_vdp_port(nic)) {
                continue;
            }
            const char *why = pnic_no_kernel_driver(nic);
            if (why) {
                char path[512];
                snprintf(path, sizeof path, "%s.link", nic->cfg->jpath);
                return vh_diag_fail(diag, path, "not supported yet: VDP on "
                                    "%s, which %s (lldpad needs the "
                                    "kernel's driver)", nic->dev.path, why);
            }
            struct vdp_station *st = station_create(w, h, nic);
            for (size_t v = 0; v < h->n_vms; v++) {
                const struct vm *vm = h->vms[v];
                for (size_t k = 0; k < vm->n_nics; k++) {
                    uint16_t vid;
                    if (leaves_by(h->cfg, vm->nics[k].cfg, nic->cfg->name,
                                  &vid)) {
                        add_vsi(st, &vm->nics[k], vid);
                    }
                }
            }
            vh_schedule_at(&w->sim, 0, station_start, st, NULL);
        }
    }
    return true;
}

/* --- Migration. --- */

/* Calls 'fn' for each station of host 'h' that VM NIC 'n' leaves by,
 * with the VLAN its frames carry there. */
static void
each_station(struct world *w, struct host *h, const struct vm_nic *n,
             void (*fn)(struct world *, struct vdp_station *,
                        const struct vm_nic *, uint16_t))
{
    for (size_t i = 0; i < h->n_nics; i++) {
        struct vdp_station *st = vdp_station_of(h->nics[i]);
        uint16_t vid;
        if (st && leaves_by(h->cfg, n->cfg, h->nics[i]->cfg->name, &vid)) {
            fn(w, st, n, vid);
        }
    }
}

static void
deassociate(struct world *w, struct vdp_station *st, const struct vm_nic *n,
            uint16_t vid)
{
    struct vdp_svsi *v = vsi_of(st, n);
    if (v) {
        request(w, st, v, VDP_DEASSOC, 0);
    }
    (void) vid;
}

/* The VM NIC arriving at this station's host: its VSI (made if it is new
 * here) requested in 'mode', with the M bit: it is migrating. */
static void
arriving(struct world *w, struct vdp_station *st, const struct vm_nic *n,
         uint16_t vid, uint8_t mode)
{
    struct vdp_svsi *v = vsi_of(st, n);
    if (!v) {
        v = add_vsi(st, n, vid);
    }
    request(w, st, v, mode, VDP_M_BIT);
}

static void
preassociate(struct world *w, struct vdp_station *st, const struct vm_nic *n,
             uint16_t vid)
{
    arriving(w, st, n, vid, VDP_PREASSOC);
}

static void
associate(struct world *w, struct vdp_station *st, const struct vm_nic *n,
          uint16_t vid)
{
    arriving(w, st, n, vid, VDP_ASSOC);
}

void
vdp_migrate_stop(struct world *w, const struct vm_nic *n, struct host *src,
                 struct host *dst)
{
    each_station(w, src, n, deassociate);
    each_station(w, dst, n, preassociate);
}

void
vdp_migrate_resume(struct world *w, const struct vm_nic *n,
                   struct host *dst)
{
    each_station(w, dst, n, associate);
}

/* --- The class. --- */

static void
vdp_station_destroy(struct vh_device *d)
{
    struct vdp_station *st = VH_CONTAINER_OF(d, struct vdp_station, dev);
    ecp_destroy(&st->ecp);
    free(st->vsis);
    free(st);
}

/* Built on a host NIC by vdp_stations_build(). */
const struct dev_class vdp_station_class = {
    .kind = "vdp-station",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .destroy = vdp_station_destroy,
};
