/* tests/test_gui.c: the GUI, headless.
 *
 * Layout: no two boxes overlap for 1 to 64 guests per host (folded or
 * expanded), with unknown kinds placed too, and the same input gives the
 * same positions; an Open vSwitch kernel datapath's handler threads are
 * drawn in ovs-vswitchd's box in the user-space band above the bridge,
 * one box each or folded, clear of the guests' lines, with a way up to
 * them.  Hit-testing: a click at a device's centre selects it.
 * Animation: the frame at a time shows a dot of the flow's colour on the
 * cable that the trace, watched here by a subscriber of our own, says the
 * packet is crossing, and none there when it is not; in a recording of
 * ovs-fast-slow-path, a mouse's first packet goes from br-int up to a
 * handler and back down, tinted as the slow path, its second stays in
 * the kernel, and the upcalls and hits are the model's.  Replay of a
 * recording written by 'vhsim run --record' draws the same pixels as the
 * live run, and a history with a small memory budget draws the same frames
 * as one holding everything, going forward and back.  Also: the controls,
 * the inspector's decoded headers and counters against the trace, compare
 * mode, the PNG writer against known answers and an independent decoder,
 * and the command line.  Everything draws with SDL's software renderer
 * into memory: no display is needed. */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <cjson/cJSON.h>
#include <dirent.h>

#include "cli/cmd_gui.h"
#include "gui/anim.h"
#include "gui/app.h"
#include "gui/history.h"
#include "gui/inspect.h"
#include "gui/layout.h"
#include "gui/png.h"
#include "gui/rates.h"
#include "gui/track.h"
#include "models/core/config.h"
#include "models/core/world.h"
#include "models/ovs/ovs_kernel.h"
#include "record/record.h"
#include "sim/lang.h"
#include "sim/units.h"
#include "tests/testutil.h"

#define DEMO "scenarios/demo.json"

/* The vhsim binary under test, as an absolute path (tests cd away). */
static const char *
bin(void)
{
    static char path[4096];
    if (!realpath(vh_test_bin(), path)) {
        ck_abort_msg("vhsim binary '%s' not found", vh_test_bin());
    }
    return path;
}

/* A topology built by hand: no model involved. */
struct topo {
    struct vh_devtab tab;
    struct vh_device dev[600];
    size_t n;
};

/* The role each kind of this handmade topology plays, as its class would
 * say; kinds not listed are plain devices. */
static uint8_t
role_of(const char *kind)
{
    static const struct { const char *kind; uint8_t role; } roles[] = {
        { "host", VH_ROLE_HOST }, { "vm", VH_ROLE_GUEST },
        { "container", VH_ROLE_GUEST }, { "nic", VH_ROLE_HW },
        { "sriov-vf", VH_ROLE_HW }, { "iommu", VH_ROLE_HW },
        { "switch", VH_ROLE_SWITCHING },
        { "linux-bridge", VH_ROLE_SWITCHING },
        { "ovs-kernel", VH_ROLE_SWITCHING },
    };
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        if (!strcmp(roles[i].kind, kind)) {
            return roles[i].role;
        }
    }
    return VH_ROLE_DEVICE;
}

static struct vh_device *
topo_add(struct topo *t, const char *path, const char *kind,
         struct vh_device *parent)
{
    ck_assert_uint_lt(t->n, 600);
    struct vh_device *d = &t->dev[t->n++];
    memset(d, 0, sizeof *d);
    vh_devtab_add(&t->tab, d, path, kind, parent);
    d->role = role_of(kind);
    return d;
}

/* A host with 'guests' VMs on a bridge, a NIC to a switch; with 'extras',
 * kinds the layout has never heard of, SR-IOV VFs, a macvtap, a second
 * host with containers and a top-level device of unknown kind. */
static void
build_scene(struct gui_scene *sc, struct topo *t, int guests, bool extras)
{
    vh_devtab_init(&t->tab);
    t->n = 0;
    char p[128];
    struct vh_device *h = topo_add(t, "host1", "host", NULL);
    struct vh_device *nic = topo_add(t, "host1/eth0", "nic", h);
    struct vh_device *br = topo_add(t, "host1/br0", "linux-bridge", h);
    vh_device_connect(br, nic, 0);
    for (int i = 0; i < guests; i++) {
        snprintf(p, sizeof p, "host1/vm%d", i + 1);
        struct vh_device *vm = topo_add(t, p, "vm", h);
        snprintf(p, sizeof p, "host1/vm%d/eth0", i + 1);
        struct vh_device *vn = topo_add(t, p, "virtio-net", vm);
        vh_device_connect(vn, br, 0);
        if (extras && i % 7 == 3) {
            snprintf(p, sizeof p, "host1/vm%d/eth1", i + 1);
            struct vh_device *vn2 = topo_add(t, p, "e1000", vm);
            vh_device_connect(vn2, br, 0);
        }
    }
    struct vh_device *sw = topo_add(t, "tor1", "switch", NULL);
    struct vh_device *ports[8];
    for (int i = 0; i < 8; i++) {
        snprintf(p, sizeof p, "tor1/p%d", i + 1);
        ports[i] = topo_add(t, p, "switch-port", sw);
    }
    vh_device_connect(nic, ports[0], 1);
    if (extras) {
        struct vh_device *vf0 = topo_add(t, "host1/eth0/vf0", "sriov-vf", nic);
        topo_add(t, "host1/eth0/vf1", "sriov-vf", nic);
        struct vh_device *mv = topo_add(t, "host1/macvtap0", "macvtap", h);
        vh_device_connect(mv, nic, 0);
        struct vh_device *iommu = topo_add(t, "host1/iommu", "iommu", h);
        (void) iommu;
        struct vh_device *h2 = topo_add(t, "host2", "host", NULL);
        struct vh_device *n2 = topo_add(t, "host2/eth0", "nic", h2);
        struct vh_device *d0 = topo_add(t, "host2/docker0", "bridge-thing",
                                        h2);
        vh_device_connect(d0, n2, 0);
        for (int i = 0; i < 3; i++) {
            snprintf(p, sizeof p, "host2/c%d", i);
            struct vh_device *c = topo_add(t, p, "container", h2);
            snprintf(p, sizeof p, "host2/c%d/veth0", i);
            struct vh_device *v = topo_add(t, p, "veth", c);
            vh_device_connect(v, d0, 0);
        }
        vh_device_connect(n2, ports[2], 1);
        struct vh_device *m = topo_add(t, "mystery", "quantum-router", NULL);
        struct vh_device *mp = topo_add(t, "mystery/q0", "qport", m);
        vh_device_connect(mp, ports[1], 1);
        struct vh_device *deep = topo_add(t, "mystery/q0/lane3", "lane", mp);
        (void) deep;
        (void) vf0;
    }
    gui_scene_init(sc);
    sc->name = gui_xstrdup("handmade");
    sc->variant = gui_xstrdup("base");
    gui_scene_set_topology(sc, &t->tab);
    gui_scene_add_host(sc, h->id, 8);
    if (extras) {
        gui_scene_add_host(sc, vh_devtab_find(&t->tab, "host2")->id, 64);
    }
    vh_devtab_destroy(&t->tab);
}

static bool
boxes_overlap(const struct gui_box *a, const struct gui_box *b)
{
    const float e = 0.01f;
    return a->x + e < b->x + b->w && b->x + e < a->x + a->w
           && a->y + e < b->y + b->h && b->y + e < a->y + a->h;
}

static bool
box_inside(const struct gui_box *in, const struct gui_box *out)
{
    const float e = 0.01f;
    return in->x + e >= out->x && in->y + e >= out->y
           && in->x + in->w <= out->x + out->w + e
           && in->y + in->h <= out->y + out->h + e;
}

/* No two boxes overlap unless one encloses the other, and every box sits
 * inside its parent's. */
static void
check_layout(const struct gui_layout *l, int guests)
{
    for (size_t i = 0; i < l->n_nodes; i++) {
        const struct gui_node *a = &l->nodes[i];
        ck_assert_msg(a->box.w > 0 && a->box.h > 0, "%s has no size",
                      a->label);
        ck_assert(isfinite(a->box.x) && isfinite(a->box.y));
        if (a->parent >= 0) {
            ck_assert_msg(box_inside(&a->box, &l->nodes[a->parent].box),
                          "%d guests: '%s' sticks out of '%s'", guests,
                          a->label, l->nodes[a->parent].label);
        }
        for (size_t j = i + 1; j < l->n_nodes; j++) {
            const struct gui_node *b = &l->nodes[j];
            if (!boxes_overlap(&a->box, &b->box)) {
                continue;
            }
            ck_assert_msg(gui_layout_encloses(l, (int32_t) i, (int32_t) j)
                          || gui_layout_encloses(l, (int32_t) j,
                                                 (int32_t) i),
                          "%d guests: '%s' (%.0f,%.0f %.0fx%.0f) overlaps "
                          "'%s' (%.0f,%.0f %.0fx%.0f)", guests, a->label,
                          a->box.x, a->box.y, a->box.w, a->box.h, b->label,
                          b->box.x, b->box.y, b->box.w, b->box.h);
        }
    }
    /* Every device is drawn somewhere. */
    for (size_t d = 0; d < l->sc->n_devs; d++) {
        ck_assert_msg(l->dev_node[d] >= 0, "device %s has no node",
                      l->sc->devs[d].path);
    }
}

START_TEST(test_layout_no_overlap)
{
    static struct topo t;
    uint8_t expanded[600];
    for (int guests = 1; guests <= 64; guests++) {
        for (int extras = 0; extras < 2; extras++) {
            struct gui_scene sc;
            build_scene(&sc, &t, guests, extras);
            struct gui_layout *l = gui_layout_new(&sc, NULL);
            check_layout(l, guests);

            /* Guests shown one by one plus the count of those folded
             * account for all of them. */
            int shown = 0, folded = 0;
            for (size_t i = 0; i < l->n_nodes; i++) {
                const struct gui_node *n = &l->nodes[i];
                if (n->type == GUI_N_GUEST && n->host == 0) {
                    shown++;
                    ck_assert_float_ge(n->box.w, 120);
                }
                if (n->type == GUI_N_FOLD && n->host == 0) {
                    folded += n->count;
                }
            }
            ck_assert_int_eq(shown + folded, guests);
            if (guests <= GUI_GUEST_UNFOLDED) {
                /* Each guest drawn, the picture of the one host still
                 * fitting 1280x720 (less the bars) at four fifths of its
                 * size or more. */
                ck_assert_int_eq(folded, 0);
                float scale = fminf(1280 / l->bounds.w, 612 / l->bounds.h);
                ck_assert_msg(extras || scale >= 0.8f,
                              "%d guests: scale %.2f",
                              guests, scale);
            } else {
                ck_assert_int_gt(folded, 0);
            }

            /* The same input gives the same positions. */
            struct gui_layout *l2 = gui_layout_new(&sc, NULL);
            ck_assert_uint_eq(l->n_nodes, l2->n_nodes);
            for (size_t i = 0; i < l->n_nodes; i++) {
                ck_assert(!memcmp(&l->nodes[i].box, &l2->nodes[i].box,
                                  sizeof l->nodes[i].box));
            }
            gui_layout_free(l2);

            /* Expanded, every guest has its own box. */
            memset(expanded, 1, sizeof expanded);
            struct gui_layout *le = gui_layout_new(&sc, expanded);
            check_layout(le, guests);
            int all = 0;
            for (size_t i = 0; i < le->n_nodes; i++) {
                all += le->nodes[i].type == GUI_N_GUEST
                       && le->nodes[i].host == 0;
            }
            ck_assert_int_eq(all, guests);
            gui_layout_free(le);
            gui_layout_free(l);
            gui_scene_free(&sc);
        }
    }
}
END_TEST

START_TEST(test_layout_hit_anchor)
{
    static struct topo t;
    for (int guests = 1; guests <= 64; guests += 9) {
        struct gui_scene sc;
        build_scene(&sc, &t, guests, true);
        struct gui_layout *l = gui_layout_new(&sc, NULL);
        for (size_t i = 0; i < l->n_nodes; i++) {
            float x, y;
            gui_layout_anchor(l, (int32_t) i, &x, &y);
            ck_assert_msg(gui_layout_hit(l, x, y) == (int32_t) i,
                          "a click on '%s' selects '%s'", l->nodes[i].label,
                          gui_layout_hit(l, x, y) >= 0
                          ? l->nodes[gui_layout_hit(l, x, y)].label : "-");
        }
        /* Outside everything: nothing. */
        ck_assert_int_eq(gui_layout_hit(l, l->bounds.x - 50,
                                        l->bounds.y - 50), -1);
        gui_layout_free(l);
        gui_scene_free(&sc);
    }
}
END_TEST

/* A host with 'guests' VMs on an Open vSwitch kernel datapath whose
 * 'handlers' and 'revalidators' are threads of ovs-vswitchd, the notes
 * as cli/scene.c writes them. */
static void
build_ovs_scene(struct gui_scene *sc, struct topo *t, int guests,
                int handlers, int revalidators)
{
    vh_devtab_init(&t->tab);
    t->n = 0;
    char p[128];
    struct vh_device *h = topo_add(t, "host1", "host", NULL);
    struct vh_device *nic = topo_add(t, "host1/eth0", "nic", h);
    struct vh_device *br = topo_add(t, "host1/br-int", "ovs-kernel", h);
    vh_device_connect(br, nic, 0);
    uint32_t threads[128];
    for (int i = 0; i < handlers + revalidators; i++) {
        if (i < handlers) {
            snprintf(p, sizeof p, "host1/br-int/handler%d", i);
        } else {
            snprintf(p, sizeof p, "host1/br-int/revalidator%d",
                     i - handlers);
        }
        threads[i] = topo_add(t, p, "ovs-vswitchd-thread", br)->id;
    }
    uint32_t vnics[64];
    for (int i = 0; i < guests; i++) {
        snprintf(p, sizeof p, "host1/vm%d", i + 1);
        struct vh_device *vm = topo_add(t, p, "vm", h);
        snprintf(p, sizeof p, "host1/vm%d/eth0", i + 1);
        struct vh_device *vn = topo_add(t, p, "virtio-net", vm);
        vh_device_connect(vn, br, 0);
        vnics[i] = vn->id;
    }
    struct vh_device *sw = topo_add(t, "tor1", "switch", NULL);
    struct vh_device *p1 = topo_add(t, "tor1/p1", "switch-port", sw);
    vh_device_connect(nic, p1, 1);
    gui_scene_init(sc);
    sc->name = gui_xstrdup("ovs-handmade");
    sc->variant = gui_xstrdup("base");
    gui_scene_set_topology(sc, &t->tab);
    gui_scene_add_host(sc, h->id, handlers);
    gui_scene_set_note(sc, br->id, "kernel datapath|openvswitch.ko");
    for (int i = 0; i < handlers + revalidators; i++) {
        gui_scene_set_note(sc, threads[i], i < handlers
                           ? "ovs-vswitchd|handler thread"
                           : "ovs-vswitchd|revalidator thread");
    }
    for (int i = 0; i < guests; i++) {
        gui_scene_set_note(sc, vnics[i], "vhost-net|in the kernel");
    }
    vh_devtab_destroy(&t->tab);
}

static int32_t
node_of_path(const struct gui_layout *l, const char *path)
{
    for (size_t i = 0; i < l->sc->n_devs; i++) {
        if (!strcmp(l->sc->devs[i].path, path)) {
            return l->dev_node[i];
        }
    }
    return -1;
}

/* The band of host node 'host' captioned 'caption', or NULL. */
static const struct gui_band *
band_of(const struct gui_layout *l, int32_t host, const char *caption)
{
    for (size_t i = 0; i < l->n_bands; i++) {
        if (l->bands[i].host == host
            && !strcmp(l->bands[i].caption, caption)) {
            return &l->bands[i];
        }
    }
    return NULL;
}

START_TEST(test_layout_user_space)
{
    static struct topo t;
    static const int guest_counts[] = { 1, 2, 3, 8 };
    static const int handler_counts[] = { 1, 4, 6, 8, 16, 64 };
    for (size_t gi = 0; gi < 4; gi++) {
        for (size_t hi = 0; hi < 6; hi++) {
            int guests = guest_counts[gi], nh = handler_counts[hi];
            int nr = nh / 4 + 1;
            struct gui_scene sc;
            build_ovs_scene(&sc, &t, guests, nh, nr);
            struct gui_layout *l = gui_layout_new(&sc, NULL);
            check_layout(l, guests);
            int32_t br = node_of_path(l, "host1/br-int");
            ck_assert_int_ge(br, 0);
            ck_assert_int_eq(l->nodes[br].type, GUI_N_MID);
            ck_assert_str_eq(l->nodes[br].sub, "kernel datapath");
            int32_t host = l->nodes[br].host;
            const struct gui_band *user = band_of(l, host, "user space");
            const struct gui_band *kern = band_of(l, host, "host kernel");
            ck_assert(user && kern);
            /* The kernel datapath in the kernel's band, below user
             * space. */
            ck_assert_float_ge(l->nodes[br].box.y, user->y1);
            ck_assert_float_ge(l->nodes[br].box.y, kern->y0);

            int handlers_seen = 0;
            int32_t proc = -1, prev = -1;
            for (int k = 0; k < nh; k++) {
                char path[64];
                snprintf(path, sizeof path, "host1/br-int/handler%d", k);
                int32_t tn = node_of_path(l, path);
                const struct gui_node *n = &l->nodes[tn];
                ck_assert_int_eq(n->type, GUI_N_THREAD);
                /* In ovs-vswitchd's box, in the same host panel, in the
                 * user-space band, above the bridge. */
                ck_assert_int_ge(n->parent, 0);
                const struct gui_node *pn = &l->nodes[n->parent];
                ck_assert_int_eq(pn->type, GUI_N_PROC);
                ck_assert_str_eq(pn->label, "ovs-vswitchd");
                ck_assert_int_eq(n->host, host);
                proc = n->parent;
                ck_assert_float_ge(n->box.y, user->y0);
                ck_assert_float_le(n->box.y + n->box.h, user->y1);
                ck_assert_float_lt(n->box.y + n->box.h,
                                   l->nodes[br].box.y);
                handlers_seen += tn != prev;    /* Boxes they take. */
                prev = tn;
                /* The way an upcall goes: up from the bridge's top to
                 * the handler's bottom, and never down on the way. */
                const float (*pts)[2];
                uint32_t np = gui_layout_path(l, br, tn, &pts);
                ck_assert_uint_ge(np, 2);
                ck_assert_float_eq_tol(pts[0][1], l->nodes[br].box.y, 0.01);
                ck_assert_float_eq_tol(pts[np - 1][1],
                                       n->box.y + n->box.h, 0.01);
                for (uint32_t q = 1; q < np; q++) {
                    ck_assert_float_le(pts[q][1], pts[q - 1][1] + 0.01f);
                }
            }
            /* Each handler its own box while they fit; all counted. */
            int counted = 0;
            for (size_t i = 0; i < l->n_nodes; i++) {
                const struct gui_node *n = &l->nodes[i];
                if (n->type == GUI_N_THREAD && n->parent == proc
                    && strstr(n->label, "handler")) {
                    counted += n->count;
                }
            }
            ck_assert_int_eq(counted, nh);
            if (nh <= 6) {
                ck_assert_int_eq(handlers_seen, nh);
            } else if (nh >= 16) {
                ck_assert_int_eq(handlers_seen, 1);
            }
            ck_assert_float_le(l->nodes[proc].box.w,
                               GUI_THREAD_ROW_BUDGET + 16);

            /* No other line runs through ovs-vswitchd's box: a guest's
             * line must not seem to end in it. */
            const struct gui_box *pb = &l->nodes[proc].box;
            for (size_t r = 0; r < l->n_routes; r++) {
                const struct gui_route *rt = &l->routes[r];
                if (rt->upcall) {
                    continue;
                }
                for (uint32_t q = 1; q < rt->n; q++) {
                    for (int u = 0; u <= 40; u++) {
                        float x = rt->pts[q - 1][0] + (rt->pts[q][0]
                                  - rt->pts[q - 1][0]) * (float) u / 40;
                        float y = rt->pts[q - 1][1] + (rt->pts[q][1]
                                  - rt->pts[q - 1][1]) * (float) u / 40;
                        ck_assert_msg(!(x > pb->x && x < pb->x + pb->w
                                        && y > pb->y && y < pb->y + pb->h),
                                      "%d guests, %d handlers: a line "
                                      "between '%s' and '%s' crosses "
                                      "ovs-vswitchd", guests, nh,
                                      l->nodes[rt->a].label,
                                      l->nodes[rt->b].label);
                    }
                }
            }
            /* A click on any box selects it. */
            for (size_t i = 0; i < l->n_nodes; i++) {
                float x, y;
                gui_layout_anchor(l, (int32_t) i, &x, &y);
                ck_assert_int_eq(gui_layout_hit(l, x, y), (int32_t) i);
            }
            gui_layout_free(l);
            gui_scene_free(&sc);
        }
    }
}
END_TEST

/* Headless drawing surface. */
struct screen {
    SDL_Surface *surf;
    SDL_Renderer *r;
    struct gui_font *font;
};

static void
screen_open(struct screen *s, int w, int h)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    s->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32,
                                             SDL_PIXELFORMAT_ARGB8888);
    ck_assert_ptr_nonnull(s->surf);
    s->r = SDL_CreateSoftwareRenderer(s->surf);
    ck_assert_ptr_nonnull(s->r);
    char err[256];
    s->font = gui_font_new(s->r, err, sizeof err);
    ck_assert_msg(s->font != NULL, "%s", err);
}

static void
screen_close(struct screen *s)
{
    gui_font_free(s->font);
    SDL_DestroyRenderer(s->r);
    SDL_FreeSurface(s->surf);
}

/* The hops of one packet of the demo, watched on the trace bus by a
 * subscriber of our own. */
struct watch {
    const struct world *w;
    int flow;
    uint64_t seq;
    vh_time_t times[256];
    int kinds[256];
    char where[256][32];
    size_t n;
    /* Every counted flow-0 crossing of the host1/eth0 -> tor1/p1 cable. */
    vh_time_t tx[512], rx[512];
    uint64_t tx_seq[512], rx_seq[512];
    size_t n_tx, n_rx;
    uint64_t br0_arrivals_by[2];
    vh_time_t br0_at[2];
};

static void
watch_hop(void *ctx, const struct vh_hop *h)
{
    struct watch *w = ctx;
    const struct vh_packet *p = h->pkt;
    if (!p || !h->dev) {
        return;
    }
    if (p->flow == w->flow && p->seq == w->seq && p->counted
        && !p->is_reply && w->n < 256) {
        w->times[w->n] = h->time;
        w->kinds[w->n] = h->kind;
        snprintf(w->where[w->n], sizeof w->where[w->n], "%s", h->dev->path);
        w->n++;
    }
    if (p->flow == 0 && p->counted) {
        if (h->kind == VH_HOP_TX && !strcmp(h->dev->path, "host1/eth0")
            && w->n_tx < 512) {
            w->tx_seq[w->n_tx] = p->seq;
            w->tx[w->n_tx++] = h->time;
        }
        if (h->kind == VH_HOP_RX && !strcmp(h->dev->path, "tor1/p1")
            && w->n_rx < 512) {
            w->rx_seq[w->n_rx] = p->seq;
            w->rx[w->n_rx++] = h->time;
        }
    }
    if (h->kind == VH_HOP_ARRIVE && !strcmp(h->dev->path, "host1/br0")) {
        for (int i = 0; i < 2; i++) {
            w->br0_arrivals_by[i] += h->time <= w->br0_at[i];
        }
    }
}

static void
watch_demo(struct watch *wt, int flow, uint64_t seq, vh_time_t br0_at0,
           vh_time_t br0_at1)
{
    memset(wt, 0, sizeof *wt);
    wt->flow = flow;
    wt->seq = seq;
    wt->br0_at[0] = br0_at0;
    wt->br0_at[1] = br0_at1;
    struct vh_diag diag;
    vh_diag_init(&diag);
    struct cfg_scenario *cfg = cfg_load(DEMO, NULL, &diag);
    ck_assert_msg(cfg != NULL, "%s", diag.msg);
    struct world *w = world_build(cfg, &diag);
    ck_assert_msg(w != NULL, "%s", diag.msg);
    wt->w = w;
    vh_trace_subscribe(&w->trace, VH_HOP_ALL, watch_hop, wt);
    world_run(w, NULL, NULL);
    world_free(w);
    cfg_free(cfg);
    wt->w = NULL;
}

/* A viewer of the live demo, or of a recording. */
struct viewer {
    struct screen scr;
    struct gui_app app;
    struct cli_gui_live *live[GUI_MAX_SIDES];
};

static void
viewer_live(struct viewer *v, int w, int h, const char *const *variants,
            int n)
{
    memset(v, 0, sizeof *v);
    screen_open(&v->scr, w, h);
    gui_app_init(&v->app, v->scr.r, v->scr.font, w, h);
    for (int i = 0; i < n; i++) {
        struct gui_history *hist = cli_gui_live_open(DEMO, variants[i],
                                                     &v->live[i]);
        ck_assert_ptr_nonnull(hist);
        gui_app_add_side(&v->app, hist, variants[i]);
    }
    v->app.paused = true;
}

static void
viewer_file(struct viewer *v, int w, int h, const char *path, size_t budget)
{
    memset(v, 0, sizeof *v);
    screen_open(&v->scr, w, h);
    gui_app_init(&v->app, v->scr.r, v->scr.font, w, h);
    char err[256];
    struct gui_history *hist = gui_history_open(path, NULL, NULL, budget, err,
                                                sizeof err);
    ck_assert_msg(hist != NULL, "%s", err);
    gui_app_add_side(&v->app, hist, NULL);
    v->app.paused = true;
}

static void
viewer_close(struct viewer *v)
{
    gui_app_free(&v->app);
    for (int i = 0; i < GUI_MAX_SIDES; i++) {
        cli_gui_live_free(v->live[i]);
    }
    screen_close(&v->scr);
}

static uint8_t *
frame_at(struct viewer *v, vh_time_t t)
{
    ck_assert_int_eq(gui_app_set_time(&v->app, t), 0);
    gui_app_draw(&v->app);
    uint8_t *px = gui_app_pixels(&v->app);
    ck_assert_ptr_nonnull(px);
    return px;
}

/* Pixels of exactly colour 'c' within 3 pixels of the route a packet
 * follows between the nodes of devices 'a' and 'b'. */
static int
colour_on_route(struct viewer *v, const uint8_t *px, const char *a,
                const char *b, SDL_Color c)
{
    struct gui_side *sd = &v->app.side[0];
    const struct gui_scene *sc = gui_history_scene(sd->h);
    int32_t na = -1, nb = -1;
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (!strcmp(sc->devs[i].path, a)) {
            na = sd->l->dev_node[i];
        }
        if (!strcmp(sc->devs[i].path, b)) {
            nb = sd->l->dev_node[i];
        }
    }
    ck_assert(na >= 0 && nb >= 0);
    const float (*pts)[2];
    uint32_t n = gui_layout_path(sd->l, na, nb, &pts);
    int hits = 0;
    for (int k = 0; k <= 400; k++) {
        float wx, wy, x, y;
        gui_polyline_at(pts, n, (float) k / 400, &wx, &wy);
        gui_app_to_screen(&v->app, 0, wx, wy, &x, &y);
        for (int dy = -3; dy <= 3; dy++) {
            for (int dx = -3; dx <= 3; dx++) {
                int xi = (int) x + dx, yi = (int) y + dy;
                if (xi < 0 || yi < 0 || xi >= v->app.w || yi >= v->app.h) {
                    continue;
                }
                const uint8_t *p = px + ((size_t) yi * (size_t) v->app.w
                                         + (size_t) xi) * 3;
                hits += p[0] == c.r && p[1] == c.g && p[2] == c.b;
            }
        }
    }
    return hits;
}

START_TEST(test_dot_on_the_cable_the_trace_says)
{
    struct watch wt;
    watch_demo(&wt, 0, 0, 0, 0);
    /* Packet 0 of flow 0 left host1/eth0 at tx[0] and reached tor1/p1 at
     * rx[0]: halfway, it is on that cable. */
    ck_assert_uint_ge(wt.n_tx, 1);
    ck_assert_uint_ge(wt.n_rx, 1);
    ck_assert_uint_eq(wt.tx_seq[0], 0);
    ck_assert_uint_eq(wt.rx_seq[0], 0);
    vh_time_t mid = (wt.tx[0] + wt.rx[0]) / 2;
    /* A time when no flow-0 packet is on that cable. */
    vh_time_t quiet = wt.tx[0] - 2 * VH_US;
    for (size_t i = 0; i < wt.n_tx && i < wt.n_rx; i++) {
        ck_assert(!(wt.tx[i] <= quiet && quiet <= wt.rx[i]));
    }

    static const char *const base[] = { "base" };
    struct viewer v;
    viewer_live(&v, 1280, 720, base, 1);
    SDL_Color blue = gui_flow_color(0);
    uint8_t *px = frame_at(&v, mid);
    int on = colour_on_route(&v, px, "host1/eth0", "tor1/p1", blue);
    free(px);
    px = frame_at(&v, quiet);
    int off = colour_on_route(&v, px, "host1/eth0", "tor1/p1", blue);
    free(px);
    ck_assert_msg(on > 0, "no dot of flow 0's colour on the cable at %llu ps",
                  (unsigned long long) mid);
    ck_assert_msg(off == 0, "a dot of flow 0's colour on the cable when no "
                  "packet of it crosses (%d pixels)", off);

    /* The frame's own account agrees: that packet is moving between the
     * two devices' nodes. */
    gui_app_set_time(&v.app, mid);
    struct gui_side *sd = &v.app.side[0];
    int64_t pi = gui_history_find_seq(sd->h, 0, 0, false);
    ck_assert_int_ge(pi, 0);
    bool found = false;
    for (size_t i = 0; i < sd->frame.n_dots; i++) {
        const struct gui_dot *d = &sd->frame.dots[i];
        if ((int64_t) d->pkt == pi) {
            found = true;
            ck_assert_int_eq(d->state, GUI_DOT_MOVING);
            const struct gui_scene *sc = gui_history_scene(sd->h);
            ck_assert_str_eq(sc->devs[sd->l->nodes[d->node].dev].path,
                             "host1/eth0");
            ck_assert_str_eq(sc->devs[sd->l->nodes[d->to].dev].path,
                             "tor1/p1");
        }
    }
    ck_assert(found);
    viewer_close(&v);
}
END_TEST

static char *
record_demo(const char *dir, const char *extra)
{
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/demo.vhrec", dir);
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/" DEMO "' --quiet "
                        "--record demo.vhrec %s", dir, bin(),
                        getcwd((char[4096]) { 0 }, 4096), extra);
    ck_assert_msg(st == 0, "vhsim run --record failed (%d): %s", st, out);
    free(out);
    return path;
}

START_TEST(test_replay_equals_live)
{
    char *dir = vh_test_tmpdir();
    char *rec = record_demo(dir, "");
    ck_assert(gui_rec_is_recording(rec));
    static const char *const base[] = { "base" };
    struct viewer live, replay;
    viewer_live(&live, 960, 540, base, 1);
    viewer_file(&replay, 960, 540, rec, 0);
    /* The live run learns when it ends by getting there; from then on its
     * timeline is the recording's. */
    ck_assert_int_eq(gui_app_set_time(&live.app, GUI_TIME_INF - 1), 0);
    static const vh_time_t at[] = {
        0, 15 * VH_US, 100500 * VH_NS, 111 * VH_US, 114300 * VH_NS,
        150 * VH_US, 500 * VH_US, 1300 * VH_US,
    };
    size_t bytes = 960 * 540 * 3;
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        uint8_t *a = frame_at(&live, at[i]);
        uint8_t *b = frame_at(&replay, at[i]);
        ck_assert_msg(!memcmp(a, b, bytes), "live and replay differ at %llu "
                      "ps", (unsigned long long) at[i]);
        free(a);
        free(b);
    }
    /* With a packet selected and followed, the inspector open. */
    for (int k = 0; k < 2; k++) {
        struct gui_app *a = k ? &replay.app : &live.app;
        a->has_pkt = true;
        a->pkt_flow = 0;
        a->pkt_seq = 3;
        a->follow = true;
    }
    uint8_t *a = frame_at(&live, 140 * VH_US);
    uint8_t *b = frame_at(&replay, 140 * VH_US);
    ck_assert(!memcmp(a, b, bytes));
    free(a);
    free(b);
    viewer_close(&live);
    viewer_close(&replay);
    unlink(rec);
    rmdir(dir);
    free(rec);
    free(dir);
}
END_TEST

/* Everything a frame says about its dots, as text sorted by packet id, to
 * compare frames whatever the order of the window. */
struct dot_line {
    uint64_t id;
    char text[96];
};

static int
dot_line_cmp(const void *a_, const void *b_)
{
    const struct dot_line *a = a_, *b = b_;
    return a->id < b->id ? -1 : a->id > b->id;
}

static char *
frame_text(struct gui_history *h, struct gui_layout *l, vh_time_t t)
{
    ck_assert_int_eq(gui_history_seek(h, t, GUI_AHEAD), 0);
    struct gui_frame f;
    gui_frame_init(&f);
    struct gui_anim_opts o = { 1200 * VH_NS, 300 * VH_NS, 1 * VH_US, 0 };
    gui_anim_frame(&f, h, l, t, &o);
    struct dot_line *v = calloc(f.n_dots + 1, sizeof *v);
    for (size_t i = 0; i < f.n_dots; i++) {
        const struct gui_dot *d = &f.dots[i];
        v[i].id = gui_history_packet(h, d->pkt)->id;
        snprintf(v[i].text, sizeof v[i].text, "#%llu %d %d %d %.2f %.2f\n",
                 (unsigned long long) v[i].id, d->state, d->node, d->to,
                 isnan(d->x) ? -1.0 : d->x, isnan(d->y) ? -1.0 : d->y);
    }
    qsort(v, f.n_dots, sizeof *v, dot_line_cmp);
    char *s = calloc(f.n_dots * 96 + 1, 1);
    for (size_t i = 0; i < f.n_dots; i++) {
        strcat(s, v[i].text);
    }
    free(v);
    gui_frame_free(&f);
    return s;
}

START_TEST(test_small_budget_same_frames)
{
    /* A longer run than the demo: a steady flow of 300k packets/s. */
    char *dir = vh_test_tmpdir();
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && sed -e 's/\"rate\": \"100kpps\", "
             "\"count\": 100/\"rate\": \"400kpps\", \"count\": 1200/' "
             "-e 's/\"duration\": \"2ms\"/\"duration\": \"4ms\"/' '%s/" DEMO
             "' > long.json && grep -q 400kpps long.json && '%s' run "
             "long.json --quiet --record long.vhrec", dir,
             getcwd((char[4096]) { 0 }, 4096), bin());
    char *out = NULL;
    int st = vh_test_sh(&out, "%s", cmd);
    ck_assert_msg(st == 0, "%s", out);
    free(out);
    char path[4096];
    snprintf(path, sizeof path, "%s/long.vhrec", dir);

    char err[256];
    struct gui_history *all = gui_history_open(path, NULL, NULL, 0, err,
                                               sizeof err);
    ck_assert_msg(all != NULL, "%s", err);
    struct gui_history *small = gui_history_open(path, NULL, NULL, 5000, err,
                                                 sizeof err);
    ck_assert(small != NULL);
    struct gui_layout *l = gui_layout_new(gui_history_scene(all), NULL);
    /* Forward, then back and forth. */
    static const vh_time_t at[] = {
        200 * VH_US, 600 * VH_US, 1100 * VH_US, 1900 * VH_US, 2400 * VH_US,
        3100 * VH_US, 700 * VH_US, 2000 * VH_US, 350 * VH_US, 1500 * VH_US,
        3300 * VH_US,
    };
    size_t dots = 0;
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        char *a = frame_text(all, l, at[i]);
        char *b = frame_text(small, l, at[i]);
        ck_assert_msg(!strcmp(a, b), "frames differ at %llu ps",
                      (unsigned long long) at[i]);
        for (char *c = a; *c; c++) {
            dots += *c == '\n';
        }
        free(a);
        free(b);
    }
    ck_assert_uint_gt(dots, 20);
    /* The whole run is far larger than the small window ever was. */
    ck_assert_uint_le(gui_history_peak(small), 5000 + 2 * 4096);
    ck_assert_uint_gt(gui_history_peak(all), 3 * (5000 + 2 * 4096));

    /* Straight to the end, as dragging the timeline there does: memory
     * stays bounded on the way, and the frame is the same. */
    struct gui_history *jump = gui_history_open(path, NULL, NULL, 5000, err,
                                                sizeof err);
    ck_assert(jump != NULL);
    char *a = frame_text(all, l, 3300 * VH_US);
    char *b = frame_text(jump, l, 3300 * VH_US);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    ck_assert_uint_le(gui_history_peak(jump), 5000 + 2 * 4096);
    gui_history_free(jump);

    /* Counters answered from keyframes agree too. */
    const struct gui_scene *sc = gui_history_scene(all);
    uint32_t br0 = 0;
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (!strcmp(sc->devs[i].path, "host1/br0")) {
            br0 = (uint32_t) i;
        }
    }
    struct gui_ctr ca, cb;
    gui_history_seek(all, 2500 * VH_US, GUI_AHEAD);
    gui_history_seek(small, 2500 * VH_US, GUI_AHEAD);
    gui_history_counters(all, br0, 2500 * VH_US, &ca, NULL, 0);
    gui_history_counters(small, br0, 2500 * VH_US, &cb, NULL, 0);
    ck_assert(!memcmp(&ca, &cb, sizeof ca));
    ck_assert_uint_gt(ca.n[VH_HOP_ARRIVE], 500);

    gui_layout_free(l);
    gui_history_free(all);
    gui_history_free(small);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* The inspector's "in N   out M" of device 'path' at time 't', as read
 * off its lines; false if it shows no counters. */
static bool
inspector_in_out(struct gui_app *a, const char *path, vh_time_t t,
                 uint64_t *in, uint64_t *out)
{
    snprintf(a->sel_path, sizeof a->sel_path, "%s", path);
    a->has_pkt = false;
    gui_app_set_time(a, t);
    for (size_t i = 0; i < a->lines.n; i++) {
        const char *s = strstr(a->lines.v[i].text, "   in ");
        if (!s || !strstr(a->lines.v[i].text, "arrived ")) {
            continue;
        }
        char digits[2][32] = { "", "" };
        int k = 0;
        for (const char *c = s; *c && k < 2; c++) {
            if (*c >= '0' && *c <= '9') {
                strncat(digits[k], c, 1);
            } else if (*c != ',' && digits[k][0]) {
                k++;
            }
        }
        *in = strtoull(digits[0], NULL, 10);
        *out = strtoull(digits[1], NULL, 10);
        return true;
    }
    return false;
}

/* At the run's end, every device the inspector shows counts what the
 * report's devices[] says it received and sent: a switch and a bridge,
 * which count frames at their ports rather than at hops of their own,
 * too (they read 0 before).  Halfway, a switch's counts lie between. */
START_TEST(test_inspector_counts_equal_report)
{
    static const char *const scn[] = { DEMO, "scenarios/ovs-vlan-mirror.json" };
    char *dir = vh_test_tmpdir();
    size_t between = 0;
    for (size_t s = 0; s < 2; s++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/%s' --quiet "
                            "--record r.vhrec --json r.json", dir, bin(),
                            getcwd((char[4096]) { 0 }, 4096), scn[s]);
        ck_assert_msg(st == 0, "vhsim run failed (%d): %s", st, out);
        free(out);
        char path[4200];
        snprintf(path, sizeof path, "%s/r.json", dir);
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        static char text[1 << 20];
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
        cJSON *r = cJSON_Parse(text);
        ck_assert_ptr_nonnull(r);
        vh_time_t end = (vh_time_t) cJSON_GetObjectItem(r, "sim_time_ns")
                            ->valuedouble * VH_NS;
        snprintf(path, sizeof path, "%s/r.vhrec", dir);
        struct viewer v;
        viewer_file(&v, 1280, 720, path, 0);
        /* The timeline ends when the run did, not at its duration. */
        ck_assert_uint_eq(gui_app_end(&v.app) / VH_NS, end / VH_NS);
        size_t shown = 0, aggregates = 0;
        const cJSON *d;
        cJSON_ArrayForEach(d, cJSON_GetObjectItem(r, "devices")) {
            const char *p = cJSON_GetObjectItem(d, "path")->valuestring;
            const char *kind = cJSON_GetObjectItem(d, "kind")->valuestring;
            uint64_t rx = (uint64_t) cJSON_GetObjectItem(d, "rx")->valuedouble;
            uint64_t tx = (uint64_t) cJSON_GetObjectItem(d, "tx")->valuedouble;
            uint64_t in, o;
            if (!inspector_in_out(&v.app, p, end + VH_MS, &in, &o)) {
                continue;
            }
            shown++;
            ck_assert_msg(in == rx && o == tx, "%s: %s: inspector in %llu "
                          "out %llu, report rx %llu tx %llu", scn[s], p,
                          (unsigned long long) in, (unsigned long long) o,
                          (unsigned long long) rx, (unsigned long long) tx);
            if ((!strcmp(kind, "switch") || !strcmp(kind, "linux-bridge")
                 || strstr(kind, "ovs")) && rx) {
                aggregates++;
                uint64_t hin, ho;
                ck_assert(inspector_in_out(&v.app, p, end / 2, &hin, &ho));
                ck_assert_msg(hin <= rx && ho <= tx, "%s: %s: %llu in "
                              "halfway", scn[s], p, (unsigned long long) hin);
                between += hin > 0 && hin < rx;
            }
        }
        ck_assert_uint_gt(shown, 5);
        ck_assert_uint_gt(aggregates, 0);
        viewer_close(&v);
        cJSON_Delete(r);
    }
    ck_assert_uint_gt(between, 0);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* In Chinese the CPU categories of a host's core loads and of a packet's
 * cycles are the report's words, and each hop row says where its columns
 * start, so that they line up however wide a font draws them. */
START_TEST(test_inspector_chinese)
{
    char *dir = vh_test_tmpdir();
    char *rec = record_demo(dir, "");
    struct viewer v;
    viewer_file(&v, 1280, 720, rec, 0);
    struct gui_app *a = &v.app;
    vh_lang_set(VH_LANG_ZH);
    a->has_pkt = true;
    a->pkt_flow = 0;
    a->pkt_seq = 0;
    gui_app_set_time(a, 114300 * VH_NS);
    size_t hops = 0;
    bool footer = false, arp = false;
    for (size_t i = 0; i < a->lines.n; i++) {
        const struct gui_line *ln = &a->lines.v[i];
        ck_assert_msg(!strstr(ln->text, "softirq")
                      && !strstr(ln->text, "vswitch")
                      && !strstr(ln->text, "waiting for"), "%s", ln->text);
        /* The first packet waited for ARP: said in Chinese. */
        arp |= strstr(ln->text, "\xe7\xad\x89\xe5\xbe\x85 ARP") != NULL;
        footer |= strstr(ln->text, "\xe8\xbd\xaf\xe4\xb8\xad\xe6\x96\xad ")
                  && strstr(ln->text, "\xe5\xae\xa2\xe6\x88\xb7\xe6\x9c\xba ");
        if (ln->hop) {
            hops++;
            /* The device's column starts at the device, the kind's at a
             * word, the detail's after the kind's spaces. */
            ck_assert_uint_gt(ln->cell[0], 0);
            ck_assert(ln->text[ln->cell[0]] != ' '
                      && ln->text[ln->cell[0] - 1] == ' ');
            ck_assert(ln->text[ln->cell[1]] != ' '
                      && ln->text[ln->cell[1] - 1] == ' ');
            ck_assert(ln->text[ln->cell[2] - 1] == ' ');
            ck_assert(!strncmp(ln->text + ln->cell[0], "host1/", 6)
                      || !strncmp(ln->text + ln->cell[0], "tor1", 4)
                      || !strncmp(ln->text + ln->cell[0], "remote/", 7));
        }
    }
    ck_assert_uint_gt(hops, 10);
    ck_assert(footer);
    ck_assert(arp);
    /* A 1000-byte frame of vm2-to-vm1 is recorded cut: its headers'
     * title says so in Chinese too ("报文头" ... "仅保留开头的字节"). */
    a->pkt_flow = 1;
    a->pkt_seq = 5;
    gui_app_set_time(a, 105 * VH_US);
    bool cut = false;
    for (size_t i = 0; i < a->lines.n; i++) {
        const char *t = a->lines.v[i].text;
        ck_assert_msg(!strstr(t, "first bytes"), "%s", t);
        cut |= strstr(t, "\xe6\x8a\xa5\xe6\x96\x87\xe5\xa4\xb4")
               && strstr(t, "\xe4\xbb\x85\xe4\xbf\x9d\xe7\x95\x99");
    }
    ck_assert(cut);
    a->has_pkt = false;
    snprintf(a->sel_path, sizeof a->sel_path, "host1");
    gui_app_set_time(a, 111 * VH_US);
    bool core = false;
    for (size_t i = 0; i < a->lines.n; i++) {
        const char *t = a->lines.v[i].text;
        ck_assert_msg(!strstr(t, "guest ") && !strstr(t, "vmexit"), "%s", t);
        core |= strstr(t, "\xe6\xa0\xb8 2")       /* "核 2" ... "客户机" */
                && strstr(t, "\xe5\xae\xa2\xe6\x88\xb7\xe6\x9c\xba");
    }
    vh_lang_set(VH_LANG_EN);
    ck_assert(core);
    viewer_close(&v);
    unlink(rec);
    rmdir(dir);
    free(rec);
    free(dir);
}
END_TEST

START_TEST(test_inspector_against_the_trace)
{
    vh_time_t t0 = 300 * VH_US, t1 = 1500 * VH_US;
    struct watch wt;
    watch_demo(&wt, 0, 0, t0, t1);
    char *dir = vh_test_tmpdir();
    char *rec = record_demo(dir, "");
    struct viewer v;
    viewer_file(&v, 1280, 720, rec, 0);
    struct gui_app *a = &v.app;

    /* The bridge's arrivals by two times, as our subscriber counted. */
    snprintf(a->sel_path, sizeof a->sel_path, "host1/br0");
    for (int k = 0; k < 2; k++) {
        gui_app_set_time(a, k ? t1 : t0);
        char want[64];
        snprintf(want, sizeof want, "arrived %llu ",
                 (unsigned long long) wt.br0_arrivals_by[k]);
        bool seen = false;
        for (size_t i = 0; i < a->lines.n; i++) {
            seen |= strstr(a->lines.v[i].text, want) != NULL;
        }
        ck_assert_msg(seen, "inspector lacks '%s'", want);
    }

    /* Packet 0 of vm1-to-remote: the scenario's addresses and ports
     * (10000 + flow index, 9), decoded from the frame bytes. */
    a->sel_path[0] = '\0';
    a->has_pkt = true;
    a->pkt_flow = 0;
    a->pkt_seq = 0;
    gui_app_set_time(a, (wt.tx[0] + wt.rx[0]) / 2);
    const char *want[] = {
        "10.0.0.1 \xe2\x86\x92 10.0.0.100", "port 10000 \xe2\x86\x92 9",
        "52:54:00:00:00:01 \xe2\x86\x92", "vm1-to-remote #0",
    };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        bool seen = false;
        for (size_t i = 0; i < a->lines.n; i++) {
            seen |= strstr(a->lines.v[i].text, want[k]) != NULL;
        }
        ck_assert_msg(seen, "inspector lacks '%s'", want[k]);
    }
    /* One hop row per hop the trace reported, the current one marked. */
    size_t hops = 0, marked = 0;
    for (size_t i = 0; i < a->lines.n; i++) {
        hops += a->lines.v[i].hop;
        marked += a->lines.v[i].marker;
    }
    ck_assert_uint_eq(hops, wt.n);
    ck_assert_uint_eq(marked, 1);
    viewer_close(&v);
    unlink(rec);
    rmdir(dir);
    free(rec);
    free(dir);
}
END_TEST



/* A recording of a scene with no devices at all: the picture is empty,
 * and drawing it touches no array that is not there (UBSan watches the
 * frame's per-node arrays, which are none). */
START_TEST(test_empty_scene_frame)
{
    char *dir = vh_test_tmpdir();
    char path[4200], err[256];
    snprintf(path, sizeof path, "%s/empty.vhrec", dir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    struct gui_scene sc;
    gui_scene_init(&sc);
    sc.name = strdup("empty");
    sc.variant = strdup("base");
    vh_time_t clock = 0;
    struct gui_rec_writer *wr = gui_rec_writer_new(f, &sc, &clock);
    ck_assert_int_eq(gui_rec_finish(wr, err, sizeof err), 0);
    fclose(f);
    gui_scene_free(&sc);
    struct gui_history *h = gui_history_open(path, NULL, NULL, 0, err,
                                             sizeof err);
    ck_assert_msg(h != NULL, "%s", err);
    struct gui_layout *l = gui_layout_new(gui_history_scene(h), NULL);
    ck_assert_uint_eq(l->n_nodes, 0);
    struct gui_frame fr;
    gui_frame_init(&fr);
    struct gui_anim_opts o = { 1200 * VH_NS, 300 * VH_NS, 1 * VH_US, 0 };
    gui_anim_frame(&fr, h, l, 0, &o);
    ck_assert_uint_eq(fr.n_dots, 0);
    gui_frame_free(&fr);
    gui_layout_free(l);
    gui_history_free(h);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST


/* A recording cut short (a killed run) is told from a whole one, and the
 * GUI says so; a record header that claims more bytes than the file has
 * allocates nothing, and one beyond any real block is damage. */
START_TEST(test_recording_truncated_or_damaged)
{
    char *dir = vh_test_tmpdir();
    char *rec = record_demo(dir, "");
    char half[4200], big[4200], err[256];
    snprintf(half, sizeof half, "%s/half.vhrec", dir);
    snprintf(big, sizeof big, "%s/big.vhrec", dir);
    ck_assert_int_eq(vh_test_sh(NULL, "n=$(stat -c %%s '%s'); head -c "
                                "$((n - 3)) '%s' > '%s'", rec, rec, half), 0);

    struct gui_scene sc;
    struct gui_rec_reader *r = gui_rec_open(rec, &sc, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    vh_time_t end = 0;
    ck_assert(gui_rec_complete(r, &end));
    ck_assert(end > 0 && end <= sc.duration);   /* Where the run ended. */
    gui_rec_close(r);
    gui_scene_free(&sc);

    r = gui_rec_open(half, &sc, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert(!gui_rec_complete(r, NULL));
    /* What it has still reads, up to where it stops. */
    struct gui_rec_item it;
    size_t n = 0;
    int rc;
    while ((rc = gui_rec_next(r, &it)) == 1) {
        n++;
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_gt(n, 10);
    gui_rec_close(r);
    gui_scene_free(&sc);

    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' gui '%s' --screenshot '%s/x.png' 2>&1",
                        bin(), half, dir);
    ck_assert_msg(st == 0 && strstr(out, "is incomplete: it has no end "
                                         "record"), "exit %d: %s", st, out);
    free(out);
    st = vh_test_sh(&out, "'%s' gui '%s' --screenshot '%s/x.png' 2>&1",
                    bin(), rec, dir);
    ck_assert_msg(st == 0 && !strstr(out, "incomplete"), "%s", out);
    free(out);

    /* The first block's header rewritten to claim 4 GiB - 1. */
    r = gui_rec_open(rec, &sc, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    uint64_t off;
    uint32_t idx;
    gui_rec_tell(r, &off, &idx);
    gui_rec_close(r);
    gui_scene_free(&sc);
    ck_assert_int_eq(vh_test_sh(NULL, "cp '%s' '%s' && printf '\\377\\377"
                                "\\377\\377' | dd of='%s' bs=1 seek=%llu "
                                "conv=notrunc 2>/dev/null", rec, big, big,
                                (unsigned long long) off + 1), 0);
    r = gui_rec_open(big, &sc, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(gui_rec_next(r, &it), -1);
    ck_assert_msg(strstr(gui_rec_error(r), "the recording is damaged"),
                  "%s", gui_rec_error(r));
    gui_rec_close(r);
    gui_scene_free(&sc);

    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(rec);
    free(dir);
}
END_TEST

#define EVB "scenarios/evb.json"

/* Records variant 'variant' of the EVB scenario into DIR/evb.vhrec and
 * opens its history. */
static struct gui_history *
evb_history(const char *dir, const char *variant)
{
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/" EVB "' --quiet "
                        "--variant %s --record evb-%s.vhrec", dir, bin(),
                        getcwd((char[4096]) { 0 }, 4096), variant, variant);
    ck_assert_msg(st == 0, "vhsim run --record failed (%d): %s", st, out);
    free(out);
    char rec[4200], err[256];
    snprintf(rec, sizeof rec, "%s/evb-%s.vhrec", dir, variant);
    struct gui_history *h = gui_history_open(rec, NULL, NULL, 0, err,
                                             sizeof err);
    ck_assert_msg(h != NULL, "%s", err);
    return h;
}

static int32_t
dev_index(const struct gui_scene *sc, const char *path)
{
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (!strcmp(sc->devs[i].path, path)) {
            return (int32_t) i;
        }
    }
    ck_abort_msg("no device %s", path);
    return -1;
}

/* Every hairpin the frames made, each drawn at the port it made it at
 * while it lingers: with VEPA at tor1's p1 (the host's port), with a
 * fabric extender at tor1's p8 (the extender's uplink), with a VEB never.
 * The turns the picture shows over the run are the trace's: a frame that
 * came to the switch by a port and left by the same port. */
START_TEST(test_evb_hairpin_turns_drawn)
{
    char *dir = vh_test_tmpdir();
    static const struct {
        const char *variant, *port;
    } cases[] = {
        { "vepa", "tor1/p1" }, { "vntag-fex", "tor1/p8" },
        { "sriov-veb", NULL },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        struct gui_history *h = evb_history(dir, cases[c].variant);
        const struct gui_scene *sc = gui_history_scene(h);
        ck_assert_int_eq(gui_history_seek(h, sc->duration, GUI_AHEAD), 0);
        struct gui_layout *l = gui_layout_new(sc, NULL);
        int32_t want = cases[c].port
                       ? l->dev_node[dev_index(sc, cases[c].port)] : -1;
        /* The turns the trace has: the moments packets left the switch
         * back toward the port they came by. */
        size_t turns = 0;
        vh_time_t first = 0;
        for (size_t i = 0; i < gui_history_n_packets(h); i++) {
            struct gui_pkt *p = gui_history_packet(h, i);
            gui_history_stops(h, p);
            for (uint32_t k = 1; k + 1 < p->n_stops; k++) {
                if (p->stops[k - 1].dev == p->stops[k + 1].dev
                    && sc->devs[p->stops[k].dev].parent < 0
                    && !strcmp(sc->devs[p->stops[k].dev].path, "tor1")) {
                    turns++;
                    if (!first || p->stops[k].t_depart < first) {
                        first = p->stops[k].t_depart;
                    }
                }
            }
        }
        struct gui_frame f;
        gui_frame_init(&f);
        struct gui_anim_opts o = { 1200 * VH_NS, 300 * VH_NS, 1 * VH_US, 0 };
        if (!cases[c].port) {
            ck_assert_uint_eq(turns, 0);
            for (vh_time_t t = 0; t < sc->duration; t += 50 * VH_US) {
                gui_anim_frame(&f, h, l, t, &o);
                ck_assert_uint_eq(f.n_turns, 0);
            }
        } else {
            ck_assert_uint_gt(turns, 150);
            gui_anim_frame(&f, h, l, first + 100 * VH_NS, &o);
            ck_assert_uint_eq(f.n_turns, 1);
            ck_assert_int_eq(f.turns[0].node, want);
            ck_assert_uint_ge(f.turns[0].count, 1);
            /* Drawn over the cable's end at that port. */
            const struct gui_box *b = &l->nodes[want].box;
            ck_assert(f.turns[0].x >= b->x && f.turns[0].x <= b->x + b->w);
            /* Gone once the linger has passed and nothing turned since. */
            gui_anim_frame(&f, h, l, first - 1, &o);
            ck_assert_uint_eq(f.n_turns, 0);
        }
        gui_frame_free(&f);
        gui_layout_free(l);
        gui_history_free(h);
    }
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* The picture of the fabric: the extender in a row between the hosts and
 * its controlling bridge; the VIC's VIFs inside it; the Linux bridge the
 * variant left without ports not drawn at all. */
START_TEST(test_evb_layout)
{
    char *dir = vh_test_tmpdir();
    struct gui_history *h = evb_history(dir, "vntag-fex");
    const struct gui_scene *sc = gui_history_scene(h);
    struct gui_layout *l = gui_layout_new(sc, NULL);
    const struct gui_box *host = &l->nodes[l->dev_node[dev_index(sc,
                                                                  "host1")]].box;
    const struct gui_box *fex = &l->nodes[l->dev_node[dev_index(sc,
                                                                 "fex1")]].box;
    const struct gui_box *cb = &l->nodes[l->dev_node[dev_index(sc,
                                                                "tor1")]].box;
    ck_assert(host->y + host->h < fex->y);
    ck_assert(fex->y + fex->h < cb->y);
    int32_t nic = l->dev_node[dev_index(sc, "host1/eth0")];
    int32_t vif1 = l->dev_node[dev_index(sc, "host1/eth0/vif1")];
    ck_assert_int_ne(vif1, nic);
    ck_assert_int_eq(l->nodes[vif1].parent, nic);
    /* br0 has no port in this variant: its packets would be none. */
    ck_assert_int_eq(l->dev_node[dev_index(sc, "host1/br0")],
                     l->dev_node[dev_index(sc, "host1")]);
    gui_layout_free(l);
    gui_history_free(h);

    /* In the base the bridge carries the VMs and is drawn. */
    h = evb_history(dir, "base");
    sc = gui_history_scene(h);
    l = gui_layout_new(sc, NULL);
    ck_assert_int_ne(l->dev_node[dev_index(sc, "host1/br0")],
                     l->dev_node[dev_index(sc, "host1")]);
    gui_layout_free(l);
    gui_history_free(h);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* A distributed switch is drawn once for its configuration, with a
 * dashed control line to its part on each host it spans, and no frame
 * travels those lines. */
START_TEST(test_dvswitch_control_lines)
{
    struct cli_gui_live *live = NULL;
    struct gui_history *h = cli_gui_live_open("scenarios/dvswitch-migration.json",
                                              NULL, &live);
    ck_assert_ptr_nonnull(h);
    const struct gui_scene *sc = gui_history_scene(h);
    struct gui_layout *l = gui_layout_new(sc, NULL);
    int32_t g = l->dev_node[dev_index(sc, "dvs1")];
    const char *parts[] = { "host1/dvs1", "host2/dvs1" };
    for (size_t k = 0; k < 2; k++) {
        int32_t p = l->dev_node[dev_index(sc, parts[k])];
        ck_assert_int_ne(p, g);
        int found = 0;
        for (size_t i = 0; i < l->n_routes; i++) {
            const struct gui_route *r = &l->routes[i];
            if ((r->a == p && r->b == g) || (r->a == g && r->b == p)) {
                ck_assert_msg(r->control && !r->cable && !r->upcall,
                              "%s's line to dvs1 is not a control line",
                              parts[k]);
                found++;
            }
        }
        ck_assert_msg(found == 1, "%s: %d lines to dvs1", parts[k], found);
    }
    /* The other lines carry frames. */
    for (size_t i = 0; i < l->n_routes; i++) {
        ck_assert(!l->routes[i].control || l->routes[i].a == g
                  || l->routes[i].b == g);
    }
    gui_layout_free(l);
    gui_history_free(h);
    cli_gui_live_free(live);
}
END_TEST

/* The inspector decodes the tag a packet carries on the fabric: f12's
 * first packet leaving fex1 for tor1 carries VN-Tag d=0 from VIF 1. */
START_TEST(test_evb_inspector_tag)
{
    char *dir = vh_test_tmpdir();
    struct gui_history *h = evb_history(dir, "vntag-fex");
    const struct gui_scene *sc = gui_history_scene(h);
    ck_assert_int_eq(gui_history_seek(h, sc->duration, GUI_AHEAD), 0);
    int32_t up = dev_index(sc, "fex1/uplink");
    int64_t pi = gui_history_find_seq(h, 0, 0, false);
    ck_assert(pi >= 0);
    struct gui_pkt *p = gui_history_packet(h, (uint32_t) pi);
    gui_history_stops(h, p);
    vh_time_t at = 0;
    for (uint32_t k = 0; k < p->n_stops && !at; k++) {
        if (p->stops[k].dev == (uint32_t) up) {
            at = p->stops[k].t_in;
        }
    }
    ck_assert(at > 0);
    struct gui_lines lines;
    memset(&lines, 0, sizeof lines);
    gui_inspect_packet(&lines, h, (uint32_t) pi, at, 1200 * VH_NS,
                       300 * VH_NS);
    static const char *const want[] = {
        "VN-Tag    d=0 p=0 dst=0 l=0 ver=0 src=1",
        "going up to the controlling bridge",
        "IPv4      10.0.0.1 \xe2\x86\x92 10.0.0.2",
        "UDP       port 10000 \xe2\x86\x92 9",
    };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        bool seen = false;
        for (size_t i = 0; i < lines.n; i++) {
            seen |= strstr(lines.v[i].text, want[k]) != NULL;
        }
        ck_assert_msg(seen, "inspector lacks '%s'", want[k]);
    }
    gui_lines_free(&lines);
    /* In Chinese the tag's meaning is said in Chinese ("上行去控制桥"). */
    vh_lang_set(VH_LANG_ZH);
    memset(&lines, 0, sizeof lines);
    gui_inspect_packet(&lines, h, (uint32_t) pi, at, 1200 * VH_NS,
                       300 * VH_NS);
    vh_lang_set(VH_LANG_EN);
    bool zh = false;
    for (size_t i = 0; i < lines.n; i++) {
        ck_assert_msg(!strstr(lines.v[i].text, "going up"), "%s",
                      lines.v[i].text);
        zh |= strstr(lines.v[i].text, "\xe4\xb8\x8a\xe8\xa1\x8c\xe5"
                     "\x8e\xbb\xe6\x8e\xa7\xe5\x88\xb6\xe6\xa1\xa5")
              != NULL;
    }
    ck_assert(zh);
    gui_lines_free(&lines);
    gui_history_free(h);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* Records variant 'variant' of scenario 'scn' (a path under the source
 * tree) into DIR and opens its history. */
static struct gui_history *
scenario_history(const char *dir, const char *scn, const char *variant)
{
    char *out = NULL;
    const char *base = strrchr(scn, '/') ? strrchr(scn, '/') + 1 : scn;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/%s' --quiet "
                        "--variant %s --record '%s-%s.vhrec'", dir, bin(),
                        getcwd((char[4096]) { 0 }, 4096), scn, variant, base,
                        variant);
    ck_assert_msg(st == 0, "vhsim run --record failed (%d): %s", st, out);
    free(out);
    char rec[4400], err[256];
    snprintf(rec, sizeof rec, "%s/%s-%s.vhrec", dir, base, variant);
    struct gui_history *h = gui_history_open(rec, NULL, NULL, 0, err,
                                             sizeof err);
    ck_assert_msg(h != NULL, "%s", err);
    return h;
}

/* The route drawn between nodes 'a' and 'b', or NULL. */
static const struct gui_route *
route_between(const struct gui_layout *l, int32_t a, int32_t b)
{
    for (size_t i = 0; i < l->n_routes; i++) {
        const struct gui_route *r = &l->routes[i];
        if ((r->a == a && r->b == b) || (r->a == b && r->b == a)) {
            return r;
        }
    }
    return NULL;
}

/* Whether the segment (x0,y0)-(x1,y1), horizontal or vertical, passes
 * through the inside of 'b' (its edges excepted). */
static bool
segment_crosses(float x0, float y0, float x1, float y1,
                const struct gui_box *b)
{
    const float m = 1.0f;
    float lx = fminf(x0, x1), hx = fmaxf(x0, x1);
    float ly = fminf(y0, y1), hy = fmaxf(y0, y1);
    return lx < b->x + b->w - m && hx > b->x + m
           && ly < b->y + b->h - m && hy > b->y + m;
}

/* Every shipped scenario, as a class sees it in the GUI: no two boxes
 * overlap unless one holds the other, nothing but hardware is drawn
 * inside a NIC, no line runs through a device it does not join, and each
 * step of each packet, in the order the trace gives, goes along
 * something drawn between the two devices in the picture of that time
 * (a migrated VM on its new host, joined to its bridge there). */
START_TEST(test_every_scenario_hops_drawn)
{
    char *dir = vh_test_tmpdir();
    static const char *const scns[] = {
        "access-methods", "cni", "demo", "docker-modes", "evb",
        "latency", "leaf-spine", "nat-vs-bridge", "overlay",
        "ovs-bond-failover", "ovs-dpdk-emc", "ovs-fast-slow-path",
        "ovs-qos", "ovs-sflow", "ovs-vlan-mirror", "ovs-vs-linux-bridge",
        "rss-irqbalance", "sriov-isolation", "tcp-access-methods",
        "vepa-vdp", "vlans", "vmdq", "vxlan-mcast",
        /* The variants whose pictures differ most from their base. */
        "access-methods:vhost-user", "access-methods:sr-iov",
        "access-methods:macvtap", "access-methods:passthrough",
        "access-methods:e1000", "docker-modes:macvlan", "docker-modes:vm",
        "docker-modes:ipvlan-l3", "cni:sriov", "evb:sriov-veb",
        "overlay:ovs-dpdk-vxlan", "overlay:ovs-vxlan",
        /* A VM that moves: drawn on its new host from the migration on,
         * where the trace has it. */
        "lessons/09-live-migration", "lessons/22-vepa-vdp",
    };
    char fails[16384] = "";
    size_t nf = 0;
    for (size_t s = 0; s < sizeof scns / sizeof *scns; s++) {
        char path[128];
        const char *colon = strchr(scns[s], ':');
        snprintf(path, sizeof path, "scenarios/%.*s.json",
                 colon ? (int) (colon - scns[s]) : (int) strlen(scns[s]),
                 scns[s]);
        struct gui_history *h = scenario_history(dir, path,
                                                 colon ? colon + 1 : "base");
        const struct gui_scene *sc = gui_history_scene(h);
        /* A layout per phase of the run's migrations, as the window
         * draws it. */
        vh_time_t starts[GUI_MAX_PHASES];
        size_t n_phases = gui_moves_phases(sc, starts, GUI_MAX_PHASES);
        struct gui_scene *moved[GUI_MAX_PHASES] = { NULL };
        struct gui_layout *phase_l[GUI_MAX_PHASES];
        for (size_t k = 0; k < n_phases; k++) {
            moved[k] = k ? gui_moves_scene(sc, k) : NULL;
            phase_l[k] = gui_layout_new(k ? moved[k] : sc, NULL);
        }
        if (strstr(scns[s], "migration")) {
            /* The lesson's VM moves once, to host2. */
            ck_assert_uint_eq(n_phases, 2);
            int32_t vm = phase_l[1]->dev_node[dev_index(sc, "host1/vm1")];
            int32_t h2 = phase_l[1]->dev_node[dev_index(sc, "host2")];
            ck_assert(gui_layout_encloses(phase_l[1], h2, vm));
        }
        for (size_t ph = 0; ph < n_phases; ph++) {
            struct gui_layout *l = phase_l[ph];
            check_layout(l, 0);
            if (!strcmp(scns[s], "vepa-vdp")) {
                /* The switch says its mode: VEPA turns frames back. */
                int32_t tor = l->dev_node[dev_index(sc, "tor1")];
                ck_assert_ptr_nonnull(strstr(l->nodes[tor].sub, "vepa"));
            }
            /* Inside a NIC only its hardware (VFs, VIFs): a macvlan is the
             * kernel's. */
            for (size_t i = 0; i < l->n_nodes; i++) {
                const struct gui_node *n = &l->nodes[i];
                if (n->type == GUI_N_PORT && n->parent >= 0
                    && l->nodes[n->parent].type == GUI_N_HW) {
                    ck_assert_msg(sc->devs[n->dev].role == VH_ROLE_HW,
                                  "%s: %s drawn inside its NIC", scns[s],
                                  sc->devs[n->dev].path);
                }
            }
            for (size_t r = 0; r < l->n_routes; r++) {
                const struct gui_route *rt = &l->routes[r];
                for (size_t i = 0; i < l->n_nodes; i++) {
                    const struct gui_node *n = &l->nodes[i];
                    if (n->type == GUI_N_HOST || n->type == GUI_N_CPU
                        || (int32_t) i == rt->a || (int32_t) i == rt->b
                        || gui_layout_encloses(l, (int32_t) i, rt->a)
                        || gui_layout_encloses(l, (int32_t) i, rt->b)
                        || gui_layout_encloses(l, rt->a, (int32_t) i)
                        || gui_layout_encloses(l, rt->b, (int32_t) i)) {
                        continue;
                    }
                    for (uint32_t k = 0; k + 1 < rt->n; k++) {
                        if (segment_crosses(rt->pts[k][0], rt->pts[k][1],
                                            rt->pts[k + 1][0], rt->pts[k + 1][1],
                                            &n->box)) {
                            nf++;
                            snprintf(fails + strlen(fails),
                                     sizeof fails - strlen(fails),
                                     "\n%s: the line %s-%s runs through %s",
                                     scns[s], l->nodes[rt->a].label,
                                     l->nodes[rt->b].label, n->label);
                            break;
                        }
                    }
                }
            }
        }
        ck_assert_int_eq(gui_history_seek(h, sc->duration, 0), 0);
        for (size_t p = 0; p < gui_history_n_packets(h); p++) {
            struct gui_pkt *pk = gui_history_packet(h, p);
            gui_history_stops(h, pk);
            for (uint32_t k = 0; k + 1 < pk->n_stops; k++) {
                const struct gui_stop *x = &pk->stops[k], *y = x + 1;
                /* The picture of the time the packet gets there. */
                struct gui_layout *l = phase_l[gui_moves_phase_at(
                    starts, n_phases, y->t_in)];
                int32_t a = gui_layout_node_of(l, x->dev, x->slot);
                int32_t b = gui_layout_node_of(l, y->dev, y->slot);
                if (gui_layout_path_drawn(l, a, b)) {
                    continue;
                }
                char line[600];
                snprintf(line, sizeof line, "\n%s: %s -> %s, nothing drawn "
                         "between (packet %" PRIu64 ")", scns[s],
                         sc->devs[x->dev].path, sc->devs[y->dev].path,
                         pk->id);
                char *cut = strstr(line, " (packet");
                *cut = 0;
                if (!strstr(fails, line) && nf++ < 40) {
                    *cut = ' ';
                    snprintf(fails + strlen(fails),
                             sizeof fails - strlen(fails), "%s", line);
                }
            }
        }
        for (size_t k = 0; k < n_phases; k++) {
            gui_layout_free(phase_l[k]);
            gui_moves_free(moved[k]);
        }
        gui_history_free(h);
    }
    ck_assert_msg(nf == 0, "%zu faults:%s", nf, fails);
    char *out = NULL;
    vh_test_sh(&out, "rm -rf '%s'", dir);
    free(out);
    free(dir);
}
END_TEST

/* The window of lesson 09 as time passes: vm1 in host1 until its
 * migration's downtime ends, in host2 from then on (the window's layout
 * follows the time both ways), the selected VM still selected. */
START_TEST(test_migrated_vm_drawn_on_new_host)
{
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/scenarios/lessons/"
                        "09-live-migration.json' --quiet --record m.vhrec",
                        dir, bin(), getcwd((char[4096]) { 0 }, 4096));
    ck_assert_msg(st == 0, "%s", out);
    free(out);
    char rec[4200];
    snprintf(rec, sizeof rec, "%s/m.vhrec", dir);
    struct viewer v;
    viewer_file(&v, 1280, 720, rec, 0);
    struct gui_side *sd = &v.app.side[0];
    const struct gui_scene *sc = gui_history_scene(sd->h);
    int32_t vm = dev_index(sc, "host1/vm1");
    int32_t h1 = dev_index(sc, "host1"), h2 = dev_index(sc, "host2");
    static const struct {
        vh_time_t t;
        bool on_host2;
    } at[] = {
        { 1 * VH_MS, false }, { 4 * VH_MS, false }, { 5 * VH_MS, true },
        { 7 * VH_MS, true }, { 2 * VH_MS, false },
    };
    snprintf(v.app.sel_path, sizeof v.app.sel_path, "host1/vm1");
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        free(frame_at(&v, at[i].t));
        int32_t n = sd->l->dev_node[vm];
        int32_t host = sd->l->dev_node[at[i].on_host2 ? h2 : h1];
        ck_assert_msg(gui_layout_encloses(sd->l, host, n), "at %" PRIu64
                      " ps vm1 is not in %s", (uint64_t) at[i].t,
                      at[i].on_host2 ? "host2" : "host1");
        ck_assert_int_eq(sd->sel_node, n);
    }
    viewer_close(&v);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* Adds 'line' to 'fails' once, counting each fault in '*nf'. */
static void
note_fault(char *fails, size_t size, const char *line, size_t *nf)
{
    (*nf)++;
    if (!strstr(fails, line)) {
        snprintf(fails + strlen(fails), size - strlen(fails), "%s", line);
    }
}

/* Up to 24 times of drop events, at least 20 us apart. */
struct drop_times {
    vh_time_t t[24];
    int n;
};

static void
note_drop_time(void *ctx, const struct gui_hev *e)
{
    struct drop_times *dt = ctx;
    if (dt->n < 24 && (!dt->n || e->time > dt->t[dt->n - 1] + 20 * VH_US)) {
        dt->t[dt->n++] = e->time + VH_US;
    }
}

/* The labels of drops and hairpin turns, as a class sees them at 1280x720
 * in the scenarios where frames are dropped or turned: each is clear of
 * every device's box (but those that hold its own device) and of the
 * other labels, so a burst of drops never hides the device it is about
 * or its neighbours. */
START_TEST(test_drop_and_hairpin_labels_clear)
{
    char *dir = vh_test_tmpdir();
    static const char *const scns[] = {
        "evb", "vepa-vdp", "ovs-qos", "ovs-bond-failover", "nat-vs-bridge",
        "teaming-failover", "pvlan", "sriov-isolation",
        "lessons/07-macvtap-modes", "lessons/09-live-migration",
        "lessons/11-bridge-learning", "lessons/21-evb-veb-vepa-vntag",
        "lessons/26-ovs-vlan-mirror", "lessons/35-vntag-port-extenders",
    };
    char fails[8192] = "";
    size_t nf = 0, n_labels = 0;
    for (size_t s = 0; s < sizeof scns / sizeof *scns; s++) {
        char *out = NULL;
        int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/scenarios/%s.json'"
                            " --quiet --record 'l%zu.vhrec'", dir, bin(),
                            getcwd((char[4096]) { 0 }, 4096), scns[s], s);
        ck_assert_msg(st == 0, "%s: %s", scns[s], out);
        free(out);
        char rec[4200];
        snprintf(rec, sizeof rec, "%s/l%zu.vhrec", dir, s);
        struct viewer v;
        viewer_file(&v, 1280, 720, rec, 0);
        struct gui_app *a = &v.app;
        const struct gui_side *sd = &a->side[0];
        vh_time_t end = gui_history_scene(sd->h)->duration;
        /* Evenly through the run, and just after drops (a burst of
         * them, each device's label beside the others'). */
        struct drop_times dt = { .n = 0 };
        ck_assert_int_eq(gui_history_seek(sd->h, end, 0), 0);
        gui_history_each(sd->h, 0, end, VH_HOP_BIT(VH_HOP_DROP),
                         note_drop_time, &dt);
        for (int k = 1; k <= 40 + dt.n; k++) {
            free(frame_at(&v, k <= 40 ? end * k / 40 : dt.t[k - 41]));
            const struct gui_layout *l = sd->l;
            const struct gui_view *vw = &sd->view;
            for (int i = 0; i < a->draw.n_placed; i++) {
                const struct gui_label_rect *r = &a->draw.placed[i];
                n_labels++;
                for (size_t j = 0; j < l->n_nodes; j++) {
                    const struct gui_node *n = &l->nodes[j];
                    if (n->type == GUI_N_HOST || n->type == GUI_N_PROC) {
                        continue;
                    }
                    /* A box holding the device (a switch holding its
                     * port) may take the label, but not over the name it
                     * writes under its ports, 44 units from its top. */
                    float top = 0;
                    if (gui_layout_encloses(l, (int32_t) j, r->node)) {
                        bool ported = j + 1 < l->n_nodes
                                      && l->nodes[j + 1].parent == (int32_t) j
                                      && l->nodes[j + 1].type == GUI_N_PORT
                                      && n->type != GUI_N_GUEST;
                        if (!ported || (int32_t) j == r->node) {
                            continue;
                        }
                        top = 44;
                    }
                    float bx = gui_view_x(vw, n->box.x);
                    float by = gui_view_y(vw, n->box.y + top);
                    float bw = n->box.w * vw->zoom;
                    float bh = (n->box.h - top) * vw->zoom;
                    if (r->x < bx + bw && r->x + r->w > bx && r->y < by + bh
                        && r->y + r->h > by) {
                        char line[200];
                        snprintf(line, sizeof line, "\n%s: the label about "
                                 "%s covers %s", scns[s],
                                 l->nodes[r->node].label, n->label);
                        note_fault(fails, sizeof fails, line, &nf);
                    }
                }
                for (int o = 0; o < i; o++) {
                    const struct gui_label_rect *q = &a->draw.placed[o];
                    if (r->x < q->x + q->w && r->x + r->w > q->x
                        && r->y < q->y + q->h && r->y + r->h > q->y) {
                        char line[200];
                        snprintf(line, sizeof line, "\n%s: the labels about "
                                 "%s and %s overlap", scns[s],
                                 l->nodes[r->node].label,
                                 l->nodes[q->node].label);
                        note_fault(fails, sizeof fails, line, &nf);
                    }
                }
            }
        }
        viewer_close(&v);
    }
    ck_assert_msg(n_labels > 0, "no drop or hairpin label was drawn");
    ck_assert_msg(nf == 0, "%zu faults:%s", nf, fails);
    char *out = NULL;
    vh_test_sh(&out, "rm -rf '%s'", dir);
    free(out);
    free(dir);
}
END_TEST

/* OVS-DPDK's poll-mode thread spins whether or not frames come: the
 * report counts its core 100% busy polling, and the GUI's bar for that
 * core is full of the poll category while the vCPU's core is not; the
 * switch is drawn in user space, joined to the guest's vhost-user side
 * and to the NIC it owns. */
START_TEST(test_polling_core_full)
{
    char *dir = vh_test_tmpdir();
    struct gui_history *h = scenario_history(dir, "scenarios/access-methods.json",
                                             "vhost-user");
    const struct gui_scene *sc = gui_history_scene(h);
    struct gui_layout *l = gui_layout_new(sc, NULL);
    vh_time_t t = 300 * VH_US;
    ck_assert_int_eq(gui_history_seek(h, t, GUI_AHEAD), 0);
    struct gui_anim_opts o = {
        .linger = VH_US, .min_move = 0, .cpu_window = VH_US,
    };
    struct gui_frame f;
    gui_frame_init(&f);
    gui_anim_frame(&f, h, l, t, &o);
    int poll = -1;
    for (size_t k = 0; k < sc->n_cats; k++) {
        poll = strcmp(sc->cats[k], "poll") ? poll : (int) k;
    }
    ck_assert_int_ge(poll, 0);
    ck_assert_int_eq(f.cores[0], 8);
    const uint64_t *core7 = f.cpu + 7 * GUI_MAX_CATS;
    ck_assert_uint_ge(core7[poll], f.cpu_window * 99 / 100);
    uint64_t busy2 = 0;
    for (int k = 0; k < GUI_MAX_CATS; k++) {
        busy2 += f.cpu[2 * GUI_MAX_CATS + k];
    }
    ck_assert_uint_lt(busy2, f.cpu_window);
    ck_assert_uint_eq(f.cpu[2 * GUI_MAX_CATS + poll], 0);
    int32_t br0 = l->dev_node[dev_index(sc, "host1/br0")];
    int32_t eth0 = l->dev_node[dev_index(sc, "host1/eth0")];
    int32_t back = l->dev_back[dev_index(sc, "host1/vm1/eth0")];
    ck_assert_int_eq(l->nodes[br0].type, GUI_N_MID);
    ck_assert_ptr_nonnull(route_between(l, back, br0));
    ck_assert_ptr_nonnull(route_between(l, br0, eth0));
    bool user = false;
    for (size_t b = 0; b < l->n_bands; b++) {
        const struct gui_box *bx = &l->nodes[br0].box;
        user |= l->bands[b].y0 <= bx->y && l->bands[b].y1 >= bx->y + bx->h
                && !strcmp(l->bands[b].caption, gui_band_user);
    }
    ck_assert_msg(user, "br0 is not in the user-space band");
    gui_frame_free(&f);
    gui_layout_free(l);
    gui_history_free(h);
    char *out = NULL;
    vh_test_sh(&out, "rm -rf '%s'", dir);
    free(out);
    free(dir);
}
END_TEST

/* The lines of the inspector for packet 'pi' at time 't'. */
static void
inspect_at(struct gui_lines *lines, struct gui_history *h, int64_t pi,
           vh_time_t t)
{
    memset(lines, 0, sizeof *lines);
    ck_assert(pi >= 0);
    gui_inspect_packet(lines, h, (uint32_t) pi, t, 1200 * VH_NS,
                       300 * VH_NS);
}

/* The first inspector line holding 'want', or NULL. */
static const char *
line_with(const struct gui_lines *lines, const char *want)
{
    for (size_t i = 0; i < lines->n; i++) {
        if (strstr(lines->v[i].text, want)) {
            return lines->v[i].text;
        }
    }
    return NULL;
}

/* Only the first 128 bytes of a frame are recorded: the inspector still
 * reads the UDP header of a 1500-byte datagram on the wire (its ports
 * and its length, which the IPv4 total length gives), and before the
 * guest has resolved the peer's address it says the destination MAC is
 * not known yet rather than show zeros as an address. */
START_TEST(test_inspector_long_frame_and_unresolved_mac)
{
    char *dir = vh_test_tmpdir();
    struct gui_history *h = scenario_history(dir, "scenarios/access-methods.json",
                                             "base");
    const struct gui_scene *sc = gui_history_scene(h);
    ck_assert_int_eq(gui_history_seek(h, sc->duration, GUI_AHEAD), 0);
    int32_t tor = dev_index(sc, "tor1");
    int64_t pi = gui_history_find_seq(h, 1, 0, false);
    struct gui_pkt *p = gui_history_packet(h, (uint32_t) pi);
    gui_history_stops(h, p);
    vh_time_t at = 0;
    for (uint32_t k = 0; k < p->n_stops && !at; k++) {
        at = p->stops[k].dev == (uint32_t) tor ? p->stops[k].t_in : 0;
    }
    ck_assert(at > 0);
    struct gui_lines lines;
    inspect_at(&lines, h, pi, at);
    const char *udp = line_with(&lines, "UDP       port");
    ck_assert_msg(udp, "no UDP line");
    unsigned sport = 0, dport = 0, len = 0;
    ck_assert_int_eq(sscanf(udp, "UDP       port %u \xe2\x86\x92 %u  len %u",
                            &sport, &dport, &len), 3);
    ck_assert_uint_gt(sport, 0);
    ck_assert_uint_gt(dport, 0);
    /* 1500 bytes on the wire: 14 of Ethernet, 20 of IPv4, 4 of FCS. */
    ck_assert_uint_eq(len, 1500 - 14 - 20 - 4);
    gui_lines_free(&lines);

    /* overlay's 'big' datagrams (1518 bytes) leave a guest whose MTU is
     * 1450 in two fragments: the first carries the UDP header, the second
     * does not and says where it belongs. */
    gui_history_free(h);
    struct gui_history *ov = scenario_history(dir, "scenarios/overlay.json",
                                              "inner-mtu");
    const struct gui_scene *osc = gui_history_scene(ov);
    ck_assert_int_eq(gui_history_seek(ov, osc->duration, GUI_AHEAD), 0);
    int seen_first = 0, seen_rest = 0;
    for (size_t i = 0; i < gui_history_n_packets(ov); i++) {
        struct gui_pkt *q = gui_history_packet(ov, i);
        if (q->flow != 3 || q->seq != 0) {
            continue;
        }
        gui_history_stops(ov, q);
        inspect_at(&lines, ov, (int64_t) i, q->stops[q->n_stops - 1].t_in);
        const char *fr = line_with(&lines, "fragment at byte");
        ck_assert_msg(fr, "no fragment line");
        const char *u = line_with(&lines, "UDP       port");
        if (strstr(fr, "at byte 0,")) {
            ck_assert_msg(u && !strstr(u, "port 0 "), "%s", u ? u : "no UDP");
            seen_first++;
        } else {
            ck_assert_msg(!u, "a later fragment shows '%s'", u);
            seen_rest++;
        }
        gui_lines_free(&lines);
    }
    ck_assert_int_ge(seen_first, 1);
    ck_assert_int_ge(seen_rest, 1);
    gui_history_free(ov);
    h = scenario_history(dir, "scenarios/access-methods.json", "base");
    sc = gui_history_scene(h);
    ck_assert_int_eq(gui_history_seek(h, sc->duration, GUI_AHEAD), 0);

    /* The small flow's first packet waits for ARP in the guest. */
    pi = gui_history_find_seq(h, 0, 0, false);
    p = gui_history_packet(h, (uint32_t) pi);
    gui_history_stops(h, p);
    inspect_at(&lines, h, pi, p->stops[0].t_in + VH_US);
    const char *eth = line_with(&lines, "Ethernet");
    ck_assert_msg(eth && strstr(eth, "not resolved"), "%s",
                  eth ? eth : "no Ethernet line");
    gui_lines_free(&lines);
    gui_history_free(h);
    char *out = NULL;
    vh_test_sh(&out, "rm -rf '%s'", dir);
    free(out);
    free(dir);
}
END_TEST

/* A thousand containers on one host: they fold as guests do, the band
 * says they are containers, the picture stays as wide as a screen, no
 * container interface has a hypervisor's host side, each veth's host end
 * is drawn where its container's end is (not as a box of its own), and
 * docker0 reaches the NIC through the NAT, the way packets leave.  The
 * same holds for the two containers of docker-modes. */
START_TEST(test_containers_layout)
{
    char *dir = vh_test_tmpdir();
    static const char *const scns[] = {
        "scenarios/density.json", "scenarios/docker-modes.json",
    };
    static const int want_ctrs[] = { 1000, 2 };
    for (size_t s = 0; s < 2; s++) {
        struct gui_history *h = scenario_history(dir, scns[s], "base");
        const struct gui_scene *sc = gui_history_scene(h);
        struct gui_layout *l = gui_layout_new(sc, NULL);
        check_layout(l, want_ctrs[s]);
        ck_assert_msg(l->bounds.w < 2400, "%s: %.0f units wide", scns[s],
                      l->bounds.w);
        int32_t hn = l->dev_node[dev_index(sc, "host1")];
        int shown = 0, folded = 0, ctrs = 0;
        for (size_t i = 0; i < l->n_nodes; i++) {
            const struct gui_node *n = &l->nodes[i];
            ck_assert_msg(n->type != GUI_N_BACKEND, "%s: a host side '%s'",
                          scns[s], n->label);
            shown += n->type == GUI_N_GUEST && n->host == hn;
            folded += n->type == GUI_N_FOLD && n->host == hn ? n->count : 0;
        }
        for (size_t d = 0; d < sc->n_devs; d++) {
            const struct gui_dev *dv = &sc->devs[d];
            ctrs += !strcmp(dv->kind, "container");
            if (strcmp(dv->kind, "veth") || dv->parent < 0
                || strcmp(sc->devs[dv->parent].kind, "host")) {
                continue;
            }
            /* A host end: drawn where its peer in the container is. */
            int32_t peer = -1;
            for (uint32_t e = 0; e < dv->n_edges; e++) {
                const struct gui_dev *o = &sc->devs[dv->edges[e].to];
                if (o->parent >= 0
                    && !strcmp(sc->devs[o->parent].kind, "container")) {
                    peer = (int32_t) dv->edges[e].to;
                }
            }
            ck_assert_int_ge(peer, 0);
            ck_assert_int_eq(l->dev_node[d], l->dev_node[peer]);
        }
        ck_assert_int_eq(ctrs, want_ctrs[s]);
        ck_assert_int_eq(shown + folded, ctrs);
        ck_assert_int_eq(folded > 0, ctrs > 10);
        bool caption = false;
        for (size_t b = 0; b < l->n_bands; b++) {
            caption |= l->bands[b].host == hn
                       && !strcmp(l->bands[b].caption, "containers");
        }
        ck_assert(caption);
        int32_t d0 = l->dev_node[dev_index(sc, "host1/docker0")];
        int32_t nat = l->dev_node[dev_index(sc, "host1/nat")];
        int32_t eth0 = l->dev_node[dev_index(sc, "host1/eth0")];
        ck_assert_int_eq(l->nodes[nat].type, GUI_N_MID);
        ck_assert_ptr_nonnull(route_between(l, d0, nat));
        ck_assert_ptr_nonnull(route_between(l, nat, eth0));
        ck_assert_ptr_null(route_between(l, d0, eth0));
        /* The first container's line goes straight to docker0. */
        int32_t c0 = l->dev_node[dev_index(sc, s ? "host1/web/eth0"
                                                 : "host1/c0000/eth0")];
        ck_assert_int_eq(l->nodes[c0].type, GUI_N_PORT);
        ck_assert_ptr_nonnull(route_between(l, c0, d0));
        gui_layout_free(l);
        /* Unfolded, every container has its box, none overlapping. */
        uint8_t *expanded = calloc(sc->n_devs, 1);
        memset(expanded, 1, sc->n_devs);
        l = gui_layout_new(sc, expanded);
        check_layout(l, want_ctrs[s]);
        int all = 0;
        for (size_t i = 0; i < l->n_nodes; i++) {
            all += l->nodes[i].type == GUI_N_GUEST;
        }
        ck_assert_int_eq(all, ctrs);
        gui_layout_free(l);
        free(expanded);
        gui_history_free(h);
    }
    /* A VM beside the containers: its NIC alone has a host side, and the
     * band says it holds both. */
    struct gui_history *h = scenario_history(dir,
                                             "scenarios/docker-modes.json",
                                             "vm");
    const struct gui_scene *sc = gui_history_scene(h);
    struct gui_layout *l = gui_layout_new(sc, NULL);
    check_layout(l, 3);
    int backs = 0;
    for (size_t i = 0; i < l->n_nodes; i++) {
        backs += l->nodes[i].type == GUI_N_BACKEND;
    }
    ck_assert_int_eq(backs, 1);
    ck_assert_int_ge(l->dev_back[dev_index(sc, "host1/vm1/eth0")], 0);
    bool both = false;
    for (size_t b = 0; b < l->n_bands; b++) {
        both |= !strcmp(l->bands[b].caption, "VMs and\ncontainers");
    }
    ck_assert(both);
    gui_layout_free(l);
    gui_history_free(h);
    /* A container with no interface of its own says whose stack it
     * uses. */
    static const struct { const char *variant, *ctr, *sub; } ns[] = {
        { "host", "host1/web", "host's network" },
        { "container", "host1/client", "web's namespace" },
    };
    for (size_t k = 0; k < 2; k++) {
        h = scenario_history(dir, "scenarios/docker-modes.json",
                             ns[k].variant);
        sc = gui_history_scene(h);
        l = gui_layout_new(sc, NULL);
        check_layout(l, 2);
        const struct gui_node *n = &l->nodes[l->dev_node[dev_index(
                                                sc, ns[k].ctr)]];
        ck_assert_int_eq(n->type, GUI_N_GUEST);
        ck_assert_str_eq(n->sub, ns[k].sub);
        gui_layout_free(l);
        gui_history_free(h);
    }
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* The inspector of a packet crossing the underlay between the hosts of
 * overlay.json, at rack 1's leaf: the outer IPv4 between the hosts'
 * NICs, UDP to 4789, the VXLAN VNI, then the inner frame's IPv4 between
 * the VMs; for NVGRE the GRE key read as VSID and flow id.  The VTEP is drawn in the host's
 * kernel band between the bridge and the NIC. */
START_TEST(test_tunnel_inspector)
{
    char *dir = vh_test_tmpdir();
    static const struct {
        const char *variant;
        const char *want[5];
    } cases[] = {
        { "base", { "IPv4      192.168.1.10 \xe2\x86\x92 192.168.2.10  UDP",
                    "\xe2\x86\x92 4789", "VXLAN     VNI 5001",
                    "Inner frame",
                    "IPv4      10.0.0.1 \xe2\x86\x92 10.0.0.2  UDP" } },
        { "nvgre", { "IPv4      192.168.1.10 \xe2\x86\x92 192.168.2.10  GRE",
                     "GRE       key 0x", "NVGRE     VSID 5001  flow id",
                     "Inner frame",
                     "IPv4      10.0.0.1 \xe2\x86\x92 10.0.0.2  UDP" } },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        struct gui_history *h = scenario_history(dir, "scenarios/overlay.json",
                                                 cases[c].variant);
        const struct gui_scene *sc = gui_history_scene(h);
        ck_assert_int_eq(gui_history_seek(h, sc->duration, GUI_AHEAD), 0);
        int32_t sw = dev_index(sc, "leaf1");
        int64_t pi = gui_history_find_seq(h, 0, 0, false);
        ck_assert(pi >= 0);
        struct gui_pkt *p = gui_history_packet(h, (uint32_t) pi);
        gui_history_stops(h, p);
        vh_time_t at = 0;
        for (uint32_t k = 0; k < p->n_stops && !at; k++) {
            if (p->stops[k].dev == (uint32_t) sw) {
                at = p->stops[k].t_in;
            }
        }
        ck_assert(at > 0);
        struct gui_lines lines;
        memset(&lines, 0, sizeof lines);
        gui_inspect_packet(&lines, h, (uint32_t) pi, at, 1200 * VH_NS,
                           300 * VH_NS);
        /* In this order, outer to inner. */
        size_t from = 0;
        for (size_t k = 0; k < 5; k++) {
            size_t i = from;
            while (i < lines.n && !strstr(lines.v[i].text, cases[c].want[k])) {
                i++;
            }
            ck_assert_msg(i < lines.n, "%s: inspector lacks '%s' after line "
                          "%zu", cases[c].variant, cases[c].want[k], from);
            from = i + 1;
        }
        gui_lines_free(&lines);

        struct gui_layout *l = gui_layout_new(sc, NULL);
        int32_t tun = l->dev_node[dev_index(sc, "host1/tun0")];
        int32_t br = l->dev_node[dev_index(sc, "host1/br0")];
        int32_t nic = l->dev_node[dev_index(sc, "host1/eth0")];
        ck_assert_int_eq(l->nodes[tun].type, GUI_N_MID);
        ck_assert_ptr_nonnull(route_between(l, br, tun));
        ck_assert_ptr_nonnull(route_between(l, tun, nic));
        ck_assert_float_lt(l->nodes[tun].box.y, l->nodes[nic].box.y);
        gui_layout_free(l);
        gui_history_free(h);
    }
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* leaf-spine.json: hosts above the leaves, the spines a row below them,
 * no boxes overlapping, and every leaf-to-spine cable visible: its
 * horizontal run between the two rows, in a lane no other cable runs
 * along where they overlap. */
START_TEST(test_leaf_spine_layout)
{
    char *dir = vh_test_tmpdir();
    struct gui_history *h = scenario_history(dir, "scenarios/leaf-spine.json",
                                             "base");
    const struct gui_scene *sc = gui_history_scene(h);
    struct gui_layout *l = gui_layout_new(sc, NULL);
    check_layout(l, 0);
    const struct gui_box *h11 = &l->nodes[l->dev_node[dev_index(sc,
                                                                 "h11")]].box;
    const char *leaves[] = { "leaf1", "leaf2" };
    const char *spines[] = { "spine1", "spine2" };
    for (int i = 0; i < 2; i++) {
        const struct gui_box *lf = &l->nodes[l->dev_node[dev_index(
                                                sc, leaves[i])]].box;
        ck_assert_float_lt(h11->y + h11->h, lf->y);
        for (int j = 0; j < 2; j++) {
            const struct gui_box *sp = &l->nodes[l->dev_node[dev_index(
                                                    sc, spines[j])]].box;
            ck_assert_float_lt(lf->y + lf->h, sp->y);
        }
    }
    const struct gui_box *lf = &l->nodes[l->dev_node[dev_index(sc,
                                                                "leaf1")]].box;
    const struct gui_box *sp = &l->nodes[l->dev_node[dev_index(sc,
                                                                "spine1")]].box;
    int between = 0;
    for (size_t i = 0; i < l->n_routes; i++) {
        const struct gui_route *r = &l->routes[i];
        if (!r->cable || r->n != 4 || r->pts[1][1] <= lf->y + lf->h
            || r->pts[1][1] >= sp->y) {
            continue;
        }
        between++;
        for (size_t k = 0; k < l->n_routes; k++) {
            const struct gui_route *o = &l->routes[k];
            if (k == i || o->n != 4 || o->pts[1][1] != r->pts[1][1]) {
                continue;
            }
            float a0 = fminf(r->pts[1][0], r->pts[2][0]);
            float a1 = fmaxf(r->pts[1][0], r->pts[2][0]);
            float b0 = fminf(o->pts[1][0], o->pts[2][0]);
            float b1 = fmaxf(o->pts[1][0], o->pts[2][0]);
            ck_assert_msg(a1 < b0 || b1 < a0, "two cables share a lane");
        }
    }
    ck_assert_int_eq(between, 4);
    gui_layout_free(l);
    gui_history_free(h);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

#define OVS "scenarios/ovs-fast-slow-path.json"

/* The dot of window packet 'pi' in a frame at 't', or NULL. */
static const struct gui_dot *
dot_at(struct gui_frame *f, struct gui_history *h, struct gui_layout *l,
       uint32_t pi, vh_time_t t)
{
    struct gui_anim_opts o = { 1200 * VH_NS, 300 * VH_NS, 1 * VH_US, 0 };
    gui_anim_frame(f, h, l, t, &o);
    for (size_t i = 0; i < f->n_dots; i++) {
        if (f->dots[i].pkt == pi) {
            return &f->dots[i];
        }
    }
    return NULL;
}

/* A time in [t0, t1] when packet 'p' moves from stop 'k' to the next, or
 * 0 if there is none. */
static vh_time_t
moving_from(struct gui_history *h, struct gui_pkt *p, uint32_t k,
            vh_time_t t0, vh_time_t t1)
{
    for (vh_time_t t = t0; t <= t1; t += 5 * VH_NS) {
        struct gui_where w;
        gui_track_at(h, p, t, 1200 * VH_NS, 300 * VH_NS, &w);
        if (w.state == GUI_W_MOVING && w.stop == k) {
            return t;
        }
    }
    return 0;
}

/* The first packet of a mouse of ovs-fast-slow-path misses the kernel's
 * megaflow cache: its track goes from br-int to a handler thread and
 * back to br-int, and its dot moves up from the bridge to the handler's
 * box, tinted as the slow path, and back down.  The second packet hits:
 * it never leaves the kernel.  (Not the first mouse's: the handler's
 * core wakes from C6 for it, and its second packet misses too.)  The inspector's counts of the bridge are
 * the model's hits and misses. */
START_TEST(test_upcall_up_and_back)
{
    char *dir = vh_test_tmpdir();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/" OVS "' --quiet "
                        "--record ovs.vhrec", dir, bin(),
                        getcwd((char[4096]) { 0 }, 4096));
    ck_assert_msg(st == 0, "vhsim run --record failed (%d): %s", st, out);
    free(out);
    char rec[4200], err[256];
    snprintf(rec, sizeof rec, "%s/ovs.vhrec", dir);
    struct gui_history *h = gui_history_open(rec, NULL, NULL, 0, err,
                                             sizeof err);
    ck_assert_msg(h != NULL, "%s", err);
    const struct gui_scene *sc = gui_history_scene(h);
    ck_assert_int_eq(gui_history_seek(h, sc->duration, GUI_AHEAD), 0);
    struct gui_layout *l = gui_layout_new(sc, NULL);
    uint32_t br = UINT32_MAX;
    int32_t mouse = -1;
    for (size_t i = 0; i < sc->n_devs; i++) {
        if (!strcmp(sc->devs[i].path, "host1/br-int")) {
            br = (uint32_t) i;
        }
    }
    for (size_t f = 0; f < sc->n_flows; f++) {
        if (!strcmp(sc->flows[f].name, "mouse-011")) {
            mouse = (int32_t) f;
        }
    }
    ck_assert(br != UINT32_MAX && mouse >= 0);
    int32_t bn = l->dev_node[br];

    /* Every visit to the bridge that is not a return from user space is
     * a lookup: it went up to a thread, and came back, or it stayed in
     * the kernel.  (An ARP request answered comes back as the same
     * packet, and looks up twice.) */
    size_t up = 0, down = 0;
    for (size_t i = 0; i < gui_history_n_packets(h); i++) {
        struct gui_pkt *p = gui_history_packet(h, i);
        gui_history_stops(h, p);
        for (uint32_t k = 0; k < p->n_stops; k++) {
            bool thread = gui_dev_thread_of(&sc->devs[p->stops[k].dev],
                                            NULL, 0);
            bool back = k > 0 && gui_dev_thread_of(
                &sc->devs[p->stops[k - 1].dev], NULL, 0);
            if (thread) {
                ck_assert_uint_gt(k, 0);
                ck_assert_uint_eq(sc->devs[p->stops[k].dev].parent, br);
                ck_assert_uint_eq(p->stops[k - 1].dev, br);
                ck_assert_uint_lt(k + 1, p->n_stops);
                ck_assert_uint_eq(p->stops[k + 1].dev, br);
                up++;
            } else if (p->stops[k].dev == br && !back) {
                down += k + 1 == p->n_stops || !gui_dev_thread_of(
                    &sc->devs[p->stops[k + 1].dev], NULL, 0);
            }
        }
    }

    for (uint64_t seq = 0; seq < 2; seq++) {
        int64_t pi = gui_history_find_seq(h, mouse, seq, false);
        ck_assert_int_ge(pi, 0);
        struct gui_pkt *p = gui_history_packet(h, (size_t) pi);
        gui_history_stops(h, p);
        uint32_t k = 0;
        while (k < p->n_stops && p->stops[k].dev != br) {
            k++;
        }
        ck_assert_uint_lt(k + 1, p->n_stops);
        uint32_t next = p->stops[k + 1].dev;
        struct gui_frame f;
        gui_frame_init(&f);
        if (seq == 1) {
            /* A hit: from the bridge straight on to the VM. */
            ck_assert_str_eq(sc->devs[next].path, "host1/vm1/eth0");
            for (uint32_t q = 0; q < p->n_stops; q++) {
                ck_assert(!gui_dev_thread_of(&sc->devs[p->stops[q].dev],
                                             NULL, 0));
            }
            vh_time_t t = moving_from(h, p, k, p->stops[k].t_in,
                                      p->stops[k + 1].t_in);
            ck_assert(t != 0);
            const struct gui_dot *d = dot_at(&f, h, l, (uint32_t) pi, t);
            ck_assert(d && d->state == GUI_DOT_MOVING && !d->slow);
            gui_frame_free(&f);
            continue;
        }
        /* A miss: br-int, a handler, br-int. */
        ck_assert_uint_lt(k + 2, p->n_stops);
        ck_assert_msg(gui_dev_thread_of(&sc->devs[next], NULL, 0)
                      && sc->devs[next].parent == (int32_t) br,
                      "after br-int: %s", sc->devs[next].path);
        ck_assert(strstr(sc->devs[next].path, "/handler"));
        ck_assert_uint_eq(p->stops[k + 2].dev, br);
        int32_t tn = l->dev_node[next];
        const struct gui_box *tb = &l->nodes[tn].box;
        const struct gui_box *bb = &l->nodes[bn].box;
        ck_assert_float_lt(tb->y + tb->h, bb->y);

        /* Up: between the bridge's top and the handler's bottom, on the
         * slow path. */
        vh_time_t t = moving_from(h, p, k, p->stops[k].t_in,
                                  p->stops[k + 1].t_in);
        ck_assert(t != 0);
        const struct gui_dot *d = dot_at(&f, h, l, (uint32_t) pi, t);
        ck_assert(d && d->state == GUI_DOT_MOVING);
        ck_assert_int_eq(d->node, bn);
        ck_assert_int_eq(d->to, tn);
        ck_assert(d->slow);
        ck_assert(d->y <= bb->y && d->y >= tb->y + tb->h);
        /* There: in the handler's box. */
        d = dot_at(&f, h, l, (uint32_t) pi, p->stops[k + 1].t_in + VH_NS);
        ck_assert(d && d->state != GUI_DOT_MOVING);
        ck_assert_int_eq(d->node, tn);
        ck_assert(d->x >= tb->x && d->x <= tb->x + tb->w
                  && d->y >= tb->y && d->y <= tb->y + tb->h);
        /* Back down to the bridge, still the slow path. */
        t = moving_from(h, p, k + 1, p->stops[k + 1].t_in,
                        p->stops[k + 2].t_in);
        ck_assert(t != 0);
        d = dot_at(&f, h, l, (uint32_t) pi, t);
        ck_assert(d && d->state == GUI_DOT_MOVING);
        ck_assert_int_eq(d->node, tn);
        ck_assert_int_eq(d->to, bn);
        ck_assert(d->slow);
        gui_frame_free(&f);
    }
    gui_layout_free(l);
    gui_history_free(h);

    /* What the model counted: one upcall per miss, none lost. */
    struct vh_diag diag;
    vh_diag_init(&diag);
    struct cfg_scenario *cfg = cfg_load(OVS, NULL, &diag);
    ck_assert_msg(cfg != NULL, "%s", diag.msg);
    struct world *w = world_build(cfg, &diag);
    ck_assert_msg(w != NULL, "%s", diag.msg);
    world_run(w, NULL, NULL);
    const struct ovs_kernel *ok = VH_CONTAINER_OF(
        vh_devtab_find_kind(&w->devs, "host1/br-int", "ovs-kernel"),
        const struct ovs_kernel, dev);
    uint64_t missed = ok->missed, hit = ok->hit, lost = ok->lost;
    world_free(w);
    cfg_free(cfg);
    ck_assert_uint_ge(missed, 100);    /* A new megaflow per mouse. */
    ck_assert_uint_eq(lost, 0);
    ck_assert_uint_eq(up, missed);
    ck_assert_uint_eq(down, hit);

    /* The inspector of the bridge says the same at the end. */
    struct viewer v;
    viewer_file(&v, 1280, 720, rec, 0);
    snprintf(v.app.sel_path, sizeof v.app.sel_path, "host1/br-int");
    gui_app_set_time(&v.app, gui_app_end(&v.app));
    char want[2][96];
    snprintf(want[0], sizeof want[0], "sent up to ovs-vswitchd %llu (slow "
             "path)", (unsigned long long) missed);
    snprintf(want[1], sizeof want[1], "kept in the kernel %llu (fast path)",
             (unsigned long long) hit);
    for (int k = 0; k < 2; k++) {
        bool seen = false;
        for (size_t i = 0; i < v.app.lines.n; i++) {
            seen |= strstr(v.app.lines.v[i].text, want[k]) != NULL;
        }
        ck_assert_msg(seen, "inspector lacks '%s'", want[k]);
    }
    /* Clicks on a handler and on ovs-vswitchd's title select them. */
    struct gui_side *sd = &v.app.side[0];
    for (int k = 0; k < 2; k++) {
        int32_t n = node_of_path(sd->l, "host1/br-int/handler0");
        n = k ? sd->l->nodes[n].parent : n;
        float wx, wy, x, y;
        gui_layout_anchor(sd->l, n, &wx, &wy);
        gui_app_to_screen(&v.app, 0, wx, wy, &x, &y);
        gui_app_click(&v.app, (int) x, (int) y);
        ck_assert_int_eq(sd->sel_node, n);
        const char *say = k ? "4 handler threads"
                            : "a handler thread of ovs-vswitchd, in user "
                              "space";
        bool seen = false;
        for (size_t i = 0; i < v.app.lines.n; i++) {
            seen |= strstr(v.app.lines.v[i].text, say) != NULL;
        }
        ck_assert_msg(seen, "inspector lacks '%s'", say);
    }
    viewer_close(&v);
    unlink(rec);
    rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_controls)
{
    struct watch wt;
    watch_demo(&wt, 1, 2, 0, 0);
    ck_assert_uint_ge(wt.n, 10);
    char *dir = vh_test_tmpdir();
    char *rec = record_demo(dir, "");
    struct viewer v;
    viewer_file(&v, 1280, 720, rec, 0);
    struct gui_app *a = &v.app;

    /* Space toggles the clock; + and - change the speed. */
    a->paused = true;
    gui_app_key(a, SDLK_SPACE);
    ck_assert(!a->paused);
    gui_app_key(a, SDLK_SPACE);
    ck_assert(a->paused);
    double s = a->speed;
    gui_app_key(a, SDLK_PLUS);
    ck_assert(a->speed == s * 2);
    gui_app_key(a, SDLK_MINUS);
    gui_app_key(a, SDLK_MINUS);
    ck_assert(a->speed == s / 2);
    gui_app_key(a, SDLK_EQUALS);
    /* Playing moves the clock by the speed times the wall time. */
    gui_app_set_time(a, 10 * VH_US);
    a->paused = false;
    a->skip_idle = false;
    gui_app_tick(a, 0.5);
    ck_assert_uint_eq(a->t, 10 * VH_US + (vh_time_t) (a->speed * 0.5));
    a->paused = true;

    /* With packet 2 of flow 1 selected, the arrows walk its hops: the
     * times our subscriber saw, in order, there and back. */
    vh_time_t sorted[256] = { 0 };
    size_t n = 0;
    for (size_t i = 0; i < wt.n; i++) {
        bool dup = false;
        for (size_t k = 0; k < n; k++) {
            dup |= sorted[k] == wt.times[i];
        }
        if (!dup) {
            size_t k = n++;
            while (k > 0 && sorted[k - 1] > wt.times[i]) {
                sorted[k] = sorted[k - 1];
                k--;
            }
            sorted[k] = wt.times[i];
        }
    }
    a->has_pkt = true;
    a->pkt_flow = 1;
    a->pkt_seq = 2;
    gui_app_set_time(a, sorted[0]);
    for (size_t i = 1; i < n; i++) {
        gui_app_key(a, SDLK_RIGHT);
        ck_assert_uint_eq(a->t, sorted[i]);
    }
    for (size_t i = n - 1; i-- > 0;) {
        gui_app_key(a, SDLK_LEFT);
        ck_assert_uint_eq(a->t, sorted[i]);
    }

    /* Number keys hide and show a flow's packets. */
    vh_time_t busy = sorted[n / 2];
    gui_app_set_time(a, busy);
    size_t flow1 = 0;
    for (size_t i = 0; i < a->side[0].frame.n_dots; i++) {
        flow1 += a->side[0].frame.dots[i].flow == 1;
    }
    ck_assert_uint_gt(flow1, 0);
    gui_app_key(a, SDLK_2);
    for (size_t i = 0; i < a->side[0].frame.n_dots; i++) {
        ck_assert_int_ne(a->side[0].frame.dots[i].flow, 1);
    }
    gui_app_key(a, SDLK_2);
    size_t again = 0;
    for (size_t i = 0; i < a->side[0].frame.n_dots; i++) {
        again += a->side[0].frame.dots[i].flow == 1;
    }
    ck_assert_uint_eq(again, flow1);

    /* A click at a device's centre selects it: every device drawn. */
    a->has_pkt = false;
    a->hidden_flows = ~0u;      /* No dots in the way. */
    gui_app_set_time(a, busy);
    struct gui_side *sd = &a->side[0];
    const struct gui_scene *sc = gui_history_scene(sd->h);
    for (size_t d = 0; d < sc->n_devs; d++) {
        int32_t node = sd->l->dev_node[d];
        if (node < 0 || sd->l->nodes[node].dev != (int32_t) d) {
            continue;           /* Drawn as an ancestor. */
        }
        float wx, wy, x, y;
        gui_layout_anchor(sd->l, node, &wx, &wy);
        gui_app_to_screen(a, 0, wx, wy, &x, &y);
        gui_app_click(a, (int) lroundf(x), (int) lroundf(y));
        ck_assert_msg(!strcmp(a->sel_path, sc->devs[d].path),
                      "clicking %s selected '%s'", sc->devs[d].path,
                      a->sel_path);
        ck_assert_uint_gt(a->lines.n, 0);
    }
    /* Clicking the timeline jumps there. */
    gui_app_click(a, a->w / 2, a->h - 4);
    vh_time_t half = gui_app_end(a) / 2;
    ck_assert(a->t > half - half / 20 && a->t < half + half / 20);

    /* A click on a dot selects its packet. */
    a->hidden_flows = 0;
    gui_app_set_time(a, busy);
    const struct gui_dot *dot = NULL;
    for (size_t i = 0; i < sd->frame.n_dots && !dot; i++) {
        if (!isnan(sd->frame.dots[i].x) && sd->frame.dots[i].flow >= 0) {
            dot = &sd->frame.dots[i];
        }
    }
    ck_assert_ptr_nonnull(dot);
    const struct gui_pkt *p = gui_history_packet(sd->h, dot->pkt);
    int flow = p->flow;
    uint64_t seq = p->seq;
    float x, y;
    gui_app_to_screen(a, 0, dot->x, dot->y, &x, &y);
    gui_app_click(a, (int) lroundf(x), (int) lroundf(y));
    ck_assert(a->has_pkt);
    ck_assert_int_eq(a->pkt_flow, flow);
    ck_assert_uint_eq(a->pkt_seq, seq);
    gui_app_key(a, SDLK_f);
    ck_assert(a->follow);
    gui_app_key(a, SDLK_h);
    ck_assert(a->help);
    gui_app_draw(a);
    gui_app_key(a, SDLK_ESCAPE);
    ck_assert(!a->help && !a->quit);
    gui_app_key(a, SDLK_q);
    ck_assert(a->quit);
    viewer_close(&v);
    unlink(rec);
    rmdir(dir);
    free(rec);
    free(dir);
}
END_TEST

START_TEST(test_fold_expands_on_click)
{
    /* A recording of a host with 40 guests, made by hand. */
    static struct topo t;
    struct gui_scene sc;
    build_scene(&sc, &t, 40, false);
    char *dir = vh_test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/many.vhrec", dir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    vh_time_t clock = 0;
    struct gui_rec_writer *w = gui_rec_writer_new(f, &sc, &clock);
    char err[256];
    ck_assert_int_eq(gui_rec_finish(w, err, sizeof err), 0);
    fclose(f);
    gui_scene_free(&sc);

    struct viewer v;
    viewer_file(&v, 1280, 720, path, 0);
    struct gui_app *a = &v.app;
    gui_app_set_time(a, 0);
    struct gui_side *sd = &a->side[0];
    int32_t fold = -1;
    for (size_t i = 0; i < sd->l->n_nodes; i++) {
        if (sd->l->nodes[i].type == GUI_N_FOLD) {
            fold = (int32_t) i;
        }
    }
    ck_assert_int_ge(fold, 0);
    int hidden = sd->l->nodes[fold].count;
    ck_assert_int_gt(hidden, 0);
    float wx, wy, x, y;
    gui_layout_anchor(sd->l, fold, &wx, &wy);
    gui_app_to_screen(a, 0, wx, wy, &x, &y);
    gui_app_click(a, (int) x, (int) y);
    int guests = 0;
    for (size_t i = 0; i < sd->l->n_nodes; i++) {
        guests += sd->l->nodes[i].type == GUI_N_GUEST;
    }
    ck_assert_int_eq(guests, 40);
    check_layout(sd->l, 40);
    viewer_close(&v);
    unlink(path);
    rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_compare_side_by_side)
{
    static const char *const two[] = { "base", "vm1-on-e1000" };
    struct viewer v;
    viewer_live(&v, 1600, 900, two, 2);
    struct gui_app *a = &v.app;
    ck_assert_int_eq(a->n_sides, 2);
    a->has_pkt = true;
    a->pkt_flow = 0;
    a->pkt_seq = 1;
    uint8_t *px = frame_at(&v, 130 * VH_US);
    /* The same packet is found on both sides, with one clock. */
    ck_assert_int_ge(a->side[0].sel_pkt, 0);
    ck_assert_int_ge(a->side[1].sel_pkt, 0);
    ck_assert_uint_eq(a->side[0].frame.t, a->side[1].frame.t);
    /* The second side shows the e1000's emulation, not vhost-net. */
    const struct gui_scene *s1 = gui_history_scene(a->side[1].h);
    bool e1000 = false;
    for (size_t i = 0; i < s1->n_devs; i++) {
        e1000 |= strstr(s1->devs[i].note, "e1000") != NULL;
    }
    ck_assert(e1000);
    /* Side by side or one above the other, never overlapping. */
    const SDL_Rect *v0 = &a->side[0].view.vp, *v1 = &a->side[1].view.vp;
    ck_assert(v1->x >= v0->x + v0->w || v1->y >= v0->y + v0->h);
    free(px);
    viewer_close(&v);
}
END_TEST

/* Three variants of the demo at 1280x720, as a class sees them: all at
 * one scale, none overlapping another or its counters, labels never
 * drawn below 11 pixels; the counters show the e1000's VM exits and its
 * higher cost per packet than vhost-net's while the packets move; the
 * inspector says which variant it shows. */
START_TEST(test_compare_three_for_a_class)
{
    static const char *const three[] = { "base", "vm1-on-e1000",
                                         "slow-cpu" };
    struct viewer v;
    viewer_live(&v, 1280, 720, three, 3);
    struct gui_app *a = &v.app;
    ck_assert_int_eq(a->n_sides, 3);
    a->has_pkt = true;
    a->pkt_flow = 0;
    a->pkt_seq = 1;
    uint8_t *px = frame_at(&v, 130 * VH_US);
    ck_assert_int_ge(a->draw.min_text_px, 11);
    for (int s = 0; s < 3; s++) {
        const struct gui_side *sd = &a->side[s];
        ck_assert_float_eq_tol(sd->view.zoom, a->side[0].view.zoom, 1e-6);
        ck_assert_int_ge(sd->view.vp.x, 0);
        ck_assert_int_le(sd->view.vp.x + sd->view.vp.w, 1280);
        ck_assert_int_ge(sd->strip.h, 11);
        ck_assert_int_le(sd->strip.y + sd->strip.h, sd->view.vp.y);
        for (int o = s + 1; o < 3; o++) {
            const SDL_Rect *p = &sd->view.vp, *q = &a->side[o].view.vp;
            SDL_Rect both;
            ck_assert_msg(!SDL_IntersectRect(p, q, &both),
                          "sides %d and %d overlap", s, o);
        }
    }
    struct gui_rates base, e1000;
    ck_assert_int_eq(gui_app_set_time(a, 400 * VH_US), 0);
    gui_rates_at(a->side[0].h, 400 * VH_US, 100 * VH_US, &base);
    gui_rates_at(a->side[1].h, 400 * VH_US, 100 * VH_US, &e1000);
    ck_assert_uint_gt(base.delivered, 0);
    ck_assert_uint_gt(e1000.delivered, 0);
    ck_assert_uint_gt(e1000.exits, 0);
    ck_assert(e1000.cycles_per_pkt > base.cycles_per_pkt);
    char line[200];
    gui_rates_format(&e1000, line, sizeof line);
    ck_assert_ptr_nonnull(strstr(line, "VM exits/s"));
    /* The inspector's first line names the variant. */
    a->sel_side = 1;
    gui_app_set_time(a, 130 * VH_US);
    ck_assert_uint_gt(a->lines.n, 1);
    ck_assert_str_eq(a->lines.v[0].text, "Variant: vm1-on-e1000");
    free(px);
    viewer_close(&v);
}
END_TEST

/* The names of the variants of scenario 'path' (up to 'max'); returns
 * how many. */
static int
variant_names(const char *path, char names[][64], int max)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cJSON *root = cJSON_Parse(text);
    ck_assert_ptr_nonnull(root);
    int k = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(root, "variants")) {
        const cJSON *name = cJSON_GetObjectItem(v, "name");
        if (k < max && cJSON_IsString(name)) {
            snprintf(names[k++], 64, "%s", name->valuestring);
        }
    }
    cJSON_Delete(root);
    return k;
}

/* Compare mode at 1280x720, as a class sees it on a projector: for every
 * lesson with variants, with two, three and four of them on the screen,
 * at times through the run, every device's name or caption that is
 * drawn is whole, at least 11 pixels high, and inside the part of its
 * box that is free for it (not over its box's border, its NICs or its
 * queue lane); some are drawn in every picture. */
START_TEST(test_compare_text_fits_at_1280x720)
{
    DIR *dir = opendir("scenarios/lessons");
    ck_assert_ptr_nonnull(dir);
    char fails[2048] = "";          /* Within a check message. */
    size_t nf = 0;
    int lessons = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json")) {
            continue;
        }
        char path[512];
        snprintf(path, sizeof path, "scenarios/lessons/%s", de->d_name);
        char names[GUI_MAX_SIDES][64];
        snprintf(names[0], 64, "base");
        int nv = 1 + variant_names(path, names + 1, GUI_MAX_SIDES - 1);
        if (nv < 2) {
            continue;
        }
        lessons++;
        for (int n = 2; n <= nv; n++) {
            struct viewer v;
            memset(&v, 0, sizeof v);
            screen_open(&v.scr, 1280, 720);
            gui_app_init(&v.app, v.scr.r, v.scr.font, 1280, 720);
            for (int i = 0; i < n; i++) {
                /* A variant a lesson shows refused (a NIC's VF limit)
                 * has no picture. */
                struct gui_history *h = cli_gui_live_open(path, names[i],
                                                          &v.live[i]);
                if (h) {
                    gui_app_add_side(&v.app, h, names[i]);
                }
            }
            v.app.paused = true;
            struct gui_app *a = &v.app;
            if (a->n_sides < 2) {
                viewer_close(&v);
                continue;
            }
            ck_assert_int_ge(a->draw.min_text_px, 11);
            vh_time_t end = gui_app_end(a);
            for (int k = 1; k <= 4; k++) {
                free(frame_at(&v, end * k / 5));
                ck_assert_msg(a->draw.n_texts > 0, "%s with %d variants: "
                              "no label drawn", path, n);
                for (int i = 0; i < a->draw.n_texts; i++) {
                    const struct gui_text_rect *t = &a->draw.texts[i];
                    bool inside = t->x >= t->ax - 0.5f && t->y >= t->ay - 0.5f
                                  && t->x + t->w <= t->ax + t->aw + 0.5f
                                  && t->y + t->h <= t->ay + t->ah + 0.5f;
                    if (!inside || t->h < 11) {
                        char line[300];
                        snprintf(line, sizeof line, "\n%s, %d variants: "
                                 "the label of node %d is %.0fx%.0f at "
                                 "(%.0f,%.0f), its room %.0fx%.0f at "
                                 "(%.0f,%.0f)", de->d_name, n, t->node,
                                 t->w, t->h, t->x, t->y, t->aw, t->ah, t->ax,
                                 t->ay);
                        note_fault(fails, sizeof fails, line, &nf);
                    }
                }
            }
            viewer_close(&v);
        }
    }
    closedir(dir);
    ck_assert_int_ge(lessons, 10);
    ck_assert_msg(nf == 0, "%zu faults:%s", nf, fails);
}
END_TEST

START_TEST(test_record_roundtrip)
{
    /* Events made up here go through the writer and come back. */
    static struct topo t;
    struct gui_scene sc;
    build_scene(&sc, &t, 2, false);
    gui_scene_add_flow(&sc, "f0", "host1/vm1", "host1/vm2", "udp");
    gui_scene_add_cat(&sc, "guest");
    gui_scene_add_mark(&sc, 5 * VH_US, "link-down", "tor1/p1", NULL,
                       5 * VH_US);
    char *dir = vh_test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/rt.vhrec", dir);
    FILE *f = fopen(path, "wb");
    vh_time_t clock = 0;
    struct gui_rec_writer *w = gui_rec_writer_new(f, &sc, &clock);
    struct vh_pool pool;
    vh_pool_init(&pool);
    struct vh_device dev = { .id = 3 };
    static const char why[] = "ring-full";
    static const char what[] = "copy";
    enum { N = 10000 };
    for (int i = 0; i < N; i++) {
        struct vh_packet *p = vh_packet_alloc(&pool);
        p->flow = i % 3 - 1;
        p->seq = (uint64_t) i * 7;
        p->born = clock;
        p->is_reply = i % 5 == 0;
        p->counted = 1;
        uint8_t *b = vh_packet_put(p, 60);
        memset(b, i & 0xff, 60);
        clock += (vh_time_t) (i % 4) * 1000;
        struct vh_hop h = {
            /* Every kind the recording keeps (decisions are for
             * 'explain' only). */
            .kind = (enum vh_hop_kind) (i % VH_HOP_DECIDE),
            .time = clock + (vh_time_t) (i % 3) * 500, .pkt = p, .dev = &dev,
            .reason = why, .what = what, .cycles = (uint64_t) i * 3,
            .core = i % 4, .on_cpu = (uint8_t) (i % 2), .depth = (uint32_t) i,
            .category = 0,
        };
        h.end = h.time + 77;
        gui_rec_hop(w, &h);
        vh_packet_free(p);
    }
    char err[256];
    ck_assert_int_eq(gui_rec_finish(w, err, sizeof err), 0);
    fclose(f);
    vh_pool_destroy(&pool);

    struct gui_scene back;
    struct gui_rec_reader *r = gui_rec_open(path, &back, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_uint_eq(back.n_devs, sc.n_devs);
    for (size_t i = 0; i < sc.n_devs; i++) {
        ck_assert_str_eq(back.devs[i].path, sc.devs[i].path);
        ck_assert_str_eq(back.devs[i].kind, sc.devs[i].kind);
        ck_assert_uint_eq(back.devs[i].role, sc.devs[i].role);
        ck_assert_int_eq(back.devs[i].parent, sc.devs[i].parent);
        ck_assert_uint_eq(back.devs[i].n_edges, sc.devs[i].n_edges);
    }
    ck_assert_uint_eq(back.n_marks, 1);
    ck_assert_uint_eq(back.marks[0].at, 5 * VH_US);
    ck_assert_str_eq(back.flows[0].name, "f0");
    vh_time_t c2 = 0;
    uint64_t first_id = 0;
    for (int i = 0; i < N; i++) {
        struct gui_rec_item it;
        ck_assert_int_eq(gui_rec_next(r, &it), 1);
        c2 += (vh_time_t) (i % 4) * 1000;
        if (i == 0) {
            first_id = it.pkt;
        }
        ck_assert_uint_eq(it.pkt, first_id + (uint64_t) i);
        ck_assert_uint_eq(it.now, c2);
        ck_assert_uint_eq(it.time, c2 + (vh_time_t) (i % 3) * 500);
        ck_assert_uint_eq(it.kind, (unsigned) (i % VH_HOP_DECIDE));
        ck_assert_uint_eq(it.dev, 3);
        ck_assert(it.has_meta);     /* Every packet is new. */
        ck_assert_int_eq(it.flow, i % 3 - 1);
        ck_assert_uint_eq(it.seq, (uint64_t) i * 7);
        ck_assert_uint_eq(it.is_reply, i % 5 == 0);
        ck_assert_uint_eq(it.frame_len, 60);
        ck_assert_uint_eq(it.snap_len, 60);
        ck_assert_uint_eq(it.snap[59], (uint8_t) (i & 0xff));
        if (it.kind == VH_HOP_SERVICE) {
            ck_assert_uint_eq(it.end, it.time + 77);
            ck_assert_uint_eq(it.cycles, (uint64_t) i * 3);
            ck_assert_str_eq(gui_rec_string(r, it.what), "copy");
            ck_assert_uint_eq(it.on_cpu, (unsigned) (i % 2));
            if (it.on_cpu) {
                ck_assert_int_eq(it.core, i % 4);
            }
        } else if (it.kind == VH_HOP_ENQUEUE) {
            ck_assert_uint_eq(it.depth, (uint32_t) i);
        } else if (it.kind == VH_HOP_DROP) {
            ck_assert_str_eq(gui_rec_string(r, it.reason), "ring-full");
        }
    }
    struct gui_rec_item it;
    ck_assert_int_eq(gui_rec_next(r, &it), 0);
    ck_assert(gui_rec_at_end(r));
    gui_rec_close(r);
    gui_scene_free(&back);

    /* Damaged copies never crash: cut short, or with bytes flipped. */
    size_t len;
    char *data = vh_test_slurp(path, &len);
    for (int k = 0; k < 40; k++) {
        char bad[4096];
        snprintf(bad, sizeof bad, "%s/bad%d", dir, k);
        FILE *g = fopen(bad, "wb");
        size_t cut = k < 20 ? len * (size_t) k / 20 : len;
        fwrite(data, 1, cut, g);
        fclose(g);
        if (k >= 20) {
            g = fopen(bad, "r+b");
            fseek(g, (long) (len * (size_t) (k - 20) / 20), SEEK_SET);
            fputc(0xa5, g);
            fputc(0x5a, g);
            fclose(g);
        }
        struct gui_history *hh = gui_history_open(bad, NULL, NULL, 0, err,
                                                  sizeof err);
        if (hh) {
            gui_history_seek(hh, VH_TIME_NEVER / 2, GUI_AHEAD);
            gui_history_free(hh);
        }
        unlink(bad);
    }
    free(data);
    gui_scene_free(&sc);
    unlink(path);
    rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_png_pixels_round_trip)
{
    enum { W = 173, H = 91 };
    static uint8_t px[W * H * 3];
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            uint8_t *p = px + (y * W + x) * 3;
            p[0] = x < 60 ? 250 : (uint8_t) (x * 3);
            p[1] = (uint8_t) (y / 10 * 25);
            p[2] = (uint8_t) ((x * y) % 251);
        }
    }
    char *dir = vh_test_tmpdir();
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/t.png", dir);
    ck_assert_int_eq(gui_png_write(path, px, W, H, W * 3, err, sizeof err),
                     0);
    size_t len;
    uint8_t *f = (uint8_t *) vh_test_slurp(path, &len);
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10 };
    ck_assert(!memcmp(f, sig, 8));
    ck_assert(!memcmp(f + 12, "IHDR", 4));
    ck_assert_uint_eq((uint32_t) f[16] << 24 | (uint32_t) f[17] << 16
                      | (uint32_t) f[18] << 8 | f[19], W);
    ck_assert_uint_eq(f[24], 8);
    ck_assert_uint_eq(f[25], 2);
    ck_assert(!memcmp(f + len - 8, "IEND", 4));
    free(f);

    /* An independent decoder (Python's zlib, and PNG's five row filters
     * written out) gets the pixels back, every chunk's CRC right. */
    ck_assert_int_eq(vh_test_sh(NULL, "command -v python3"), 0);
    char raw[4096];
    snprintf(raw, sizeof raw, "%s/raw", dir);
    FILE *g = fopen(raw, "wb");
    fwrite(px, 1, sizeof px, g);
    fclose(g);
    char *out = NULL;
    int st = vh_test_sh(&out, "python3 - '%s' '%s' %d %d <<'EOF'\n"
        "import sys, zlib, struct\n"
        "d = open(sys.argv[1], 'rb').read(); w, h = int(sys.argv[3]), "
        "int(sys.argv[4])\n"
        "i, idat = 8, b''\n"
        "while i < len(d):\n"
        "    n, = struct.unpack('>I', d[i:i+4]); t = d[i+4:i+8]\n"
        "    c, = struct.unpack('>I', d[i+8+n:i+12+n])\n"
        "    assert zlib.crc32(d[i+4:i+8+n]) & 0xffffffff == c, t\n"
        "    if t == b'IDAT': idat += d[i+8:i+8+n]\n"
        "    i += 12 + n\n"
        "raw = zlib.decompress(idat); out = bytearray()\n"
        "prev = bytes(w*3)\n"
        "for y in range(h):\n"
        "    f = raw[y*(w*3+1)]\n"
        "    row = bytearray(raw[y*(w*3+1)+1:(y+1)*(w*3+1)])\n"
        "    for x in range(w*3):\n"
        "        a = row[x-3] if x >= 3 else 0\n"
        "        b = prev[x]; c = prev[x-3] if x >= 3 else 0\n"
        "        if f == 1: row[x] = (row[x] + a) & 255\n"
        "        elif f == 2: row[x] = (row[x] + b) & 255\n"
        "        elif f == 3: row[x] = (row[x] + (a + b) // 2) & 255\n"
        "        elif f == 4:\n"
        "            p = a + b - c; pa, pb, pc = abs(p-a), abs(p-b), "
        "abs(p-c)\n"
        "            pr = a if pa <= pb and pa <= pc else (b if pb <= pc "
        "else c)\n"
        "            row[x] = (row[x] + pr) & 255\n"
        "        else: assert f == 0, f\n"
        "    out += row; prev = row\n"
        "assert bytes(out) == open(sys.argv[2], 'rb').read()\n"
        "print('ok')\nEOF", path, raw, W, H);
    ck_assert_msg(st == 0 && strstr(out, "ok"), "%s", out);
    free(out);
    unlink(raw);
    unlink(path);
    rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_cli)
{
    char *dir = vh_test_tmpdir();
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    const char *vhsim = bin();
    char *out = NULL;
    int st = vh_test_sh(&out, "cd '%s' && '%s' gui '%s/" DEMO "' "
                        "--screenshot shot.png --at 15us --size 800x600 && "
                        "head -c 24 shot.png | od -An -tx1", dir, vhsim, cwd);
    ck_assert_msg(st == 0, "%s", out);
    /* Width 800 (0x320) and height 600 (0x258) in IHDR. */
    ck_assert_msg(strstr(out, "00 00 03 20 00 00 02 58"), "%s", out);
    free(out);

    st = vh_test_sh(&out, "cd '%s' && '%s' gui '%s/" DEMO "' --frames fr "
                    "--from 100us --to 101us --fps 10 --size 640x360 && "
                    "ls fr | wc -l", dir, vhsim, cwd);
    ck_assert_msg(st == 0, "%s", out);
    ck_assert_msg(strstr(out, "11\n"), "%s", out);   /* 1us at 0.1us a frame */
    free(out);

    /* A recording replays without the scenario. */
    st = vh_test_sh(&out, "cd '%s' && '%s' run '%s/" DEMO "' --quiet "
                    "--record r.vhrec && '%s' gui r.vhrec --screenshot "
                    "r.png --at 104us && test -s r.png", dir, vhsim, cwd,
                    vhsim);
    ck_assert_msg(st == 0, "%s", out);
    free(out);

    /* Compare mode, headless. */
    st = vh_test_sh(&out, "cd '%s' && '%s' gui '%s/" DEMO "' --variants "
                    "base,vm1-on-e1000 --select vm1-to-remote:1 --screenshot "
                    "c.png --at 120us && test -s c.png", dir, vhsim, cwd);
    ck_assert_msg(st == 0, "%s", out);
    free(out);

    /* In Chinese, four variants. */
    st = vh_test_sh(&out, "cd '%s' && '%s' gui '%s/" DEMO "' --variants "
                    "base,vm1-on-e1000,slow-cpu,base --lang zh --screenshot "
                    "z.png --at 120us && test -s z.png", dir, vhsim, cwd);
    ck_assert_msg(st == 0, "%s", out);
    free(out);

    /* Bad input: exit 2, a message, nothing written. */
    static const char *const bad[] = {
        "--screenshot x.png --at 15parsecs",
        "--screenshot x.png --size 10x10",
        "--variants base",
        "--variants base,nosuch --screenshot x.png",
        "--variants base,base,slow-cpu,slow-cpu,vm1-on-e1000 "
        "--screenshot x.png",
        "--lang fr --screenshot x.png",
        "--select nosuch --screenshot x.png",
        "--frames d",
        "--bogus",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        st = vh_test_sh(&out, "cd '%s' && '%s' gui '%s/" DEMO "' %s", dir,
                        vhsim, cwd, bad[i]);
        ck_assert_msg(st == 2, "'%s' gave %d: %s", bad[i], st, out);
        ck_assert_msg(strstr(out, "vhsim"), "%s", out);
        free(out);
    }
    /* After the run's end (1.016ms; its duration is 2ms): its end, said. */
    st = vh_test_sh(&out, "cd '%s' && '%s' gui '%s/" DEMO "' --screenshot "
                    "end.png --at 5ms 2>&1 && rm end.png", dir, vhsim, cwd);
    ck_assert_msg(st == 0 && strstr(out, "--at 5ms is after the run ended, "
                                    "at 1.016ms"), "%d: %s", st, out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && echo garbage > g.vhrec && '%s' gui "
                    "g.vhrec --screenshot y.png", dir, vhsim);
    ck_assert_int_eq(st, 2);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && printf 'VHSIMREC\\006\\000\\000\\000"
                    "xx' > h.vhrec && '%s' gui h.vhrec --screenshot y.png",
                    dir, vhsim);
    ck_assert_int_eq(st, 2);
    ck_assert(strstr(out, "damaged"));
    free(out);
    /* Version 1 numbered the hop kinds differently, version 2 had no
     * device roles, version 3 no receive queues, version 4 no
     * migration's destination, version 5 no count events: refused, not
     * misread. */
    st = vh_test_sh(&out, "cd '%s' && printf 'VHSIMREC\\002\\000\\000\\000"
                    "xx' > v2.vhrec && '%s' gui v2.vhrec --screenshot y.png",
                    dir, vhsim);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(out, "version 2"), "%s", out);
    free(out);
    st = vh_test_sh(&out, "cd '%s' && ls x.png y.png 2>/dev/null | wc -l",
                    dir);
    ck_assert_msg(strstr(out, "0"), "%s", out);
    free(out);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* The receive queue boxes of the NIC at 'nic_dev', in order. */
static size_t
queue_nodes(const struct gui_layout *l, int32_t nic_dev, int32_t *out,
            size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n_nodes; i++) {
        if (l->nodes[i].type == GUI_N_QUEUE && l->nodes[i].dev == nic_dev
            && n < max) {
            out[n++] = (int32_t) i;
        }
    }
    return n;
}

static bool
boxes_meet(const struct gui_box *a, const struct gui_box *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w
           && a->y < b->y + b->h && b->y < a->y + a->h;
}

/* The frame at time 't' of history 'h' drawn with layout 'l'. */
static void
anim_at(struct gui_frame *f, struct gui_history *h, struct gui_layout *l,
        vh_time_t t)
{
    ck_assert_int_eq(gui_history_seek(h, t, GUI_AHEAD), 0);
    struct gui_anim_opts o = {
        .linger = VH_US, .min_move = 0, .cpu_window = VH_US,
    };
    gui_anim_frame(f, h, l, t, &o);
}

/* Checks that every frame the NIC at 'nic' wrote to a receive queue in
 * the window of 'h' was written to the queue whose box says so: the box
 * labelled 'want(flow)' when 'want' is set, and that its interrupt ran on
 * the core the box names (the next host work on the packet after it was
 * queued).  Returns the bit set of queues used by each flow in 'used'. */
static void
check_queue_hops(struct gui_history *h, struct gui_layout *l, int32_t nic,
                 const char *(*want)(const char *flow), uint32_t *used,
                 size_t n_flows)
{
    const struct gui_scene *sc = gui_history_scene(h);
    int32_t q[GUI_QUEUES_SHOWN];
    size_t nq = queue_nodes(l, nic, q, GUI_QUEUES_SHOWN);
    size_t checked = 0;
    for (size_t i = 0; i < gui_history_n_packets(h); i++) {
        struct gui_pkt *p = gui_history_packet(h, i);
        for (uint32_t k = 0; k < p->n_ev; k++) {
            const struct gui_hev *e = gui_history_event(h, p->ev[k]);
            if (e->kind != VH_HOP_ENQUEUE || (int32_t) e->dev != nic
                || !e->queue || p->flow < 0) {
                continue;
            }
            ck_assert_uint_le(e->queue, nq);
            const struct gui_node *qn = &l->nodes[q[e->queue - 1]];
            const char *flow = sc->flows[p->flow].name;
            if (want) {
                ck_assert_str_eq(qn->label, want(flow));
            }
            if ((size_t) p->flow < n_flows) {
                used[p->flow] |= 1u << (e->queue - 1);
            }
            for (uint32_t j = k + 1; j < p->n_ev; j++) {
                const struct gui_hev *x = gui_history_event(h, p->ev[j]);
                if (x->kind == VH_HOP_SERVICE && x->on_cpu) {
                    char core[16];
                    snprintf(core, sizeof core, "core %d", x->core);
                    ck_assert_msg(!strcmp(qn->sub, core), "%s's frame in "
                                  "queue %s (%s) served on %s", flow,
                                  qn->label, qn->sub, core);
                    break;
                }
            }
            checked++;
        }
    }
    ck_assert_uint_gt(checked, 10);
}

static const char *
vm_of_flow(const char *flow)
{
    return flow + 3;            /* "to-vm2": its VM's pool is "vm2". */
}

/* VMDq: without it the NIC shows one queue; with it, one more per VM, a
 * pool labelled by its VM, each drawn inside the NIC's box and apart from
 * the others, and every frame for a VM goes to its VM's pool, whose
 * interrupt runs on the core the box names. */
START_TEST(test_vmdq_pools_drawn)
{
    char *dir = vh_test_tmpdir();
    static const struct {
        const char *variant;
        size_t queues;
    } cases[] = { { "base", 1 }, { "vmdq", 4 } };
    for (size_t c = 0; c < 2; c++) {
        struct gui_history *h = scenario_history(dir, "scenarios/vmdq.json",
                                                 cases[c].variant);
        const struct gui_scene *sc = gui_history_scene(h);
        struct gui_layout *l = gui_layout_new(sc, NULL);
        int32_t nic = dev_index(sc, "host1/eth0");
        int32_t q[GUI_QUEUES_SHOWN];
        size_t nq = queue_nodes(l, nic, q, GUI_QUEUES_SHOWN);
        ck_assert_uint_eq(nq, cases[c].queues);
        const struct gui_box *nb = &l->nodes[l->dev_node[nic]].box;
        for (size_t i = 0; i < nq; i++) {
            ck_assert(box_inside(&l->nodes[q[i]].box, nb));
            ck_assert_int_eq(l->nodes[q[i]].parent, l->dev_node[nic]);
            for (size_t j = 0; j < i; j++) {
                ck_assert(!boxes_meet(&l->nodes[q[i]].box,
                                      &l->nodes[q[j]].box));
            }
        }
        ck_assert_str_eq(l->nodes[q[0]].label, "q0");
        if (nq == 4) {
            ck_assert_str_eq(l->nodes[q[1]].label, "vm1");
            ck_assert_str_eq(l->nodes[q[3]].label, "vm3");
        }
        ck_assert_int_eq(gui_history_seek(h, sc->duration, GUI_AHEAD), 0);
        uint32_t used[8] = { 0 };
        check_queue_hops(h, l, nic, nq == 4 ? vm_of_flow : NULL, used, 8);
        /* The IOMMU is drawn only where the host has one. */
        for (size_t i = 0; i < l->n_nodes; i++) {
            ck_assert_int_ne(l->nodes[i].type, GUI_N_IOMMU);
        }
        gui_layout_free(l);
        gui_history_free(h);
    }
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* RSS: four queues, each named by the core irqbalance put its vector on
 * (core 0 for all of them when it saves power); a flow's frames all take
 * one queue, the eight flows more than one; and a frame waiting in a
 * queue fills that queue's box, in its flow's colour. */
START_TEST(test_rss_steering_drawn)
{
    char *dir = vh_test_tmpdir();
    static const struct {
        const char *variant;
        size_t queues;
        bool spread;
    } cases[] = {
        { "base", 4, true }, { "power-save", 4, false }, { "one-queue", 1,
                                                          false },
    };
    for (size_t c = 0; c < 3; c++) {
        struct gui_history *h = scenario_history(dir,
                                                 "scenarios/rss-irqbalance.json",
                                                 cases[c].variant);
        const struct gui_scene *sc = gui_history_scene(h);
        struct gui_layout *l = gui_layout_new(sc, NULL);
        int32_t nic = dev_index(sc, "server/eth0");
        int32_t q[GUI_QUEUES_SHOWN];
        size_t nq = queue_nodes(l, nic, q, GUI_QUEUES_SHOWN);
        ck_assert_uint_eq(nq, cases[c].queues);
        for (size_t i = 0; i < nq; i++) {
            char want[32];
            snprintf(want, sizeof want, "core %zu",
                     cases[c].spread ? i : 0);
            ck_assert_str_eq(l->nodes[q[i]].sub, want);
        }
        ck_assert_int_eq(gui_history_seek(h, sc->duration, GUI_AHEAD), 0);
        uint32_t used[8] = { 0 };
        check_queue_hops(h, l, nic, NULL, used, 8);
        uint32_t all = 0;
        for (size_t f = 0; f < 8; f++) {
            ck_assert_msg(used[f] && !(used[f] & (used[f] - 1)),
                          "flow f%zu used queues %#x", f, used[f]);
            all |= used[f];
        }
        ck_assert(nq == 1 || (all & (all - 1)));

        /* A frame queued and not yet polled fills its queue's box. */
        bool seen = false;
        for (size_t i = 0; i < gui_history_n_packets(h) && !seen; i++) {
            struct gui_pkt *p = gui_history_packet(h, i);
            for (uint32_t k = 0; k + 1 < p->n_ev && !seen; k++) {
                const struct gui_hev *e = gui_history_event(h, p->ev[k]);
                const struct gui_hev *x = gui_history_event(h, p->ev[k + 1]);
                if (e->kind != VH_HOP_ENQUEUE || !e->queue
                    || (int32_t) e->dev != nic || x->time <= e->time + 2) {
                    continue;
                }
                int32_t flow = p->flow;
                struct gui_frame f;
                gui_frame_init(&f);
                anim_at(&f, h, l, e->time + 1);
                ck_assert_uint_ge(f.rxq[q[e->queue - 1]], 1);
                ck_assert_int_ge(f.rxq_flow[q[e->queue - 1]], 0);
                (void) flow;
                gui_frame_free(&f);
                seen = true;
            }
        }
        ck_assert(seen);
        gui_layout_free(l);
        gui_history_free(h);
    }
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

/* The IOMMU of sriov-isolation's host1: a box in its hardware band,
 * beside the NIC and not over it, listing the identity domain with the
 * PF and one domain per VM with its VF; at the end of the run the IOTLB
 * hits and misses it shows are the report's. */
START_TEST(test_iommu_drawn)
{
    char *dir = vh_test_tmpdir();
    struct gui_history *h = scenario_history(dir,
                                             "scenarios/sriov-isolation.json",
                                             "base");
    const struct gui_scene *sc = gui_history_scene(h);
    struct gui_layout *l = gui_layout_new(sc, NULL);
    int32_t host = dev_index(sc, "host1");
    int32_t mmu = -1;
    size_t n_mmu = 0;
    for (size_t i = 0; i < l->n_nodes; i++) {
        if (l->nodes[i].type == GUI_N_IOMMU) {
            mmu = (int32_t) i;
            n_mmu++;
        }
    }
    ck_assert_uint_eq(n_mmu, 1);    /* 'remote' has none. */
    ck_assert_int_eq(l->nodes[mmu].dev, host);
    ck_assert_int_eq(l->nodes[mmu].count, 3);
    ck_assert_str_eq(gui_scene_host_iommu(sc, (uint32_t) host),
                     "identity:eth0;vm1:vf0;vm2:vf1");
    ck_assert_ptr_null(gui_scene_host_iommu(sc, (uint32_t) dev_index(sc,
                                                                     "remote")));
    const struct gui_box *mb = &l->nodes[mmu].box;
    ck_assert(box_inside(mb, &l->nodes[l->dev_node[host]].box));
    const struct gui_box *nb =
        &l->nodes[l->dev_node[dev_index(sc, "host1/eth0")]].box;
    ck_assert(!boxes_meet(mb, nb));
    ck_assert_int_eq(gui_layout_hit(l, mb->x + mb->w / 2, mb->y + mb->h / 2),
                     mmu);
    /* Each VF's queue is the guest's: its box says vCPU, or unused. */
    int32_t q[GUI_QUEUES_SHOWN];
    size_t nq = queue_nodes(l, dev_index(sc, "host1/eth0"), q,
                            GUI_QUEUES_SHOWN);
    ck_assert_uint_eq(nq, 5);
    ck_assert_str_eq(l->nodes[q[1]].label, "vf0");
    ck_assert_str_eq(l->nodes[q[1]].sub, "vCPU");
    ck_assert_str_eq(l->nodes[q[4]].sub, "unused");

    char *out = NULL;
    int st = vh_test_sh(&out, "'%s' run scenarios/sriov-isolation.json "
                        "--json -", bin());
    ck_assert_int_eq(st, 0);
    unsigned long long hits = 0, misses = 0;
    const char *at = strstr(out, "\"iotlb_hits\":");
    ck_assert_ptr_nonnull(at);
    ck_assert_int_eq(sscanf(at, "\"iotlb_hits\": %llu", &hits), 1);
    at = strstr(out, "\"iotlb_misses\":");
    ck_assert_ptr_nonnull(at);
    ck_assert_int_eq(sscanf(at, "\"iotlb_misses\": %llu", &misses), 1);
    free(out);
    ck_assert_uint_gt(misses, 0);
    ck_assert_int_eq(gui_history_seek(h, sc->duration, GUI_AHEAD), 0);
    uint64_t gh, gm;
    gui_iommu_counts(h, (uint32_t) host, sc->duration, &gh, &gm);
    ck_assert_uint_eq(gh, hits);
    ck_assert_uint_eq(gm, misses);
    /* Halfway, fewer: the counts grow with the run. */
    gui_iommu_counts(h, (uint32_t) host, sc->duration / 2, &gh, &gm);
    ck_assert_uint_lt(gh, hits);
    ck_assert_uint_gt(gh, 0);
    gui_layout_free(l);
    gui_history_free(h);
    vh_test_sh(NULL, "rm -rf '%s'", dir);
    free(dir);
}
END_TEST

static Suite *
gui_suite(void)
{
    Suite *s = suite_create("gui");
    TCase *tc = tcase_create("layout");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_layout_no_overlap);
    tcase_add_test(tc, test_layout_hit_anchor);
    tcase_add_test(tc, test_layout_user_space);
    suite_add_tcase(s, tc);
    tc = tcase_create("labels");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_drop_and_hairpin_labels_clear);
    tcase_add_test(tc, test_migrated_vm_drawn_on_new_host);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_record_roundtrip);
    tcase_add_test(tc, test_png_pixels_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("frames");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_dot_on_the_cable_the_trace_says);
    tcase_add_test(tc, test_replay_equals_live);
    tcase_add_test(tc, test_small_budget_same_frames);
    tcase_add_test(tc, test_inspector_against_the_trace);
    tcase_add_test(tc, test_inspector_counts_equal_report);
    tcase_add_test(tc, test_inspector_chinese);
    tcase_add_test(tc, test_evb_hairpin_turns_drawn);
    tcase_add_test(tc, test_empty_scene_frame);
    tcase_add_test(tc, test_recording_truncated_or_damaged);
    tcase_add_test(tc, test_evb_layout);
    tcase_add_test(tc, test_dvswitch_control_lines);
    tcase_add_test(tc, test_evb_inspector_tag);
    tcase_add_test(tc, test_containers_layout);
    tcase_add_test(tc, test_every_scenario_hops_drawn);
    tcase_add_test(tc, test_polling_core_full);
    tcase_add_test(tc, test_vmdq_pools_drawn);
    tcase_add_test(tc, test_rss_steering_drawn);
    tcase_add_test(tc, test_iommu_drawn);
    tcase_add_test(tc, test_inspector_long_frame_and_unresolved_mac);
    tcase_add_test(tc, test_tunnel_inspector);
    tcase_add_test(tc, test_leaf_spine_layout);
    tcase_add_test(tc, test_upcall_up_and_back);
    tcase_add_test(tc, test_controls);
    tcase_add_test(tc, test_fold_expands_on_click);
    tcase_add_test(tc, test_compare_side_by_side);
    tcase_add_test(tc, test_compare_three_for_a_class);
    tcase_add_test(tc, test_compare_text_fits_at_1280x720);
    tcase_add_test(tc, test_cli);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(gui_suite)
