/* loader/scenario_netflow.c: an OVS bridge's "netflow" and "ipfix".
 *
 *   "netflow": { "collector": "mon", "active_timeout": 60 }
 *   "ipfix": { "collector": "mon", "sampling": 1,
 *              "cache_active_timeout": 60 }
 *
 * OVS's own keys (ovs-vswitchd.conf.db(5), the NetFlow and IPFIX tables),
 * with its defaults.  NetFlow: "active_timeout" (seconds as OVS writes
 * them, or a time such as "60s"; 0 asks for OVS's default, 600 s; -1
 * disables it), "engine_type" and "engine_id" (0..255, 0).  IPFIX:
 * "sampling" (1 frame in N, 400), "obs_domain_id" (0),
 * "cache_active_timeout" (0..4200 s, 0: no cache, every sampled frame is
 * a record of its own).  The contract names the collector by its traffic
 * endpoint path ("mon", "host1/vm9") where OVS takes "targets" as
 * IP:port.
 *
 * Extensions read here, on both:
 *   collector_port     UDP port of the collector; default 2055 (NetFlow),
 *                      4739 (IPFIX)
 *   agent              the NIC or internal port the records leave from;
 *                      default the host's management address (below)
 *   inactive_timeout   how long a flow may send nothing before its record
 *                      leaves; default the bridge's other_config
 *                      max-idle (10 s): OVS exports a flow when its
 *                      datapath flow is deleted, idle that long
 *   tick               how often the cache is scanned for expired flows;
 *                      default 1 s, as OVS's NetFlow
 *   template_interval  (IPFIX) how often the template is sent again;
 *                      default 600 s
 *
 * The management address is the host's first NIC with an "ip" that is
 * not a port of the exporting bridge; without one, the host's first
 * address (the bridge's LOCAL port, when a NIC port has the "ip").  The
 * collector must be reachable from it: in its subnet, or through its
 * gateway. */
#include "loader/scenario_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/defaults.h"
#include "models/core/flowrec.h"
#include "sim/units.h"

#define NETFLOW_DEFAULT_ACTIVE (600 * VH_SEC)
#define IPFIX_MAX_CACHE_ACTIVE (4200 * VH_SEC)
#define IPFIX_DEFAULT_SAMPLING 400
#define IPFIX_DEFAULT_TEMPLATE_INTERVAL (600 * VH_SEC)

static const char *const netflow_keys[] = {
    "collector", "active_timeout", "engine_type", "engine_id",
    "collector_port", "agent", "inactive_timeout", "tick",
};

static const char *const ipfix_keys[] = {
    "collector", "sampling", "obs_domain_id", "cache_active_timeout",
    "collector_port", "agent", "inactive_timeout", "tick",
    "template_interval",
};

/* The keys both share; 'max_idle' is the inactive timeout's default. */
static bool
common(struct ld *ld, const cJSON *o, const char *op, vh_time_t max_idle,
       struct cfg_flowexp *fx)
{
    long long port = fx->collector_port;
    fx->inactive_timeout = max_idle;
    fx->tick = VH_SEC;
    if (!ld_int(ld, o, op, "collector_port", false, 1, 65535, NULL, &port)
        || !ld_str(ld, o, op, "collector", true, &fx->collector)
        || !ld_str(ld, o, op, "agent", false, &fx->agent)
        || !ld_ovs_interval(ld, o, op, "inactive_timeout", false,
                            &fx->inactive_timeout)
        || !ld_ovs_interval(ld, o, op, "tick", false, &fx->tick)) {
        return false;
    }
    fx->collector_port = (uint16_t) port;
    return true;
}

static struct cfg_flowexp *
new_exporter(const char *path, enum cfg_flowexp_format format)
{
    struct cfg_flowexp *fx = ld_calloc(1, sizeof *fx);
    fx->jpath = ld_strdup(path);
    fx->format = format;
    fx->sampling = 1;
    fx->collector_port = format == CFG_FLOWEXP_IPFIX ? IPFIX_PORT
                         : NETFLOW_PORT;
    return fx;
}

static bool
netflow(struct ld *ld, const cJSON *n, const char *np, struct cfg_bridge *br)
{
    struct cfg_flowexp *fx = new_exporter(np, CFG_FLOWEXP_NETFLOW5);
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(n, "active_timeout");
    long long type = 0, id = 0;
    br->netflow = fx;
    fx->active_timeout = NETFLOW_DEFAULT_ACTIVE;
    if (!ld_is_object(ld, n, np)
        || !ld_keys_names(ld, n, np, "netflow object", netflow_keys,
                          N_NAMES(netflow_keys))
        || !common(ld, n, np, br->other.max_idle, fx)
        || !ld_int(ld, n, np, "engine_type", false, 0, 255, NULL, &type)
        || !ld_int(ld, n, np, "engine_id", false, 0, 255, NULL, &id)) {
        return false;
    }
    fx->engine_type = (uint8_t) type;
    fx->engine_id = (uint8_t) id;
    if (cJSON_IsNumber(at) && at->valuedouble == -1) {
        fx->active_timeout = 0;                 /* Disabled. */
    } else if (!ld_ovs_interval(ld, n, np, "active_timeout", true,
                                &fx->active_timeout)) {
        return false;
    } else if (fx->active_timeout == 0) {
        fx->active_timeout = NETFLOW_DEFAULT_ACTIVE;    /* OVS's 0. */
    }
    return true;
}

static bool
ipfix(struct ld *ld, const cJSON *x, const char *xp, struct cfg_bridge *br)
{
    struct cfg_flowexp *fx = new_exporter(xp, CFG_FLOWEXP_IPFIX);
    long long sampling = IPFIX_DEFAULT_SAMPLING, domain = 0;
    char path[JP_LEN];
    br->ipfix = fx;
    fx->template_interval = IPFIX_DEFAULT_TEMPLATE_INTERVAL;
    if (!ld_is_object(ld, x, xp)
        || !ld_keys_names(ld, x, xp, "ipfix object", ipfix_keys,
                          N_NAMES(ipfix_keys))
        || !common(ld, x, xp, br->other.max_idle, fx)
        || !ld_int(ld, x, xp, "sampling", false, 1, UINT32_MAX, "one frame "
                   "in N; 1 counts every frame", &sampling)
        || !ld_int(ld, x, xp, "obs_domain_id", false, 0, UINT32_MAX, NULL,
                   &domain)
        || !ld_ovs_interval(ld, x, xp, "cache_active_timeout", true,
                            &fx->active_timeout)
        || !ld_ovs_interval(ld, x, xp, "template_interval", false,
                            &fx->template_interval)) {
        return false;
    }
    if (fx->active_timeout > IPFIX_MAX_CACHE_ACTIVE) {
        jp_key(path, xp, "cache_active_timeout");
        return vh_diag_fail(ld->diag, path, "at most 4200 seconds, as OVS "
                            "takes it");
    }
    fx->sampling = (uint32_t) sampling;
    fx->domain = (uint32_t) domain;
    fx->uncached = fx->active_timeout == 0;
    return true;
}

/* A distributed switch's "netflow": the same keys as OVS's, with
 * vSphere's defaults (an active flow's record every 60 s, an idle one's
 * after 15 s), and "version" (an extension): 10, the default, exports
 * IPFIX, as vSphere's distributed switch does (its "NetFlow" is IPFIX,
 * NetFlow version 10, since vSphere 5.1), every frame counted and the
 * template sent again every 600 s; 5 exports NetFlow v5 records instead,
 * with their "engine_type" and "engine_id". */
static const char *const dvs_netflow_keys[] = {
    "collector", "active_timeout", "engine_type", "engine_id",
    "collector_port", "agent", "inactive_timeout", "tick", "version",
};

bool
ld_dvs_netflow(struct ld *ld, const cJSON *o, const char *dp,
               struct cfg_flowexp **out)
{
    char np[JP_LEN], path[JP_LEN];
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "netflow");
    if (!n || cJSON_IsNull(n)) {
        return true;
    }
    jp_key(np, dp, "netflow");
    long long version = 10;
    if (!ld_is_object(ld, n, np)
        || !ld_keys_names(ld, n, np, "netflow object", dvs_netflow_keys,
                          N_NAMES(dvs_netflow_keys))
        || !ld_int(ld, n, np, "version", false, 5, 10, NULL, &version)) {
        return false;
    }
    if (version != 5 && version != 10) {
        jp_key(path, np, "version");
        return vh_diag_fail(ld->diag, path, "%lld: expected 5 (NetFlow v5) "
                            "or 10 (IPFIX, what vSphere exports)", version);
    }
    bool ipfix = version == 10;
    struct cfg_flowexp *fx = new_exporter(np, ipfix ? CFG_FLOWEXP_IPFIX
                                                    : CFG_FLOWEXP_NETFLOW5);
    long long type = 0, id = 0;
    *out = fx;
    fx->active_timeout = 60 * VH_SEC;
    fx->template_interval = IPFIX_DEFAULT_TEMPLATE_INTERVAL;
    if (!common(ld, n, np, 15 * VH_SEC, fx)
        || !ld_int(ld, n, np, "engine_type", false, 0, 255, NULL, &type)
        || !ld_int(ld, n, np, "engine_id", false, 0, 255, NULL, &id)
        || !ld_ovs_interval(ld, n, np, "active_timeout", false,
                            &fx->active_timeout)) {
        return false;
    }
    if (ipfix && (cJSON_GetObjectItemCaseSensitive(n, "engine_type")
                  || cJSON_GetObjectItemCaseSensitive(n, "engine_id"))) {
        jp_key(path, np, cJSON_GetObjectItemCaseSensitive(n, "engine_type")
                         ? "engine_type" : "engine_id");
        return vh_diag_fail(ld->diag, path, "a NetFlow v5 field; IPFIX "
                            "(version 10, the default) has none: give "
                            "\"version\": 5 for NetFlow v5");
    }
    fx->engine_type = (uint8_t) type;
    fx->engine_id = (uint8_t) id;
    if (fx->agent) {
        jp_key(path, np, "agent");
        return vh_diag_fail(ld->diag, path, "a distributed switch's records "
                            "leave from each host's management address "
                            "(its first NIC with an \"ip\" that is not an "
                            "uplink); leave \"agent\" out");
    }
    if (!fx->active_timeout) {
        fx->active_timeout = 60 * VH_SEC;
    }
    return true;
}

/* Per host of each distributed switch with "netflow", a copy of its
 * exporter's settings with that host's management address, and the
 * collector's address as seen from there. */
static bool
dvs_netflow_refs(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    for (size_t i = 0; i < sc->n_dvswitches; i++) {
        struct cfg_dvswitch *d = &sc->dvswitches[i];
        if (!d->netflow) {
            continue;
        }
        d->netflow_hosts = ld_calloc(d->n_hosts, sizeof *d->netflow_hosts);
        for (size_t k = 0; k < d->n_hosts; k++) {
            const struct cfg_host *h = NULL;
            for (size_t j = 0; j < sc->n_hosts; j++) {
                if (!strcmp(sc->hosts[j].name, d->hosts[k])) {
                    h = &sc->hosts[j];
                }
            }
            struct ld_addr *addrs = ld_calloc(ld_max_addrs(h),
                                              sizeof *addrs);
            size_t n = ld_host_addrs(h, addrs);
            const struct ld_addr *agent = ld_dvs_mgmt(d, h, addrs, n);
            struct cfg_flowexp *fx = &d->netflow_hosts[k];
            *fx = *d->netflow;
            bool ok = agent != NULL;
            if (!ok) {
                vh_diag_fail(ld->diag, d->netflow->jpath, "host '%s' has no "
                             "management address to send flow records "
                             "from: give one of its NICs that is not an "
                             "uplink an \"ip\"", h->name);
            } else {
                char path[JP_LEN];
                fx->agent_ip = agent->ip;
                jp_key(path, d->netflow->jpath, "collector");
                ok = ld_collector_addr(ld, h, path, fx->collector,
                                       "a flow collector", "exporter", agent,
                                       &fx->collector_ip);
            }
            free(addrs);
            if (!ok) {
                return false;
            }
        }
    }
    return true;
}

bool
ld_netflow(struct ld *ld, const cJSON *o, const char *bp,
           struct cfg_bridge *br)
{
    char path[JP_LEN];
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "netflow");
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, "ipfix");
    if (n && !cJSON_IsNull(n)) {
        jp_key(path, bp, "netflow");
        if (!netflow(ld, n, path, br)) {
            return false;
        }
    }
    if (x && !cJSON_IsNull(x)) {
        jp_key(path, bp, "ipfix");
        if (!ipfix(ld, x, path, br)) {
            return false;
        }
    }
    return true;
}

void
ld_free_flowexp(struct cfg_flowexp *fx)
{
    if (fx) {
        free(fx->jpath);
        free(fx->collector);
        free(fx->agent);
        free(fx);
    }
}

/* --- Addresses. --- */

/* The address the records leave from: "agent"'s, or the management
 * address. */
static bool
resolve_agent(struct ld *ld, const struct cfg_host *h,
              const struct cfg_bridge *br, const struct cfg_flowexp *fx,
              const struct ld_addr *addrs, size_t n, struct ld_addr *agent)
{
    char path[JP_LEN];
    if (!fx->agent) {
        for (size_t i = 0; i < n; i++) {
            bool nic = false;
            for (size_t k = 0; k < h->n_nics; k++) {
                nic |= !strcmp(h->nics[k].name, addrs[i].name);
            }
            if (nic && !ld_name_in(br->ports, br->n_ports, addrs[i].name)) {
                *agent = addrs[i];
                return true;
            }
        }
        if (!n) {
            return vh_diag_fail(ld->diag, fx->jpath, "host '%s' has no "
                                "address to send flow records from: give "
                                "one of its NICs an \"ip\"", h->name);
        }
        *agent = addrs[0];
        return true;
    }
    jp_key(path, fx->jpath, "agent");
    return ld_named_addr(ld, h, path, fx->agent, addrs, n,
                         "to send flow records from", agent);
}

static bool
resolve_collector(struct ld *ld, const struct cfg_host *h,
                  struct cfg_flowexp *fx, const struct ld_addr *agent)
{
    char path[JP_LEN];
    jp_key(path, fx->jpath, "collector");
    return ld_collector_addr(ld, h, path, fx->collector, "a flow collector",
                             "exporter", agent, &fx->collector_ip);
}

bool
ld_netflow_refs(struct ld *ld)
{
    const struct cfg_scenario *sc = ld->sc;
    for (size_t i = 0; i < sc->n_hosts; i++) {
        const struct cfg_host *h = &sc->hosts[i];
        struct ld_addr *addrs = ld_calloc(ld_max_addrs(h), sizeof *addrs);
        size_t n = ld_host_addrs(h, addrs);
        bool ok = true;
        for (size_t b = 0; ok && b < h->n_bridges; b++) {
            const struct cfg_bridge *br = &h->bridges[b];
            struct cfg_flowexp *fxs[] = { br->netflow, br->ipfix };
            for (size_t k = 0; ok && k < 2; k++) {
                struct ld_addr agent;
                if (!fxs[k]) {
                    continue;
                }
                ok = resolve_agent(ld, h, br, fxs[k], addrs, n, &agent)
                     && resolve_collector(ld, h, fxs[k], &agent);
                fxs[k]->agent_ip = ok ? agent.ip : 0;
            }
        }
        free(addrs);
        if (!ok) {
            return false;
        }
    }
    return dvs_netflow_refs(ld) && ld_dvs_vsm_refs(ld);
}
