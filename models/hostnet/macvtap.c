/* models/hostnet/macvtap.c: macvlan dispatch and the macvtap modes. */
#include "models/hostnet/macvtap.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/devclass.h"
#include "models/hw/cpu.h"
#include "models/endpoint/endpoint.h"
#include "models/core/host.h"
#include "models/hostnet/lbridge.h"
#include "models/hw/pnic.h"
#include "models/guest/vm.h"
#include "models/core/world.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

static struct macvtap *
tap_by_mac(const struct macvlan *mv, const struct vh_mac *mac)
{
    for (size_t i = 0; i < mv->n_taps; i++) {
        if (vh_mac_eq(&mv->taps[i]->mac, mac)) {
            return mv->taps[i];
        }
    }
    return NULL;
}

static struct macvtap *
tap_by_ip(const struct macvlan *mv, uint32_t ip)
{
    for (size_t i = 0; i < mv->n_taps; i++) {
        if (mv->taps[i]->ep->ip == ip) {
            return mv->taps[i];
        }
    }
    return NULL;
}

/* 'from''s request for sibling 'to' will not be answered, for 'reason':
 * what it is waiting for is lost with it. */
static void
blame(const struct macvtap *from, const struct macvtap *to,
      const struct vh_packet *p, const char *reason)
{
    uint32_t tpa;
    if (vh_frame_arp_request(p->data, p->len, &tpa) && to->ep->ip == tpa) {
        endpoint_arp_blame(from->ep, tpa, reason);
    }
}

static struct cpu_core *
core_of(const struct macvlan *mv, const struct vh_packet *p)
{
    return cpu_exec_core(p, mv->nic->q[0].irq_core);
}

static void
send_on(struct world *w, struct macvlan *mv, struct port *out,
        struct vh_packet *p)
{
    mv->dev.tx++;
    port_deliver(w, out, p);
}

/* --- Receive: from the NIC to the macvtaps. --- */

/* Does sibling 't' take a broadcast that came back from 'from' (NULL:
 * from outside)?  As Linux's macvlan_handle_frame decides. */
static bool
bcast_wanted(const struct macvtap *from, const struct macvtap *t)
{
    if (t == from) {
        return false;
    }
    if (!from) {
        return true;
    }
    if (from->mode == MACVTAP_VEPA) {
        return t->mode == MACVTAP_VEPA || t->mode == MACVTAP_BRIDGE;
    }
    if (from->mode == MACVTAP_BRIDGE) {
        return t->mode == MACVTAP_VEPA;
    }
    return false;
}

static void
mv_bcast_rx(struct world *w, struct macvlan *mv, struct macvtap *from,
            struct vh_packet *p)
{
    bool to_local = mv->local.peer
                    && !(from && from->mode == MACVTAP_PRIVATE);
    size_t n = to_local;
    for (size_t i = 0; i < mv->n_taps; i++) {
        struct macvtap *t = mv->taps[i];
        if (bcast_wanted(from, t)) {
            n++;
        } else if (from && t != from
                   && (t->mode == MACVTAP_PRIVATE
                       || from->mode == MACVTAP_PRIVATE)) {
            blame(from, t, p, "macvtap-private");
        }
    }
    if (!n) {
        if (from && from->mode == MACVTAP_PRIVATE && mv->n_taps > 1) {
            acct_drop(w, p, &mv->dev, "macvtap-private");
        } else {
            acct_consume(w, p, &mv->dev);   /* Its sender's own frame, back. */
        }
        return;
    }
    for (size_t i = 0; i < mv->n_taps; i++) {
        struct macvtap *t = mv->taps[i];
        if (bcast_wanted(from, t)) {
            send_on(w, mv, &t->port, --n ? acct_clone(w, p) : p);
        }
    }
    if (to_local) {
        send_on(w, mv, &mv->local, p);
    }
}

static void
mv_dispatch(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct macvlan *mv = obj;
    struct vh_packet *p = arg;
    struct macvtap *from = tap_by_mac(mv, vh_eth_src(p->data));

    if (mv->n_taps == 1 && mv->taps[0]->mode == MACVTAP_PASSTHRU) {
        send_on(w, mv, &mv->taps[0]->port, p);
        return;
    }
    if (vh_mac_is_multicast(vh_eth_dst(p->data))) {
        mv_bcast_rx(w, mv, from, p);
        return;
    }
    struct macvtap *t = tap_by_mac(mv, vh_eth_dst(p->data));
    if (!t) {
        if (mv->local.peer) {
            send_on(w, mv, &mv->local, p);
        } else {
            acct_drop(w, p, &mv->dev, acct_not_for_me);
        }
        return;
    }
    if (from && from != t && (t->mode == MACVTAP_PRIVATE
                              || from->mode == MACVTAP_PRIVATE)) {
        /* Reflected by the switch, and still kept apart. */
        acct_drop(w, p, &mv->dev, "macvtap-private");
        return;
    }
    send_on(w, mv, &t->port, p);
}

/* A frame enters the macvlan layer, from either side: its forwarding work
 * on the core that carries it, then 'next(obj, p)'. */
static void
mv_enter(struct world *w, struct macvlan *mv, struct vh_packet *p,
         vh_event_fn next, void *obj)
{
    mv->dev.rx++;
    p->hops++;
    VH_TRACE(&w->trace, VH_HOP_ARRIVE, .time = w->sim.now, .pkt = p,
             .dev = &mv->dev);
    vh_time_t t = cpu_charge(w, core_of(mv, p), COST_MACVLAN_FORWARD, 0,
                             CPU_VSWITCH, p, &mv->dev);
    vh_schedule_at(&w->sim, t, next, obj, p);
}

/* A frame from the NIC's driver, on its softirq core. */
static void
mv_lower_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct macvlan *mv = port->owner;
    mv_enter(w, mv, p, mv_dispatch, mv);
}

/* --- Transmit: from a macvtap (the vhost worker) to the NIC. --- */

static void
tap_xmit(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    struct macvtap *tap = obj;
    struct macvlan *mv = tap->mv;
    struct vh_packet *p = arg;
    bool bcast = vh_mac_is_multicast(vh_eth_dst(p->data));

    if (tap->mode == MACVTAP_BRIDGE) {
        if (!bcast) {
            struct macvtap *d = tap_by_mac(mv, vh_eth_dst(p->data));
            if (d && d != tap && d->mode == MACVTAP_BRIDGE) {
                send_on(w, mv, &d->port, p);    /* Switched inside. */
                return;
            }
        } else {
            for (size_t i = 0; i < mv->n_taps; i++) {
                struct macvtap *t = mv->taps[i];
                if (t != tap && t->mode == MACVTAP_BRIDGE) {
                    send_on(w, mv, &t->port, acct_clone(w, p));
                }
            }
        }
    }
    /* A sibling that did not get the request inside the host can only
     * answer if the switch sends it back. */
    uint32_t tpa;
    struct macvtap *s;
    if (bcast && vh_frame_arp_request(p->data, p->len, &tpa)
        && (s = tap_by_ip(mv, tpa)) != NULL && s != tap
        && !(tap->mode == MACVTAP_BRIDGE && s->mode == MACVTAP_BRIDGE)) {
        endpoint_arp_blame(tap->ep, tpa, "no-hairpin");
    }
    send_on(w, mv, &mv->lower, p);
}

static void
tap_from_guest(struct world *w, struct port *port, struct vh_packet *p)
{
    struct macvtap *tap = port->owner;
    mv_enter(w, tap->mv, p, tap_xmit, tap);
}

/* The host's own stack on the NIC transmits: straight to the driver. */
static void
mv_local_rx(struct world *w, struct port *port, struct vh_packet *p)
{
    struct macvlan *mv = port->owner;
    port_deliver(w, &mv->lower, p);
}

/* --- Building. --- */

/* The macvlan layer of 'nic', made (not yet joined to the NIC) if it
 * has none. */
static struct macvlan *
macvlan_get(struct world *w, struct host *h, struct pnic *nic)
{
    for (size_t i = 0; i < h->n_macvlans; i++) {
        if (h->macvlans[i]->nic == nic) {
            return h->macvlans[i];
        }
    }
    struct macvlan *mv = vh_xcalloc(1, sizeof *mv);
    h->macvlans = vh_xgrow(h->macvlans, h->n_macvlans, sizeof *h->macvlans);
    h->macvlans[h->n_macvlans++] = mv;
    dev_register(w, &mv->dev, &macvlan_class, &nic->dev, "macvlan");
    mv->dev.report = 1;
    mv->host = h;
    mv->nic = nic;
    port_init(&mv->lower, mv_lower_rx, mv, &mv->dev, 0);
    port_init(&mv->local, mv_local_rx, mv, &mv->dev, 1);
    return mv;
}

/* The first macvtap on the NIC puts the macvlan layer in its path. */
static void
macvlan_join(struct macvlan *mv)
{
    struct pnic *nic = mv->nic;
    if (mv->joined) {
        return;
    }
    mv->joined = true;
    if (nic->stack.peer) {
        /* The host's own address on the NIC now sits above the macvlan
         * layer, which passes it what no macvtap takes. */
        port_connect(&mv->local, nic->stack.peer);
    }
    port_connect(&mv->lower, &nic->stack);
}

static enum macvtap_mode
mode_of(const char *s)
{
    for (int m = 0; s && m <= MACVTAP_PASSTHRU; m++) {
        if (!strcmp(s, cfg_macvtap_mode_names[m])) {
            return (enum macvtap_mode) m;
        }
    }
    return MACVTAP_VEPA;        /* libvirt's default. */
}

bool
macvtap_attach(struct world *w, struct host *h, struct vm_nic *n,
               struct vh_diag *diag)
{
    const struct cfg_vnic *cv = n->cfg;
    struct pnic *nic = host_nic(w, h, cv->attach_to);
    char tp[512];
    snprintf(tp, sizeof tp, "%s.attach.to", cv->jpath);
    if (!nic) {
        return vh_diag_fail(diag, tp, "host '%s' has no NIC '%s'",
                            h->dev.path, cv->attach_to);
    }
    if (host_bridge_of_nic(h, cv->attach_to)) {
        return vh_diag_fail(diag, tp, "NIC '%s' is a bridge port; a NIC "
                            "with macvtaps on it cannot also be in a "
                            "bridge", cv->attach_to);
    }
    return macvlan_add(w, h, nic, &cv->mac, mode_of(cv->attach_mode), n->ep,
                       n->host, tp, diag);
}

bool
macvlan_add(struct world *w, struct host *h, struct pnic *nic,
            const struct vh_mac *mac, enum macvtap_mode mode,
            struct endpoint *ep, struct port *upper, const char *jpath,
            struct vh_diag *diag)
{
    struct macvlan *mv = macvlan_get(w, h, nic);
    macvlan_join(mv);
    if (mv->n_taps && (mode == MACVTAP_PASSTHRU
                       || mv->taps[0]->mode == MACVTAP_PASSTHRU)) {
        return vh_diag_fail(diag, jpath, "a passthru macvtap owns NIC '%s' "
                            "alone, and it already has one", nic->dev.path);
    }
    struct macvtap *tap = vh_xcalloc(1, sizeof *tap);
    mv->taps = vh_xgrow(mv->taps, mv->n_taps, sizeof *mv->taps);
    mv->taps[mv->n_taps] = tap;
    tap->mv = mv;
    tap->mac = *mac;
    tap->mode = mode;
    tap->ep = ep;
    port_init(&tap->port, tap_from_guest, tap, &mv->dev, (int) mv->n_taps + 2);
    mv->n_taps++;
    port_connect(&tap->port, upper);
    return true;
}

/* --- Migration. --- */

static struct macvlan *
macvlan_of(struct world *w, struct host *h, const struct vm_nic *n)
{
    struct pnic *nic = host_nic(w, h, n->cfg->attach_to);
    for (size_t i = 0; nic && i < h->n_macvlans; i++) {
        if (h->macvlans[i]->nic == nic) {
            return h->macvlans[i];
        }
    }
    return NULL;
}

/* The source host deletes the VM's macvtap.  Frames on their way through
 * the macvlan layer keep their pointer to it, so it is kept until the
 * end; those for the VM's MAC now find no macvtap. */
static void
macvtap_detach_vnic(struct world *w, struct host *h, struct vm_nic *n)
{
    struct macvlan *mv = macvlan_of(w, h, n);
    for (size_t i = 0; mv && i < mv->n_taps; i++) {
        struct macvtap *tap = mv->taps[i];
        if (tap->port.peer == n->host) {
            port_disconnect(&tap->port);
            memmove(&mv->taps[i], &mv->taps[i + 1],
                    (mv->n_taps - i - 1) * sizeof *mv->taps);
            mv->n_taps--;
            mv->gone = vh_xgrow(mv->gone, mv->n_gone, sizeof *mv->gone);
            mv->gone[mv->n_gone++] = tap;
            return;
        }
    }
}

/* The destination makes it anew on its NIC of the same name. */
static void
macvtap_reattach_vnic(struct world *w, struct host *h, struct vm_nic *n)
{
    struct vh_diag diag;
    vh_diag_init(&diag);
    bool ok = macvtap_attach(w, h, n, &diag);
    assert(ok);                 /* The loader checked the destination. */
    (void) ok;
}

static bool
macvtap_prepare_vnic(struct world *w, struct host *h, const struct vm_nic *n,
                     struct vh_diag *diag)
{
    struct pnic *nic = host_nic(w, h, n->cfg->attach_to);
    if (!nic) {
        char path[512];
        snprintf(path, sizeof path, "%s.attach.to", n->cfg->jpath);
        return vh_diag_fail(diag, path, "host '%s' has no NIC '%s' for the "
                            "macvtap to join after migrating", h->dev.path,
                            n->cfg->attach_to);
    }
    macvlan_get(w, h, nic);
    return true;
}

/* --- The class. --- */

static void
macvlan_destroy(struct vh_device *d)
{
    struct macvlan *mv = VH_CONTAINER_OF(d, struct macvlan, dev);
    for (size_t k = 0; k < mv->n_taps; k++) {
        free(mv->taps[k]);
    }
    for (size_t k = 0; k < mv->n_gone; k++) {
        free(mv->gone[k]);
    }
    free(mv->taps);
    free(mv->gone);
    free(mv);
}

/* Built on a NIC by the first macvtap on it. */
const struct dev_class macvlan_class = {
    .kind = "macvlan",
    .role = VH_ROLE_DEVICE,
    .family = DEV_FAM_PART,
    .attach_type = "macvtap",
    .attach = macvtap_attach,
    .detach_vnic = macvtap_detach_vnic,
    .reattach_vnic = macvtap_reattach_vnic,
    .prepare_vnic = macvtap_prepare_vnic,
    .destroy = macvlan_destroy,
};
