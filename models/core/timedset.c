/* models/core/timedset.c: timed "set" events (models/core/timedset.h). */
#include "models/core/timedset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/config.h"
#include "models/core/devclass.h"
#include "models/core/host.h"
#include "models/core/port.h"
#include "models/core/world.h"
#include "models/endpoint/traffic.h"
#include "models/hw/cpu.h"
#include "sim/xmalloc.h"

enum tset_kind { TSET_RATE, TSET_GHZ, TSET_SPEED };

/* One change, ready to be made. */
struct tset_change {
    enum tset_kind kind;
    size_t index;               /* Of the flow, or the host. */
    struct vh_device *dev;      /* TSET_SPEED: the NIC or the switch. */
    double pps;                 /* TSET_RATE. */
    uint64_t value;             /* TSET_GHZ: kHz; TSET_SPEED: bit/s. */
};

static const struct cfg_flow *
flow_named(const struct cfg_scenario *sc, const char *name, size_t *index)
{
    for (size_t i = 0; i < sc->n_flows; i++) {
        if (!strcmp(sc->flows[i].name, name)) {
            *index = i;
            return &sc->flows[i];
        }
    }
    return NULL;
}

static const struct cfg_host *
host_named(const struct cfg_scenario *sc, const char *name, size_t *index)
{
    for (size_t i = 0; i < sc->n_hosts; i++) {
        if (!strcmp(sc->hosts[i].name, name)) {
            *index = i;
            return &sc->hosts[i];
        }
    }
    return NULL;
}

static const struct cfg_switch *
switch_named(const struct cfg_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_switches; i++) {
        if (!strcmp(sc->switches[i].name, name)) {
            return &sc->switches[i];
        }
    }
    return NULL;
}

static const struct cfg_nic *
nic_at(const struct cfg_scenario *sc, const char *path)
{
    const char *slash = strchr(path, '/');
    if (!slash || strchr(slash + 1, '/')) {
        return NULL;
    }
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        if (strncmp(h->name, path, (size_t) (slash - path))
            || h->name[slash - path]) {
            continue;
        }
        for (size_t k = 0; k < h->n_nics; k++) {
            if (!strcmp(h->nics[k].name, slash + 1)) {
                return &h->nics[k];
            }
        }
    }
    return NULL;
}

/* What key 'key' of 'e' changes, from the scenario as it is after the
 * change.  False with 'diag' set for a field that cannot change while
 * the run goes on. */
static bool
tset_resolve(struct world *w, const struct cfg_event *e, const char *key,
             struct tset_change *c, const char *kp, struct vh_diag *diag)
{
    const struct cfg_scenario *after = e->set_trial;
    const char *dot = strchr(key, '.');
    char path[256];
    snprintf(path, sizeof path, "%.*s", (int) (dot - key), key);
    const char *field = dot + 1;
    size_t i;

    const struct cfg_flow *f = flow_named(after, path, &i);
    if (f && !strcmp(field, "rate")
        && (f->proto == CFG_PROTO_TCP || f->pattern == CFG_PAT_RR)) {
        return vh_diag_fail(diag, kp, "flow '%s' paces itself (a tcp "
                            "stream by its windows, request/response by its "
                            "replies): it has no rate to change", path);
    }
    if (f && !strcmp(field, "rate")) {
        c->kind = TSET_RATE;
        c->index = i;
        c->pps = after->flows[i].pps;
        return true;
    }
    const struct cfg_host *h = host_named(after, path, &i);
    if (h && !strcmp(field, "cpu.ghz")) {
        c->kind = TSET_GHZ;
        c->index = i;
        c->value = h->cpu.khz;
        return true;
    }
    const struct cfg_switch *sw = switch_named(after, path);
    const struct cfg_nic *nic = nic_at(after, path);
    if ((sw || nic) && !strcmp(field, "speed")) {
        c->kind = TSET_SPEED;
        c->dev = vh_devtab_find(&w->devs, path);
        /* null, as in a variant, is the default again: the loader has
         * put the model's speed in. */
        c->value = sw ? sw->speed_bps : nic->speed_bps;
        if (nic && !nic->link) {
            return vh_diag_fail(diag, kp, "'%s' is cabled to nothing, so "
                                "its speed changes nothing", path);
        }
        return c->dev != NULL;
    }
    return vh_diag_fail(diag, kp, "not supported yet: changing '%s' of "
                        "'%s' during the run (a variant can change it "
                        "before the run; during it, a flow's 'rate', a "
                        "host's 'cpu.ghz' and a NIC's or a switch's 'speed' "
                        "can change)", field, path);
}

/* The cable ends at device 'dev' (a NIC) or at its ports (a switch). */
static void
tset_speed(struct world *w, const struct vh_device *dev, uint64_t bps)
{
    for (size_t i = 0; i < w->n_links; i++) {
        struct link *l = w->links[i];
        for (int k = 0; k < 2; k++) {
            const struct vh_device *d = l->end[k]->dev;
            if (d && (d == dev || d->parent == (int32_t) dev->id)) {
                link_set_end_speed(l, l->end[k], bps);
            }
        }
    }
}

static void
tset_apply(struct vh_sim *sim, void *obj, void *arg)
{
    struct world *w = world_of(sim);
    const struct tset_change *c = obj;
    (void) arg;
    switch (c->kind) {
    case TSET_RATE:
        for (size_t g = 0; g < w->n_gens; g++) {
            if (w->gens[g]->flow == (uint32_t) c->index) {
                traffic_set_rate(w, w->gens[g], c->pps);
            }
        }
        break;
    case TSET_GHZ: {
        struct host *h = w->hosts[c->index];
        cpu_prices_init(&h->prices, c->value, &w->costs);
        for (int k = 0; k < h->n_cores; k++) {
            cpu_core_set_clock(&h->cores[k], &h->prices);
        }
        break;
    }
    case TSET_SPEED:
        tset_speed(w, c->dev, c->value);
        break;
    }
}

bool
timedset_schedule(struct world *w, const struct cfg_event *e,
                  struct vh_diag *diag)
{
    for (size_t i = 0; i < e->n_set; i++) {
        char kp[512];
        snprintf(kp, sizeof kp, "%s.set[\"%s\"]", e->jpath,
                 e->set_keys[i]);
        struct tset_change *c = vh_xcalloc(1, sizeof *c);
        world_keep(w, c);
        if (!tset_resolve(w, e, e->set_keys[i], c, kp, diag)) {
            return false;
        }
        vh_schedule_at(&w->sim, e->at, tset_apply, c, NULL);
    }
    return true;
}
