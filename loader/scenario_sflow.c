/* loader/scenario_sflow.c: an OVS bridge's "sflow" object.
 *
 *   "sflow": { "sampling": 64, "collector": "host2" }
 *
 * OVS's own keys (ovs-vswitchd.conf.db(5), the sFlow table) with its
 * defaults: "sampling" (1 frame in N, 400), "polling" (counter polling,
 * 30 s: seconds as a number as OVS writes it, or a time such as "2ms";
 * 0 polls nothing), "header" (bytes of a sampled frame kept, 128) and
 * "agent" (the host NIC or internal port whose address the datagrams
 * come from; by default the host's first address that reaches the
 * collector).  The contract names the
 * collector by its traffic endpoint path ("host2", "host1/vm9") where OVS
 * takes "targets" as IP:port.
 *
 * Extensions read here:
 *   sflow.collector_port   UDP port of the collector, 1..65535; default
 *                          6343
 *   sflow.flush            how often the agent sends the samples it has
 *                          gathered (a time, or seconds): OVS's sFlow
 *                          library does it at its one-second tick, which
 *                          simulated runs of milliseconds never reach;
 *                          default 1s, as OVS
 *
 * The collector and agent addresses are resolved once every host is
 * loaded (ld_sflow_refs), and the collector must be reachable from the
 * agent: in its subnet, or through the agent NIC's gateway. */
#include "loader/scenario_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/defaults.h"
#include "models/ovs/sflow.h"
#include "sim/units.h"

/* The shortest polling or flush interval: shorter would swamp a run with
 * timer events while telling nothing more. */
#define MIN_INTERVAL (100 * VH_US)

static const char *const sflow_keys[] = {
    "sampling", "polling", "header", "collector", "agent",
    "collector_port", "flush",
};

bool
ld_ovs_interval(struct ld *ld, const cJSON *o, const char *op, const char *key,
         bool zero_ok, vh_time_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char path[JP_LEN], why[256];
    if (!v || cJSON_IsNull(v)) {
        return true;
    }
    jp_key(path, op, key);
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!isfinite(d) || d != floor(d) || d < 0 || d > 86400) {
            return vh_diag_fail(ld->diag, path, "expected whole seconds "
                                "0 to 86400 as OVS writes it, or a time "
                                "such as \"2ms\", got %.15g", d);
        }
        *out = (vh_time_t) d * VH_SEC;
    } else if (!cJSON_IsString(v)) {
        return vh_diag_fail(ld->diag, path, "expected seconds (a number) "
                            "or a time such as \"2ms\", got %s",
                            ld_type_name(v));
    } else if (vh_parse_time(v->valuestring, out, why, sizeof why)) {
        return vh_diag_fail(ld->diag, path, "%s", why);
    } else if (!ld_time_in_range(ld, path, v->valuestring, *out)) {
        return false;
    }
    if (*out == 0 && zero_ok) {
        return true;
    }
    if (*out < MIN_INTERVAL) {
        return vh_diag_fail(ld->diag, path, "at least 100us%s", zero_ok
                            ? " (or 0 for none)" : "");
    }
    return true;
}

bool
ld_sflow(struct ld *ld, const cJSON *o, const char *bp,
         struct cfg_bridge *br)
{
    static const char header_why[] = "1308 bytes is the most one flow "
        "sample carries in a datagram";
    char sp[JP_LEN];
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "sflow");
    if (!s || cJSON_IsNull(s)) {
        return true;
    }
    jp_key(sp, bp, "sflow");
    struct cfg_sflow *cs = ld_calloc(1, sizeof *cs);
    br->sflow = cs;
    cs->jpath = ld_strdup(sp);
    cs->polling = VH_DEF_SFLOW_POLLING;
    cs->flush = VH_DEF_SFLOW_FLUSH;
    long long sampling = VH_DEF_SFLOW_SAMPLING, header = VH_DEF_SFLOW_HEADER;
    long long port = VH_DEF_SFLOW_PORT;
    _Static_assert(SFLOW_HEADER_LIMIT == 1308, "header_why says 1308");
    if (!ld_is_object(ld, s, sp)
        || !ld_keys_names(ld, s, sp, "sflow object", sflow_keys,
                          N_NAMES(sflow_keys))
        || !ld_int(ld, s, sp, "sampling", false, 1, UINT32_MAX, "one frame "
                   "in N; 1 samples every frame", &sampling)
        || !ld_int(ld, s, sp, "header", false, 1, SFLOW_HEADER_LIMIT,
                   header_why, &header)
        || !ld_int(ld, s, sp, "collector_port", false, 1, 65535, NULL,
                   &port)
        || !ld_ovs_interval(ld, s, sp, "polling", true, &cs->polling)
        || !ld_ovs_interval(ld, s, sp, "flush", false, &cs->flush)
        || !ld_str(ld, s, sp, "collector", true, &cs->collector)
        || !ld_str(ld, s, sp, "agent", false, &cs->agent)) {
        return false;
    }
    cs->sampling = (uint32_t) sampling;
    cs->header = (uint32_t) header;
    cs->collector_port = (uint16_t) port;
    return true;
}

void
ld_free_sflow(struct cfg_sflow *cs)
{
    if (cs) {
        free(cs->jpath);
        free(cs->collector);
        free(cs->agent);
        free(cs);
    }
}

/* --- Addresses. --- */

size_t
ld_host_addrs(const struct cfg_host *h, struct ld_addr *out)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n_nics; i++) {
        const struct cfg_nic *nic = &h->nics[i];
        if (nic->has_ip) {
            out[n++] = (struct ld_addr) { nic->name, nic->ip, nic->prefix,
                                       nic->gateway };
        }
        for (size_t k = 0; k < nic->n_vlans; k++) {
            const struct cfg_vlanif *vl = &nic->vlans[k];
            out[n++] = (struct ld_addr) { nic->name, vl->ip, vl->prefix,
                                       vl->gateway };
        }
    }
    for (size_t b = 0; b < h->n_bridges; b++) {
        const struct cfg_bridge *br = &h->bridges[b];
        for (size_t k = 0; k < br->n_bports; k++) {
            const struct cfg_bport *bp = &br->bports[k];
            if (bp->type == CFG_BP_INTERNAL && bp->has_ip) {
                out[n++] = (struct ld_addr) { bp->name, bp->ip, bp->prefix,
                                              0 };
            }
        }
    }
    return n;
}

bool
ld_host_first_addr(const struct cfg_host *h, struct ld_addr *out)
{
    struct ld_addr *addrs = ld_calloc(ld_max_addrs(h), sizeof *addrs);
    bool any = ld_host_addrs(h, addrs) > 0;
    if (any) {
        *out = addrs[0];
    }
    free(addrs);
    return any;
}

size_t
ld_max_addrs(const struct cfg_host *h)
{
    size_t n = h->n_nics;
    for (size_t i = 0; i < h->n_nics; i++) {
        n += h->nics[i].n_vlans;
    }
    for (size_t b = 0; b < h->n_bridges; b++) {
        n += h->bridges[b].n_bports;
    }
    return n ? n : 1;
}

bool
ld_has_interface(const struct cfg_host *h, const char *name)
{
    for (size_t i = 0; i < h->n_nics; i++) {
        if (!strcmp(h->nics[i].name, name)) {
            return true;
        }
    }
    for (size_t b = 0; b < h->n_bridges; b++) {
        const struct cfg_bridge *br = &h->bridges[b];
        for (size_t k = 0; k < br->n_bports; k++) {
            if (br->bports[k].type == CFG_BP_INTERNAL
                && !strcmp(br->bports[k].name, name)) {
                return true;
            }
        }
    }
    return false;
}

bool
ld_named_addr(struct ld *ld, const struct cfg_host *h, const char *path,
              const char *name, const struct ld_addr *addrs, size_t n,
              const char *purpose, struct ld_addr *out)
{
    char list[512];
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(addrs[i].name, name)) {
            *out = addrs[i];
            return true;
        }
    }
    if (ld_has_interface(h, name)) {
        return vh_diag_fail(ld->diag, path, "'%s' of host '%s' has no "
                            "\"ip\" %s", name, h->name, purpose);
    }
    const char **names = ld_calloc(n ? n : 1, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        names[i] = addrs[i].name;
    }
    const char *guess = vh_suggest(name, names, n);
    vh_join(names, n, list, sizeof list);
    if (guess) {
        vh_diag_fail(ld->diag, path, "host '%s' has no NIC or internal port "
                     "'%s'; did you mean '%s'?", h->name, name, guess);
    } else {
        vh_diag_fail(ld->diag, path, "host '%s' has no NIC or internal port "
                     "'%s' (those with an address: %s)", h->name, name,
                     n ? list : "none");
    }
    free(names);
    return false;
}

bool
ld_collector_addr(struct ld *ld, const struct cfg_host *h, const char *path,
                  const char *collector, const char *what, const char *role,
                  const struct ld_addr *from, uint32_t *ip)
{
    char a[16], b[16], why[128];
    struct ref r;
    snprintf(why, sizeof why, "%s is a VM (\"host/vm\") or a host with an "
             "IP (\"host\")", what);
    if (!ld_check_endpoint(ld, path, collector, why, &r)) {
        return false;
    }
    if ((r.kind == REF_HOST || r.kind == REF_INTERNAL) && r.host == h) {
        return vh_diag_fail(ld->diag, path, "'%s' is the host the %s runs "
                            "on; the collector is another host or a VM",
                            collector, role);
    }
    if (r.kind == REF_VM) {
        *ip = r.vm->nics[0].ip;
    } else if (r.kind == REF_VLANIF) {
        *ip = r.vlanif->ip;
    } else if (r.kind == REF_INTERNAL) {
        *ip = r.iport->ip;
    } else {
        struct ld_addr first;
        ld_host_first_addr(r.host, &first);   /* ld_check_endpoint: one. */
        *ip = first.ip;
    }
    if (!from) {
        return true;
    }
    uint32_t mask = from->prefix ? 0xffffffffu << (32 - from->prefix) : 0;
    if ((*ip & mask) != (from->ip & mask) && !from->gateway) {
        return vh_diag_fail(ld->diag, path, "'%s' (%s) is not in the subnet "
                            "of the %s address %s/%d ('%s'), which has no "
                            "gateway to reach it", collector,
                            vh_ipv4_format(*ip, a), role,
                            vh_ipv4_format(from->ip, b), from->prefix,
                            from->name);
    }
    return true;
}

/* The agent address: the one of 'cs->agent'; else, as ovs-vswitchd
 * picks the address its route to the collector leaves from, the host's
 * first address whose subnet holds the collector, or failing that its
 * first with a gateway (or its first, which the collector's check then
 * refuses). */
static bool
resolve_agent(struct ld *ld, const struct cfg_host *h, struct cfg_sflow *cs,
              const struct ld_addr *addrs, size_t n, struct ld_addr *agent)
{
    char path[JP_LEN];
    if (!cs->agent) {
        uint32_t ip;
        if (!n) {
            return vh_diag_fail(ld->diag, cs->jpath, "host '%s' has no "
                                "address to send sFlow from: give one of "
                                "its NICs an \"ip\"", h->name);
        }
        jp_key(path, cs->jpath, "collector");
        if (!ld_collector_addr(ld, h, path, cs->collector, "an sFlow "
                               "collector", "agent", NULL, &ip)) {
            return false;
        }
        const struct ld_addr *gw = NULL;
        *agent = addrs[0];
        for (size_t i = 0; i < n; i++) {
            uint32_t mask = addrs[i].prefix
                            ? 0xffffffffu << (32 - addrs[i].prefix) : 0;
            if ((ip & mask) == (addrs[i].ip & mask)) {
                *agent = addrs[i];
                return true;
            }
            if (!gw && addrs[i].gateway) {
                gw = &addrs[i];
            }
        }
        if (gw) {
            *agent = *gw;
        }
        return true;
    }
    jp_key(path, cs->jpath, "agent");
    return ld_named_addr(ld, h, path, cs->agent, addrs, n,
                         "to be the agent address", agent);
}

/* The collector's address, reachable from 'agent'. */
static bool
resolve_collector(struct ld *ld, const struct cfg_host *h,
                  struct cfg_sflow *cs, const struct ld_addr *agent)
{
    char path[JP_LEN];
    jp_key(path, cs->jpath, "collector");
    return ld_collector_addr(ld, h, path, cs->collector,
                             "an sFlow collector", "agent", agent,
                             &cs->collector_ip);
}

bool
ld_sflow_refs(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        struct ld_addr *addrs = ld_calloc(ld_max_addrs(h), sizeof *addrs);
        size_t n = ld_host_addrs(h, addrs);
        bool ok = true;
        for (size_t b = 0; ok && b < h->n_bridges; b++) {
            struct cfg_sflow *cs = h->bridges[b].sflow;
            struct ld_addr agent;
            if (!cs) {
                continue;
            }
            ok = resolve_agent(ld, h, cs, addrs, n, &agent)
                 && resolve_collector(ld, h, cs, &agent);
            cs->agent_ip = ok ? agent.ip : 0;
        }
        free(addrs);
        if (!ok) {
            return false;
        }
    }
    return true;
}
