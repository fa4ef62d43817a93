/* models/hw/vic.c: the VN-Tag adapter: VIFs in place of an embedded
 * switch. */
#include "models/hw/vic.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/cfgobj.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/world.h"
#include "models/endpoint/endpoint.h"
#include "models/guest/vm.h"
#include "models/hw/pnic.h"
#include "models/hw/sriov.h"
#include "models/switch/evbtag.h"
#include "models/switch/vntag.h"
#include "sim/frame.h"
#include "sim/trace.h"
#include "sim/xmalloc.h"

/* What the scenario says of a VIC beyond any NIC's keys. */
struct vic_cfg {
    int vifs;
};

int
vic_cfg_vifs(const struct cfg_nic *cn)
{
    const struct vic_cfg *c = cn->cls == &vic_class ? cn->priv : NULL;
    return c ? c->vifs : 0;
}

struct vic *
vic_of(const struct pnic *nic)
{
    return nic->sriov ? nic->sriov->vic : NULL;
}

int
vic_fn_vif(const struct vic *v, const struct pnic_fn *fn)
{
    return fn->index ? v->base + fn->index - 1 : v->base + v->n_vifs;
}

struct sriov_vf *
vic_vif_find(struct world *w, const char *path)
{
    struct vh_device *d = vh_devtab_find(&w->devs, path);
    return d && d->cls == &vif_class
           ? VH_CONTAINER_OF(d, struct sriov_vf, dev) : NULL;
}

/* The tag the far end of the cable speaks to extenders; VN-Tag when it
 * speaks none.  Cables are laid after the NICs are built, so this is
 * settled at the first frame. */
static enum evb_tag_kind
vic_tag(struct vic *v)
{
    if (!v->tag) {
        const struct port *peer = v->nic->wire.peer;
        if (!peer) {
            return EVB_TAG_VNTAG;   /* No cable: nothing will cross it. */
        }
        v->tag = peer->evb_tag ? peer->evb_tag : EVB_TAG_VNTAG;
    }
    return (enum evb_tag_kind) v->tag;
}

/* The PF is in use when the host has something on it (its address, a
 * bridge, macvtaps); a VIF once a VM NIC has it. */
static bool
fn_in_use(const struct pnic_fn *fn)
{
    return fn->index ? fn->enabled : fn->up->peer != NULL;
}

/* The function in use whose VIF is 'vif', or NULL. */
static struct pnic_fn *
fn_by_vif(struct vic *v, int vif)
{
    struct pnic_fn *fn = NULL;
    if (vif == v->base + v->n_vifs) {
        fn = &v->nic->pf;
    } else if (vif >= v->base && vif < v->base + v->n_vifs) {
        fn = &v->sr->vfs[vif - v->base].fn;
    }
    return fn && fn_in_use(fn) ? fn : NULL;
}

static struct sriov_vf *
vif_of(struct vic *v, const struct pnic_fn *fn)
{
    return fn->index ? &v->sr->vfs[fn->index - 1] : NULL;
}

/* Whether 'ip' is the address of a VM NIC on another VIF than 'from'. */
static bool
is_sibling(const struct vic *v, const struct sriov_vf *from, uint32_t ip)
{
    for (int i = 0; i < v->n_vifs; i++) {
        const struct sriov_vf *s = &v->sr->vfs[i];
        if (s != from && s->vnic && s->vnic->ep && s->vnic->ep->ip == ip) {
            return true;
        }
    }
    return false;
}

/* --- From the cable. --- */

static void
vic_deliver(struct world *w, struct vic *v, struct pnic_fn *fn,
            struct vh_packet *p, vh_time_t ready)
{
    struct vic_fn_stats *st = &v->stats[fn->index];
    struct sriov_vf *vf = vif_of(v, fn);
    st->rx_frames++;
    st->rx_bytes += p->len;
    if (vf) {
        vf->dev.rx++;
        VH_TRACE(&w->trace, VH_HOP_RX, .time = w->sim.now, .pkt = p,
                 .dev = &vf->dev);
    }
    pnic_fn_rx(w, fn, p, ready);
}

/* A VIF list: a copy for every function in use but the one the frame
 * came from, when it looped back to this adapter. */
static void
vic_fan_out(struct world *w, struct vic *v, const struct evb_tag *t,
            struct vh_packet *p, vh_time_t ready)
{
    struct pnic_fn **to = v->sr->scratch;
    size_t n = 0;
    for (int i = -1; i < v->n_vifs; i++) {
        struct pnic_fn *fn = i < 0 ? &v->nic->pf : &v->sr->vfs[i].fn;
        if (fn_in_use(fn) && !(t->looped && vic_fn_vif(v, fn) == t->src)) {
            to[n++] = fn;
        }
    }
    if (!n) {
        acct_consume(w, p, &v->nic->dev);   /* Its sender's own, back. */
        return;
    }
    for (size_t i = 0; i < n; i++) {
        vic_deliver(w, v, to[i], i + 1 == n ? p : acct_clone(w, p), ready);
    }
}

/* A frame still going up that came back: a switch that knows no VN-Tag
 * (a VEPA switch's reflective relay) sent it back unswitched.  When it
 * is an ARP request of one of this adapter's VIFs, the sender learns
 * that its request died here, so the frames waiting on it end with
 * this reason rather than the guess blame_siblings() made as they were
 * sent. */
static void
blame_upstream(struct vic *v, const struct evb_tag *t,
               const struct vh_packet *p)
{
    struct pnic_fn *fn = fn_by_vif(v, t->src);
    struct sriov_vf *vf = fn ? vif_of(v, fn) : NULL;
    uint8_t frame[128];         /* An ARP frame, tagged or not. */
    uint32_t tpa;
    if (!vf || !vf->vnic || !vf->vnic->ep
        || p->len < VNTAG_TYPE_OFF || p->len - VNTAG_HLEN > sizeof frame) {
        return;
    }
    /* The frame as its VIF sent it: without the tag. */
    memcpy(frame, p->data, VNTAG_TPID_OFF);
    memcpy(frame + VNTAG_TPID_OFF, p->data + VNTAG_TPID_OFF + VNTAG_HLEN,
           p->len - VNTAG_TPID_OFF - VNTAG_HLEN);
    if (vh_frame_arp_request(frame, p->len - VNTAG_HLEN, &tpa)
        && is_sibling(v, vf, tpa)) {
        /* Only a sibling is reached by this copy alone; a request for
         * an address beyond the cable went on to it too. */
        endpoint_arp_blame(vf->vnic->ep, tpa, "vif-upstream");
    }
}

void
vic_wire_rx(struct world *w, struct vic *v, struct vh_packet *p,
            vh_time_t ready)
{
    enum evb_tag_kind kind = vic_tag(v);
    struct evb_tag t;
    if (!evbtag_read(p, kind, &t)) {
        v->untagged++;
        acct_drop(w, p, &v->nic->dev, "vif-untagged");
        return;
    }
    if (kind == EVB_TAG_VNTAG && !t.down) {
        /* An E-Tag does not say its direction; a VN-Tag does. */
        v->upstream++;
        blame_upstream(v, &t, p);
        acct_drop(w, p, &v->nic->dev, "vif-upstream");
        return;
    }
    evbtag_pop(p, kind, NULL);
    if (t.group) {
        vic_fan_out(w, v, &t, p, ready);
        return;
    }
    struct pnic_fn *fn = fn_by_vif(v, t.dst);
    if (!fn) {
        v->unknown++;
        acct_drop(w, p, &v->nic->dev, "vif-unknown");
        return;
    }
    vic_deliver(w, v, fn, p, ready);
}

/* --- To the cable. --- */

/* A VM asking for a neighbour on another VIF of this adapter gets its
 * answer only if the bridge upstream sends the request back down, which
 * an 802.1Q switch never does out of the port it came in by.  The
 * endpoint learns why, should no answer come (as for a macvtap in VEPA
 * mode, models/hostnet/macvtap.h); an answer clears it. */
static void
blame_siblings(struct vic *v, const struct sriov_vf *from,
               const struct vh_packet *p)
{
    uint32_t tpa;
    if (!from->vnic || !from->vnic->ep
        || !vh_frame_arp_request(p->data, p->len, &tpa)) {
        return;
    }
    if (is_sibling(v, from, tpa)) {
        endpoint_arp_blame(from->vnic->ep, tpa, "no-hairpin");
    }
}

void
vic_tx(struct world *w, struct vic *v, struct pnic_queue *q,
       struct vh_packet *p)
{
    struct pnic_fn *src = q->fn;
    struct sriov_vf *vf = vif_of(v, src);
    if (vf && !vh_mac_eq(vh_eth_src(p->data), &src->mac)) {
        vf->spoofed++;
        acct_drop(w, p, &vf->dev, "anti-spoof");
        pnic_tx_complete(w, q);
        return;
    }
    struct vic_fn_stats *st = &v->stats[src->index];
    st->tx_frames++;
    st->tx_bytes += p->len;
    if (vf) {
        vf->dev.tx++;
        VH_TRACE(&w->trace, VH_HOP_TX, .time = w->sim.now, .pkt = p,
                 .dev = &vf->dev);
        blame_siblings(v, vf, p);
    }
    /* Up, always: even to a sibling VIF, even a broadcast. */
    struct evb_tag t = { .down = false, .src = (uint16_t) vic_fn_vif(v, src) };
    evbtag_push(p, vic_tag(v), &t);
    pnic_wire_send(w, q, p);
}

/* --- The classes. --- */

static bool
vic_parse(struct cfg_obj *o, void **priv)
{
    if (cfg_obj_has(o, "sriov")) {
        return cfg_obj_fail(o, "sriov", -1, "a VIC has no SR-IOV VFs: its "
                            "PCIe functions are its VIFs; give it "
                            "\"vifs\" (1 to %d) instead", VIC_MAX_VIFS);
    }
    long long n = VIC_DEF_VIFS;
    if (!cfg_obj_int(o, "vifs", 1, VIC_MAX_VIFS,
                     "a VIC has at most 128 VIFs", &n)) {
        return false;
    }
    struct vic_cfg *c = vh_xcalloc(1, sizeof *c);
    c->vifs = (int) n;
    *priv = c;
    return true;
}

static void
vic_free_priv(void *priv)
{
    free(priv);
}

static bool
vic_build(struct world *w, struct host *h, const void *cfg,
          struct vh_diag *diag)
{
    const struct cfg_nic *cn = cfg;
    int n = vic_cfg_vifs(cn);
    int base = evb_vif_alloc(w, n + 1);
    if (base < 0) {
        return vh_diag_fail(diag, cn->jpath, "this VIC needs %d VIF numbers "
                            "(its %d VIFs and its own), and the adapters "
                            "built before it left fewer of the %d a tag "
                            "can carry", n + 1, n, EVB_VIF_MAX);
    }
    struct pnic *nic = pnic_create_as(w, h, cn, &vic_class, n);
    struct vic *v = vh_xcalloc(1, sizeof *v);
    v->nic = nic;
    v->n_vifs = n;
    v->base = base;
    v->stats = vh_xcalloc((size_t) n + 1, sizeof *v->stats);
    v->sr = sriov_create_fns(w, nic, nic->n_all - n, n, &vif_class, "vif",
                             base, false);
    v->sr->vic = v;
    nic->sriov = v->sr;
    nic->wire.evb_extender = true;
    h->nics = vh_xrealloc(h->nics, (h->n_nics + 1) * sizeof *h->nics);
    h->nics[h->n_nics++] = nic;
    (void) diag;
    return true;
}

static struct pnic *
nic_of(const struct vh_device *d)
{
    return VH_CONTAINER_OF(d, struct pnic, dev);
}

static struct port *
vic_wire(struct vh_device *d, uint64_t *bps)
{
    struct pnic *nic = nic_of(d);
    *bps = nic->cfg->speed_bps;
    return &nic->wire;
}

static bool
vic_has_link(const struct vh_device *d)
{
    return nic_of(d)->wire.link != NULL;
}

static void
vic_set_link(struct world *w, struct vh_device *d, bool up)
{
    port_set_link(&nic_of(d)->wire, up);
    (void) w;
}

static void
vic_destroy(struct vh_device *d)
{
    struct pnic *nic = nic_of(d);
    struct vic *v = vic_of(nic);
    free(v->stats);
    free(v);
    pnic_free(nic);
}

static void
report_fn(const struct vic *v, const struct pnic_fn *fn, const char *serves,
          const char *mode, struct report_out *out)
{
    const struct vic_fn_stats *st = &v->stats[fn->index];
    report_out_begin_item(out);
    report_out_num(out, "vif", vic_fn_vif(v, fn));
    report_out_str(out, "serves", serves);
    report_out_str(out, "mode", mode);
    report_out_num(out, "rx_frames", (double) st->rx_frames);
    report_out_num(out, "rx_bytes", (double) st->rx_bytes);
    report_out_num(out, "tx_frames", (double) st->tx_frames);
    report_out_num(out, "tx_bytes", (double) st->tx_bytes);
    report_out_num(out, "drops", (double) fn->dev->drops);
    report_out_end(out);
}

/* Its tag, its own VIF, its drops, and the VIFs in use: the host's own
 * interface first (when the host uses it), then each VM NIC's. */
static void
vic_report(const struct vh_device *d, struct report_out *out)
{
    const struct pnic *nic = nic_of(d);
    const struct vic *v = vic_of(nic);
    const struct port *peer = nic->wire.peer;
    report_out_str(out, "tag", evb_tag_name(v->tag ? v->tag
                                            : peer && peer->evb_tag
                                            ? peer->evb_tag
                                            : EVB_TAG_VNTAG));
    report_out_num(out, "vif", vic_fn_vif(v, &nic->pf));
    report_out_begin(out, "drops");
    report_out_num(out, "vif-untagged", (double) v->untagged);
    report_out_num(out, "vif-upstream", (double) v->upstream);
    report_out_num(out, "vif-unknown", (double) v->unknown);
    report_out_end(out);
    report_out_begin_list(out, "vifs");
    if (fn_in_use(&nic->pf)) {
        report_fn(v, &nic->pf, nic->host->dev.path, "host", out);
    }
    for (int i = 0; i < v->n_vifs; i++) {
        const struct sriov_vf *vf = &v->sr->vfs[i];
        if (!vf->assigned) {
            continue;
        }
        const struct pnic_queue *q = &nic->q[vf->fn.first_q];
        report_fn(v, &vf->fn, vf->vnic ? vf->vnic->dev->path : "",
                  q->cat == CPU_GUEST ? "passthrough" : "standard", out);
    }
    report_out_end(out);
}

static bool
vic_reports(const struct vh_device *d)
{
    (void) d;
    return true;
}

static const char *const vic_models[] = { "vic", NULL };
static const char *const vic_keys[] = { "vifs", NULL };

const struct dev_class vic_class = {
    .kind = "vic",
    .role = VH_ROLE_HW,
    .family = DEV_FAM_NIC,
    .accepts = vic_models,
    .described = "NICs of model vic",
    .keys = vic_keys,
    .parse = vic_parse,
    .free_priv = vic_free_priv,
    .build = vic_build,
    .wire = vic_wire,
    .has_link = vic_has_link,
    .set_link = vic_set_link,
    .host_section = "vics",
    .report = vic_report,
    .reports = vic_reports,
    .destroy = vic_destroy,
};

static void
vif_rogue_dma(struct world *w, struct vh_device *d)
{
    sriov_rogue_dma(w, VH_CONTAINER_OF(d, struct sriov_vf, dev));
}

/* A VIF lives in its adapter's memory and is built with it. */
const struct dev_class vif_class = {
    .kind = "vif",
    .role = VH_ROLE_HW,
    .family = DEV_FAM_PART,
    .rogue_dma = vif_rogue_dma,
};
