/* tests/worldtest.c: building and inspecting whole worlds in tests. */
#include "tests/worldtest.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/acct.h"
#include "models/core/host.h"
#include "models/endpoint/tcp.h"
#include "sim/capture.h"
#include "sim/diag.h"

struct wt_run
wt_run_json(const char *json, const char *variant,
            void (*subscribe)(struct world *, void *), void *ctx)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct wt_run r;
    r.cfg = cfg_load_string(json, "test.json", variant, &d);
    ck_assert_msg(r.cfg, "scenario failed to load: %s", d.msg);
    r.w = world_build(r.cfg, &d);
    ck_assert_msg(r.w, "world failed to build: %s", d.msg);
    if (subscribe) {
        subscribe(r.w, ctx);
    }
    world_run(r.w, NULL, NULL);
    return r;
}

void
wt_run_free(struct wt_run *r)
{
    world_free(r->w);
    cfg_free(r->cfg);
}

char *
wt_refusal(const char *json, const char *variant)
{
    struct vh_diag d;
    vh_diag_init(&d);
    struct cfg_scenario *c = cfg_load_string(json, "test.json", variant, &d);
    struct world *w = c ? world_build(c, &d) : NULL;
    ck_assert_msg(!w, "scenario was accepted");
    cfg_free(c);
    ck_assert_msg(d.failed, "scenario was refused without a message");
    return strdup(d.msg);
}

void
wt_assert_refused(const char *json, const char *want, size_t i)
{
    if (!want) {
        struct wt_run r = wt_run_json(json, NULL, NULL, NULL);
        wt_run_free(&r);
        return;
    }
    char *msg = wt_refusal(json, NULL);
    ck_assert_msg(strstr(msg, want), "case %zu:\n got: %s\nwant: %s", i,
                  msg, want);
    free(msg);
}

/* A flood family seen while counting, and the flow it belongs to. */
struct seen_family {
    const void *family;
    int32_t flow;
    uint8_t counted;            /* The packets it stands for. */
};

struct alive_count {
    const struct world *w;
    uint64_t *alive;
    struct seen_family *fams;   /* Undelivered families, with repeats. */
    size_t n_fams, cap;
};

static void
count_one(const struct vh_packet *p, void *ctx)
{
    struct alive_count *c = ctx;
    if (p->flow < 0 || (size_t) p->flow >= c->w->n_flows || !p->counted
        || acct_delivered(p)) {
        return;
    }
    if (!p->family) {
        c->alive[p->flow] += p->counted;    /* A super-frame's segments. */
        return;
    }
    if (c->n_fams == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->fams = realloc(c->fams, c->cap * sizeof *c->fams);
        ck_assert_ptr_nonnull(c->fams);
    }
    c->fams[c->n_fams++] = (struct seen_family) { p->family, p->flow,
                                                  p->counted };
}

static int
by_family(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) ((const struct seen_family *) a)->family;
    uintptr_t y = (uintptr_t) ((const struct seen_family *) b)->family;
    return x < y ? -1 : x > y;
}

void
wt_count_alive(const struct world *w, uint64_t *alive)
{
    struct alive_count c = { .w = w, .alive = alive };
    memset(alive, 0, w->n_flows * sizeof *alive);
    vh_pool_foreach_live(&w->pool, count_one, &c);
    /* The copies of one packet are one packet. */
    if (c.n_fams) {
        qsort(c.fams, c.n_fams, sizeof *c.fams, by_family);
    }
    for (size_t i = 0; i < c.n_fams; i++) {
        if (i == 0 || c.fams[i].family != c.fams[i - 1].family) {
            alive[c.fams[i].flow] += c.fams[i].counted;
        }
    }
    free(c.fams);
}

/* The per-flow part of both conservation checks; returns the packets of
 * all flows still in flight. */
static uint64_t
assert_flows_add_up(const struct world *w, bool drained)
{
    uint64_t in_flight = 0;
    uint64_t *alive = calloc(w->n_flows + 1, sizeof *alive);
    ck_assert_ptr_nonnull(alive);
    wt_count_alive(w, alive);
    for (size_t i = 0; i < w->n_flows; i++) {
        const struct flow_stats *fs = &w->flows[i];
        uint64_t reasons = 0;
        for (size_t k = 0; k < fs->drops.n; k++) {
            reasons += fs->drops.count[k];
        }
        ck_assert_msg(reasons == fs->drops.total,
                      "flow %s: drop reasons add up to %llu, total %llu",
                      fs->cfg->name, (unsigned long long) reasons,
                      (unsigned long long) fs->drops.total);
        /* world_in_flight() is what remains of 'sent': it is only
         * meaningful while the other two do not exceed it. */
        ck_assert_msg(fs->delivered + fs->drops.total <= fs->sent,
                      "flow %s: sent %llu, delivered %llu + dropped %llu",
                      fs->cfg->name, (unsigned long long) fs->sent,
                      (unsigned long long) fs->delivered,
                      (unsigned long long) fs->drops.total);
        if (drained) {
            ck_assert_msg(fs->delivered + fs->drops.total == fs->sent,
                          "flow %s: sent %llu delivered %llu dropped %llu",
                          fs->cfg->name, (unsigned long long) fs->sent,
                          (unsigned long long) fs->delivered,
                          (unsigned long long) fs->drops.total);
        }
        /* What the counters leave in flight must be somewhere: a packet
         * lost without a reason, or counted twice, shows up here.  TCP's
         * request/response counts transactions, which its connection
         * carries in segments of no count (models/endpoint/tcp.h). */
        bool transactions = fs->xport && fs->xport->tcp && fs->xport->rr;
        ck_assert_msg(transactions || world_in_flight(w, fs) == alive[i],
                      "flow %s: %llu in flight by the counters, %llu "
                      "held in buffers", fs->cfg->name,
                      (unsigned long long) world_in_flight(w, fs),
                      (unsigned long long) alive[i]);
        in_flight += world_in_flight(w, fs);
    }
    free(alive);
    return in_flight;
}

void
wt_assert_conserved(const struct world *w, bool drained)
{
    assert_flows_add_up(w, drained);
    if (drained) {
        ck_assert_uint_eq(w->pool.live, 0);
        ck_assert_uint_eq(w->families_live, 0);
    }
}

void
wt_assert_held(const struct world *w)
{
    uint64_t in_flight = assert_flows_add_up(w, false);
    ck_assert_uint_eq(w->pool.live, in_flight);
    ck_assert_uint_eq(w->families_live, 0);
}

struct host *
wt_host(struct world *w, const char *name)
{
    for (size_t i = 0; i < w->n_hosts; i++) {
        if (!strcmp(w->hosts[i]->dev.path, name)) {
            return w->hosts[i];
        }
    }
    ck_abort_msg("no host %s", name);
    return NULL;
}

struct vh_device *
wt_dev(struct world *w, const char *path)
{
    struct vh_device *d = vh_devtab_find(&w->devs, path);
    ck_assert_msg(d != NULL, "no device %s", path);
    return d;
}

uint64_t
wt_host_cycles(const struct host *h)
{
    uint64_t t = 0;
    for (int c = 0; c < h->n_cores; c++) {
        t += cpu_total_cycles(&h->cores[c]);
    }
    return t;
}

uint64_t
wt_cat_cycles(const struct host *h, enum cpu_cat cat)
{
    uint64_t t = 0;
    for (int c = 0; c < h->n_cores; c++) {
        t += h->cores[c].cycles[cat];
    }
    return t;
}

void
wt_caps_open(struct world *w, void *caps)
{
    struct wt_caps *cc = caps;
    size_t n = 0, failed;
    while (n < 4 && cc->points[n]) {
        n++;
    }
    char err[256];
    cc->c = vh_capture_open(&w->trace, &w->devs, cc->points, cc->files, n,
                            &failed, err, sizeof err);
    ck_assert_msg(cc->c, "%s", err);
}

void
wt_caps_commit(struct wt_caps *cc)
{
    char err[256];
    ck_assert_msg(vh_capture_commit(cc->c, err, sizeof err) == 0, "%s", err);
}
