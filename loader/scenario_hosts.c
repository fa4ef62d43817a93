/* loader/scenario_hosts.c: loads hosts (CPU, IOMMU, NICs, bridges, VMs and
 * their NICs) and switches into the config structs, checking each value on
 * its own.  Names that point elsewhere (links, bridge ports, attachments)
 * are checked afterwards by scenario_refs.c, once everything exists.
 *
 * Extensions to the contract read here (the contract allows added keys):
 *   nics[].rx_ring, nics[].tx_ring   descriptors per ring, 64..4096;
 *                                    default from the NIC model
 *   bridges[].ageing                 FDB entry lifetime, a time; default
 *                                    300s as in Linux
 *   vms[].nics[].ring                virtqueue size, a power of two
 *                                    64..1024; default 256
 *   vms[].nics[].guest_mac, vms[].nics[].attach.policy
 *                                    a port's policy and the MAC the
 *                                    guest set (loader/scenario_
 *                                    portpolicy.c)
 *   vms[].nics[].gateway             the guest's default route's next
 *                                    hop, another address of its
 *                                    subnet; default none (not with
 *                                    attach type nat, whose gateway is
 *                                    libvirt's)
 *   bridges[].pmd_cores              OVS with datapath dpdk: host cores
 *                                    of its poll-mode threads, distinct;
 *                                    default one, the last core no vCPU
 *                                    is pinned to
 *   switches[].speed                 port speed; default 10G
 *   switches[].port_buffer           frames per egress queue, 1..1000000;
 *                                    default 1000
 *   iommu.posted_interrupts          VT-d posted interrupts for assigned
 *                                    devices; default false; needs
 *                                    "enabled"
 *   iommu.iotlb_entries              IOTLB size, 1..4096; default 64
 *   iommu.page_size                  "4K" (default) or "2M": the page
 *                                    size of the VMs' DMA mappings */
#include "loader/scenario_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/defaults.h"
#include "models/core/devclass.h"
#include "models/core/portpolicy.h"
#include "sim/frame.h"
#include "sim/ip6.h"

/* What a physical NIC model can do.  Sources: Intel I350 and 82599
 * datasheets (8 and 64 VFs; VMDq pools), and the Linux igb and ixgbe
 * drivers' default ring sizes (models/core/defaults.h).  "generic" is an
 * idealized NIC without a model's limits. */
struct nic_model {
    const char *name;           /* As written in "model". */
    uint64_t default_bps;       /* Speed when "speed" is not given. */
    uint64_t max_bps;           /* Fastest "speed" accepted. */
    int max_vfs;                /* SR-IOV virtual functions. */
    bool vmdq;                  /* Has VMDq pools. */
    int max_queues;             /* RX/TX queue pairs. */
    int ring;                   /* Default descriptors per ring. */
};

static const struct nic_model nic_models[] = {
    { "generic", 10000000000ULL, 400000000000ULL, 256, true, 64,
      VH_DEF_RING_GENERIC },
    { "i350", 1000000000ULL, 1000000000ULL, 8, true, 8, VH_DEF_RING_I350 },
    { "82599", 10000000000ULL, 10000000000ULL, 64, true, 64,
      VH_DEF_RING_82599 },
    { "x520", 10000000000ULL, 10000000000ULL, 64, true, 64,
      VH_DEF_RING_82599 },
    /* Cisco's VIC (the M81KR, "Palo"): a VN-Tag adapter whose functions
     * are up to 128 VIFs ("vifs", models/hw/vic.h), not SR-IOV VFs; 8
     * queue pairs per vNIC as the enic driver takes (ENIC_RQ_MAX).  Its
     * rings are set by the adapter policy, not the driver: vhsim gives
     * it the 82599's. */
    { "vic", 10000000000ULL, 10000000000ULL, 0, false, 8,
      VH_DEF_RING_82599 },
};
#define N_NIC_MODELS (sizeof nic_models / sizeof nic_models[0])

/* FNV-1a, 64 bits: a fixed, well-spread hash of a scenario path, so a
 * derived MAC is the same on every run and machine. */
static uint64_t
path_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char) *s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Derives a locally administered unicast MAC from a scenario path: VM NICs
 * get QEMU's 52:54:00 prefix, host NICs 02: (see models/core/config.h). */
void
ld_derive_mac(const char *spath, bool vm, struct vh_mac *mac)
{
    uint64_t h = path_hash(spath);
    if (vm) {
        mac->b[0] = 0x52;
        mac->b[1] = 0x54;
        mac->b[2] = 0x00;
    } else {
        mac->b[0] = 0x02;
        mac->b[1] = (uint8_t) (h >> 32);
        mac->b[2] = (uint8_t) (h >> 24);
    }
    mac->b[3] = (uint8_t) (h >> 16);
    mac->b[4] = (uint8_t) (h >> 8);
    mac->b[5] = (uint8_t) h;
}

/* Reads "mac" if present; returns true when all is well, and sets *given. */
bool
ld_load_mac(struct ld *ld, const cJSON *o, const char *op,
            struct vh_mac *mac, bool *given)
{
    char path[JP_LEN];
    char *s = NULL;
    *given = false;
    if (!ld_str(ld, o, op, "mac", false, &s)) {
        return false;
    }
    if (!s) {
        return true;
    }
    jp_key(path, op, "mac");
    struct vh_mac m;
    if (!vh_mac_parse(s, &m)) {
        vh_diag_fail(ld->diag, path, "malformed MAC address '%s' (expected "
                     "six two-digit hex groups such as "
                     "\"52:54:00:00:00:01\")", s);
    } else if (vh_mac_is_multicast(&m)) {
        vh_diag_fail(ld->diag, path, "MAC address '%s' is a multicast "
                     "address; a NIC's own address must be unicast (lowest "
                     "bit of the first byte clear)", s);
    } else if (!(m.b[0] | m.b[1] | m.b[2] | m.b[3] | m.b[4] | m.b[5])) {
        vh_diag_fail(ld->diag, path, "MAC address '%s' is all zeros", s);
    }
    free(s);
    if (ld->diag->failed) {
        return false;
    }
    *mac = m;
    *given = true;
    return true;
}

/* Reads "ip" ("10.0.0.1/24"); the address must be usable by a host. */
bool
ld_load_ip(struct ld *ld, const cJSON *o, const char *op, bool required,
           uint32_t *ip, int *prefix, bool *given)
{
    char path[JP_LEN];
    char *s = NULL;
    *given = false;
    if (!ld_str(ld, o, op, "ip", required, &s)) {
        return false;
    }
    if (!s) {
        return true;
    }
    jp_key(path, op, "ip");
    uint32_t a = 0;
    int p = 32;
    bool has_prefix = strchr(s, '/') != NULL;
    if (!vh_ipv4_parse(s, &a, &p)) {
        vh_diag_fail(ld->diag, path, "malformed IPv4 address '%s' (expected "
                     "a dotted quad with an optional prefix length, such as "
                     "\"10.0.0.1/24\")", s);
    } else if (a == 0 || (a >> 24) == 127 || (a >> 28) >= 14) {
        vh_diag_fail(ld->diag, path, "'%s' is not a host address (zero, "
                     "loopback, multicast and reserved addresses are not)",
                     s);
    } else if (p < 31) {
        uint32_t host = p == 0 ? a : a & (UINT32_MAX >> p);
        uint32_t all = p == 0 ? UINT32_MAX : UINT32_MAX >> p;
        if (host == 0 || host == all) {
            vh_diag_fail(ld->diag, path, "'%s' is the %s address of its "
                         "/%d subnet, not a host address", s,
                         host ? "broadcast" : "network", p);
        }
    }
    free(s);
    if (ld->diag->failed) {
        return false;
    }
    /* Without a prefix length the address is on a /24, the lab-network
     * default; vhsim has no routers, so endpoints share one subnet. */
    *ip = a;
    *prefix = has_prefix ? p : 24;
    *given = true;
    return true;
}

bool
ld_load_ip6(struct ld *ld, const cJSON *o, const char *op,
            struct cfg_ip6 *out)
{
    char path[JP_LEN];
    char *s = NULL;
    memset(out, 0, sizeof *out);
    if (!ld_str(ld, o, op, "ip6", false, &s)) {
        return false;
    }
    if (!s) {
        return true;
    }
    jp_key(path, op, "ip6");
    struct vh_ip6 a;
    int p = 128;
    bool has_prefix = strchr(s, '/') != NULL;
    if (!vh_ip6_parse(s, &a, &p)) {
        vh_diag_fail(ld->diag, path, "malformed IPv6 address '%s' (expected "
                     "an address with an optional prefix length, such as "
                     "\"2001:db8::5/64\")", s);
    } else if (vh_ip6_is_any(&a) || vh_ip6_is_multicast(&a)
               || vh_ip6_is_link_local(&a)
               || (vh_ip6_same_prefix(&a, &vh_ip6_any, 120)
                   && a.b[15] == 1)) {
        vh_diag_fail(ld->diag, path, "'%s' is not an address to give an "
                     "interface (the unspecified address, loopback, "
                     "multicast and link-local addresses are not: every "
                     "interface forms its fe80:: address from its MAC)", s);
    }
    free(s);
    if (ld->diag->failed) {
        return false;
    }
    out->given = true;
    out->addr = a;
    out->prefix = has_prefix ? p : 64;
    return true;
}

static bool
load_cpu(struct ld *ld, const cJSON *h, const char *hp, struct cfg_host *host)
{
    static const char *const irq_names[] = { "performance", "power-save" };
    char cp[JP_LEN];
    const cJSON *cpu;

    host->cpu.cores = 4;
    host->cpu.khz = 2600000;
    host->cpu.irqbalance = CFG_IRQ_PERFORMANCE;
    if (!ld_sub(ld, h, hp, "cpu", &sch_cpu, &cpu, cp)) {
        return false;
    }
    if (!cpu) {
        return true;
    }
    host->has_cpu = true;

    long long cores = host->cpu.cores;
    double ghz = 2.6;
    int irq = CFG_IRQ_PERFORMANCE;
    if (!ld_int(ld, cpu, cp, "cores", false, 1, 1024, NULL, &cores)
        || !ld_double(ld, cpu, cp, "ghz", &ghz)
        || !ld_enum(ld, cpu, cp, "irqbalance", "irqbalance mode", irq_names,
                    2, &irq)) {
        return false;
    }
    if (!(ghz >= 0.1 && ghz <= 10)) {
        /* A clock slower than 100 MHz would round to nothing in places
         * (and divide by it); faster than 10 GHz no core is. */
        char path[JP_LEN];
        jp_key(path, cp, "ghz");
        return vh_diag_fail(ld->diag, path, "%g GHz is out of range; "
                            "expected 0.1 to 10", ghz);
    }
    host->cpu.cores = (int) cores;
    host->cpu.khz = (uint64_t) llround(ghz * 1e6);
    host->cpu.irqbalance = (enum cfg_irqbalance) irq;
    return true;
}

static bool
load_nic(struct ld *ld, const cJSON *o, const char *np, const char *hname,
         struct cfg_nic *nic)
{
    const char *model_names[N_NIC_MODELS];
    char path[JP_LEN], spath[JP_LEN];
    int model = 0;

    for (size_t i = 0; i < N_NIC_MODELS; i++) {
        model_names[i] = nic_models[i].name;
    }
    nic->jpath = ld_strdup(np);
    if (!ld_is_object(ld, o, np)
        || !ld_enum(ld, o, np, "model", "NIC model", model_names,
                    N_NIC_MODELS, &model)) {
        return false;
    }
    nic->cls = dev_class_find(DEV_FAM_NIC, nic_models[model].name);
    /* The class reads its own keys first: it may refuse a key of every
     * NIC with its own reason (a VIC has VIFs, not SR-IOV VFs). */
    if (!ld_keys_class(ld, o, np, &sch_nic, DEV_FAM_NIC, nic->cls)
        || !ld_name(ld, o, np, &nic->name)
        || !ld_parse_class(ld, o, np, 0, nic->cls, &nic->priv)) {
        return false;
    }
    const struct nic_model *m = &nic_models[model];
    nic->model = ld_strdup(m->name);
    nic->speed_bps = m->default_bps;
    if (!ld_speed(ld, o, np, "speed", &nic->speed_bps)) {
        return false;
    }
    if (nic->speed_bps > m->max_bps) {
        jp_key(path, np, "speed");
        return vh_diag_fail(ld->diag, path, "the %s runs at most at %.15g "
                            "Gbit/s; %.15g Gbit/s is faster", m->name,
                            (double) m->max_bps / 1e9,
                            (double) nic->speed_bps / 1e9);
    }

    long long queues = VH_DEF_NIC_QUEUES, vfs = 0, rx = m->ring, tx = m->ring;
    const cJSON *sriov;
    char sp[JP_LEN];
    if (!ld_int(ld, o, np, "queues", false, 1, 64, NULL, &queues)
        || !ld_bool(ld, o, np, "vmdq", &nic->vmdq)
        || !ld_bool(ld, o, np, "lldp", &nic->lldp)
        || !ld_sub(ld, o, np, "sriov", &sch_sriov, &sriov, sp)
        || (sriov && !ld_int(ld, sriov, sp, "vfs", false, 0, 256,
                             "the PCIe SR-IOV limit", &vfs))
        || !ld_str(ld, o, np, "link", false, &nic->link)
        || !ld_int(ld, o, np, "rx_ring", false, 64, 4096, NULL, &rx)
        || !ld_int(ld, o, np, "tx_ring", false, 64, 4096, NULL, &tx)) {
        return false;
    }
    if (queues > m->max_queues) {
        jp_key(path, np, "queues");
        return vh_diag_fail(ld->diag, path, "the %s has at most %d queue "
                            "pairs", m->name, m->max_queues);
    }
    if (vfs > m->max_vfs) {
        jp_key(path, sp, "vfs");
        return vh_diag_fail(ld->diag, path, "the %s supports at most %d "
                            "VFs", m->name, m->max_vfs);
    }
    if (nic->vmdq && !m->vmdq) {
        jp_key(path, np, "vmdq");
        return vh_diag_fail(ld->diag, path, "the %s has no VMDq", m->name);
    }
    nic->queues = (int) queues;
    nic->sriov_vfs = (int) vfs;
    nic->rx_ring = (int) rx;
    nic->tx_ring = (int) tx;

    bool has_ip;
    if (!ld_load_mac(ld, o, np, &nic->mac, &nic->has_mac)
        || !ld_load_ip(ld, o, np, false, &nic->ip, &nic->prefix, &has_ip)) {
        return false;
    }
    nic->has_ip = has_ip;
    if (!ld_load_ip6(ld, o, np, &nic->ip6)) {
        return false;
    }
    if (nic->ip6.given && !has_ip) {
        jp_key(path, np, "ip6");
        return vh_diag_fail(ld->diag, path, "an IPv6-only NIC is not "
                            "supported yet: give 'ip' beside 'ip6' (a "
                            "dual-stack interface)");
    }
    if (!ld_gateway(ld, o, np, nic) || !ld_nic_vlans(ld, o, np, nic)
        || !ld_mtu(ld, o, np, VH_DEF_MTU, &nic->mtu)
        || !ld_coalesce(ld, o, np, nic)
        || !ld_nic_offloads(ld, o, np, nic)) {
        return false;
    }
    if (!nic->has_mac) {
        snprintf(spath, sizeof spath, "%s/%s", hname, nic->name);
        ld_derive_mac(spath, false, &nic->mac);
    }
    return true;
}

static bool
load_bridge(struct ld *ld, const cJSON *o, const char *bp, int n_cores,
            const char *hname, struct cfg_bridge *br)
{
    const char *const *types = cfg_bridge_type_names;
    /* OVS's own words for its datapaths are aliases. */
    static const char *const datapaths[] = { "kernel", "dpdk", "system",
                                             "netdev" };
    char path[JP_LEN];
    int type = CFG_BR_LINUX, dp = CFG_DP_KERNEL;
    const cJSON *ports, *flows;

    br->jpath = ld_strdup(bp);
    br->ageing = VH_DEF_FDB_AGEING;
    /* The type and datapath say which class builds it, and so which keys
     * of its own it takes. */
    if (!ld_is_object(ld, o, bp)
        || !ld_enum(ld, o, bp, "type", "bridge type", types, 2, &type)
        || !ld_enum(ld, o, bp, "datapath", "OVS datapath", datapaths, 4,
                    &dp)) {
        return false;
    }
    br->type = (enum cfg_bridge_type) type;
    br->datapath = (enum cfg_ovs_datapath) (dp % 2);
    char value[64];
    cfg_bridge_class_value(br, value, sizeof value);
    br->cls = dev_class_find(DEV_FAM_BRIDGE, value);
    if (!br->cls) {
        /* Before its keys, as for a switch mode without a model. */
        jp_key(path, bp, type == CFG_BR_OVS ? "datapath" : "type");
        if (type == CFG_BR_OVS) {
            return vh_diag_fail(ld->diag, path, "not supported yet: Open "
                                "vSwitch %s datapath",
                                cfg_datapath_names[dp % 2]);
        }
        return vh_diag_fail(ld->diag, path, "not supported yet: bridge type "
                            "'%s'", value);
    }
    if (!ld_keys_class(ld, o, bp, &sch_bridge, DEV_FAM_BRIDGE, br->cls)
        || !ld_name(ld, o, bp, &br->name)
        || !ld_array(ld, o, bp, "ports", &ports)
        || !ld_bool(ld, o, bp, "vlan_filtering", &br->vlan_filtering)
        || !ld_array(ld, o, bp, "flows", &flows)
        || !ld_time(ld, o, bp, "ageing", false, &br->ageing)
        || !ld_mtu(ld, o, bp, 0, &br->mtu)
        || !ld_parse_class(ld, o, bp, n_cores, br->cls, &br->priv)) {
        return false;
    }
    if (br->type != CFG_BR_OVS) {
        static const char *const ovs_only[] = { "flows", "datapath",
            "other_config", "mirrors", "sflow", "netflow", "ipfix" };
        for (size_t k = 0; k < N_NAMES(ovs_only); k++) {
            if (!ld_absent_or_null(o, ovs_only[k])) {
                jp_key(path, bp, ovs_only[k]);
                return vh_diag_fail(ld->diag, path, "'%s' applies only to "
                                    "bridges of type ovs", ovs_only[k]);
            }
        }
    } else if (!ld_ovs_other(ld, o, bp, &br->other)
               || !ld_mirrors(ld, o, bp, br)
               || !ld_sflow(ld, o, bp, br)
               || !ld_netflow(ld, o, bp, br)) {
        return false;
    }

    jp_key(path, bp, "ports");
    if (!ld_bridge_ports(ld, ports, path, hname, br)) {
        return false;
    }

    /* OVS flows are kept verbatim, in ovs-ofctl's syntax, for the OVS
     * model to parse. */
    jp_key(path, bp, "flows");
    br->n_flows = (size_t) cJSON_GetArraySize(flows);
    br->flows_given = flows != NULL;
    br->flows = ld_calloc(br->n_flows, sizeof *br->flows);
    size_t i = 0;
    for (const cJSON *f = flows ? flows->child : NULL; f; f = f->next, i++) {
        char fp[JP_LEN];
        jp_idx(fp, path, i);
        if (!cJSON_IsString(f)) {
            return vh_diag_fail(ld->diag, fp, "expected a flow rule (a "
                                "string), got %s", ld_type_name(f));
        }
        br->flows[i] = ld_strdup(f->valuestring);
    }
    return true;
}

/* attach.policy (extension): the port's policy
 * (loader/scenario_portpolicy.c), on the ports a Linux bridge or Open
 * vSwitch gives a VM. */
static bool
load_policy(struct ld *ld, const cJSON *at, const char *ap, int type,
            struct cfg_vnic *vn)
{
    char path[JP_LEN];
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(at, "policy");
    if (!o || cJSON_IsNull(o)) {
        return true;
    }
    jp_key(path, ap, "policy");
    if (type != CFG_AT_BRIDGE && type != CFG_AT_OVS) {
        return vh_diag_fail(ld->diag, path, "a port policy applies only to "
                            "attach types 'bridge' and 'ovs' (a switch "
                            "port the host's software switch gives the VM)");
    }
    if (!ld_is_object(ld, o, path)
        || !ld_keys_names(ld, o, path, "port policy", port_policy_keys,
                          PORT_POLICY_N_KEYS)) {
        return false;
    }
    vn->policy = ld_calloc(1, sizeof *vn->policy);
    portpolicy_defaults(vn->policy);
    return ld_port_policy(ld, o, path, vn->policy);
}

/* The attach object; a "vlan" or "trunks" in it (the contract puts
 * them beside the OVS attachment) is the NIC's own, '*vlan'. */
static bool
load_attach(struct ld *ld, const cJSON *o, const char *vp,
            struct cfg_vnic *vn, long long *vlan)
{
    char ap[JP_LEN], path[JP_LEN];
    const cJSON *at;
    int type = 0, mode = 0;
    long long vf = -1;

    if (!ld_sub(ld, o, vp, "attach", &sch_attach, &at, ap)) {
        return false;
    }
    if (!at) {
        return vh_diag_fail(ld->diag, vp, "missing required key 'attach' "
                            "(what the NIC is plugged into, such as "
                            "{\"type\": \"bridge\", \"to\": \"br0\"})");
    }
    if (ld_absent_or_null(at, "type")) {
        return vh_diag_fail(ld->diag, ap, "missing required key 'type'");
    }
    if (!ld_enum(ld, at, ap, "type", "attach type", cfg_attach_names,
                 N_NAMES(cfg_attach_names), &type)) {
        return false;
    }
    if (!dev_class_for_attach(cfg_attach_names[type])) {
        /* Before its other keys, which may be that attachment's own. */
        jp_key(path, ap, "type");
        return vh_diag_fail(ld->diag, path, "not supported yet: attach type "
                            "'%s'", cfg_attach_names[type]);
    }
    /* A macvtap's mode, or a VIF's (the guest's vNIC through the
     * hypervisor, or the VIF driven by the guest). */
    bool vif = type == CFG_AT_VIF;
    const char *const *modes = vif ? cfg_vif_mode_names
                                   : cfg_macvtap_mode_names;
    if (!ld_str(ld, at, ap, "to", false, &vn->attach_to)
        || !ld_enum(ld, at, ap, "mode", vif ? "VIF mode" : "macvtap mode",
                    modes, vif ? N_NAMES(cfg_vif_mode_names)
                               : N_NAMES(cfg_macvtap_mode_names), &mode)
        || !ld_int(ld, at, ap, "vf", false, 0, 255, NULL, &vf)) {
        return false;
    }
    if (!ld_absent_or_null(at, "vlan") || !ld_absent_or_null(at, "trunks")) {
        const char *k = !ld_absent_or_null(at, "vlan") ? "vlan" : "trunks";
        jp_key(path, ap, k);
        if (!ld_absent_or_null(o, k)) {
            return vh_diag_fail(ld->diag, path, "'%s' is given twice, here "
                                "and on the NIC", k);
        }
        if (!ld_int(ld, at, ap, "vlan", false, 1, 4094,
                    "VLAN IDs 0 and 4095 are reserved", vlan)
            || !ld_vlan_list(ld, at, ap, "trunks", &vn->trunks,
                             &vn->n_trunks)) {
            return false;
        }
    }
    if (!ld_bool(ld, at, ap, "isolated", &vn->isolated)
        || !ld_port_pvlan(ld, at, ap, &vn->pvlan)) {
        return false;
    }
    if (vn->pvlan.type != CFG_PVLAN_NONE
        && (!ld_absent_or_null(o, "vlan") || !ld_absent_or_null(o, "trunks"))) {
        const char *k = !ld_absent_or_null(o, "vlan") ? "vlan" : "trunks";
        jp_key(path, vp, k);
        return vh_diag_fail(ld->diag, path, "a port with 'pvlan' is an "
                            "access port of its private VLAN; leave '%s' "
                            "out", k);
    }
    if (!load_policy(ld, at, ap, type, vn)) {
        return false;
    }
    long long rate = 0, burst = 0;
    if (!ld_int(ld, at, ap, "ingress_policing_rate", false, 0, 1000000000,
                NULL, &rate)
        || !ld_int(ld, at, ap, "ingress_policing_burst", false, 0,
                   1000000000, NULL, &burst)) {
        return false;
    }
    if ((rate || burst) && type != CFG_AT_OVS) {
        jp_key(path, ap, "ingress_policing_rate");
        return vh_diag_fail(ld->diag, path, "ingress policing applies only "
                            "to attach type 'ovs'");
    }
    if (vn->isolated && type != CFG_AT_BRIDGE) {
        jp_key(path, ap, "isolated");
        return vh_diag_fail(ld->diag, path, "port isolation is a Linux "
                            "bridge's; it applies only to attach type "
                            "'bridge'");
    }
    if (vn->pvlan.type != CFG_PVLAN_NONE && type != CFG_AT_BRIDGE
        && type != CFG_AT_OVS) {
        jp_key(path, ap, "pvlan");
        return vh_diag_fail(ld->diag, path, "private VLANs apply only to "
                            "attach types 'bridge' and 'ovs'");
    }
    if (!ld_str(ld, at, ap, "portgroup", false, &vn->portgroup)) {
        return false;
    }
    if (type == CFG_AT_DVSWITCH) {
        /* The port group sets the port's VLAN (vSphere's VLAN type). */
        const char *k = !ld_absent_or_null(o, "vlan") ? "vlan"
                        : !ld_absent_or_null(o, "trunks") ? "trunks" : NULL;
        if (k || *vlan >= 0 || vn->n_trunks) {
            if (k) {
                jp_key(path, vp, k);
            } else {
                jp_key(path, ap, *vlan >= 0 ? "vlan" : "trunks");
            }
            return vh_diag_fail(ld->diag, path, "a distributed switch's "
                                "port takes its VLAN from its port group; "
                                "set 'vlan' or 'trunks' there");
        }
        if (!vn->portgroup) {
            return vh_diag_fail(ld->diag, ap, "missing required key "
                                "'portgroup' (the distributed switch's "
                                "port group the NIC joins)");
        }
    } else if (vn->portgroup) {
        jp_key(path, ap, "portgroup");
        return vh_diag_fail(ld->diag, path, "'portgroup' applies only to "
                            "attach type dvswitch");
    }
    vn->policing_rate_kbps = (uint64_t) rate;
    vn->policing_burst_kb = (uint64_t) burst;
    vn->attach = (enum cfg_attach) type;
    vn->vf = (int) vf;
    if (!ld_forwards(ld, at, ap, vn)) {
        return false;
    }

    if (vn->attach == CFG_AT_NAT) {
        if (vn->attach_to) {
            jp_key(path, ap, "to");
            return vh_diag_fail(ld->diag, path, "attach type 'nat' takes no "
                                "'to': the host's NAT network is implicit");
        }
    } else if (!vn->attach_to) {
        return vh_diag_fail(ld->diag, ap, "missing required key 'to' (the "
                            "%s to attach to)", vn->attach == CFG_AT_BRIDGE
                            || vn->attach == CFG_AT_OVS ? "bridge"
                            : vn->attach == CFG_AT_DVSWITCH
                            ? "distributed switch" : "host NIC");
    }
    if (vn->attach == CFG_AT_MACVTAP || vif) {
        /* libvirt's default macvtap mode is VEPA; a VIF's is standard. */
        vn->attach_mode = ld_strdup(modes[mode]);
    } else if (!ld_absent_or_null(at, "mode")) {
        jp_key(path, ap, "mode");
        return vh_diag_fail(ld->diag, path, "'mode' applies only to attach "
                            "types macvtap and vif");
    }
    if (vn->attach != CFG_AT_SRIOV_VF && vf >= 0) {
        jp_key(path, ap, "vf");
        return vh_diag_fail(ld->diag, path, "'vf' applies only to attach "
                            "type sriov-vf");
    }
    return true;
}

/* "gateway" (extension): the guest's default route, checked as a host
 * NIC's is.  libvirt's NAT network gives its own (the host's address on
 * virbr0) by DHCP. */
static bool
load_vnic_gateway(struct ld *ld, const cJSON *o, const char *vp,
                  struct cfg_vnic *vn)
{
    struct cfg_nic as_nic = { .has_ip = true, .ip = vn->ip,
                              .prefix = vn->prefix };
    if (!ld_gateway(ld, o, vp, &as_nic)) {
        return false;
    }
    if (as_nic.gateway && vn->attach == CFG_AT_NAT) {
        char path[JP_LEN];
        jp_key(path, vp, "gateway");
        return vh_diag_fail(ld->diag, path, "a NIC of attach type nat has "
                            "libvirt's gateway, the host's address on "
                            "virbr0; leave \"gateway\" out");
    }
    vn->gateway = as_nic.gateway;
    return true;
}

/* A VM NIC's name; left out, the guest's own: "eth" and its place in
 * the VM's nics[] (the contract's port-extender example names none). */
static bool
load_vnic_name(struct ld *ld, const cJSON *o, const char *vp, size_t index,
               char **name)
{
    if (cJSON_GetObjectItemCaseSensitive(o, "name")) {
        return ld_name(ld, o, vp, name);
    }
    char def[32];
    snprintf(def, sizeof def, "eth%zu", index);
    *name = ld_strdup(def);
    return true;
}

/* With attach type sriov-vf or passthrough the guest drives the hardware
 * itself, so 'model' and 'backend' are not used; they are still read and
 * checked, because a variant may switch the attachment and keep them. */
static bool
load_vnic(struct ld *ld, const cJSON *o, const char *vp, const char *spath,
          size_t index, struct cfg_vnic *vn)
{
    const char *const *models = cfg_vnic_model_names;
    const char *const *backends = cfg_backend_names;
    char path[JP_LEN];
    int model = CFG_VNIC_VIRTIO, backend = -1;
    long long queues = VH_DEF_VNIC_QUEUES, vlan = -1, ring = VH_DEF_VRING_SIZE;
    bool has_ip;

    vn->jpath = ld_strdup(vp);
    if (!ld_is_object(ld, o, vp)
        || !ld_enum(ld, o, vp, "model", "model", models, 3, &model)) {
        return false;
    }
    vn->cls = dev_class_find(DEV_FAM_VNIC, models[model]);
    if (!ld_keys_class(ld, o, vp, &sch_vnic, DEV_FAM_VNIC, vn->cls)
        || !load_vnic_name(ld, o, vp, index, &vn->name)
        || !ld_load_mac(ld, o, vp, &vn->mac, &vn->has_mac)
        || !ld_load_ip(ld, o, vp, true, &vn->ip, &vn->prefix, &has_ip)
        || !ld_load_ip6(ld, o, vp, &vn->ip6)
        || !ld_enum(ld, o, vp, "backend", "backend", backends + 1, 3,
                    &backend)
        || !ld_int(ld, o, vp, "queues", false, 1, 64, NULL, &queues)
        || !ld_int(ld, o, vp, "vlan", false, 1, 4094,
                   "VLAN IDs 0 and 4095 are reserved", &vlan)
        || !ld_int(ld, o, vp, "ring", false, 64, 1024, NULL, &ring)
        || !ld_vlan_list(ld, o, vp, "trunks", &vn->trunks, &vn->n_trunks)
        || !ld_mtu(ld, o, vp, 0, &vn->mtu)
        || !ld_bool(ld, o, vp, "lldp", &vn->lldp)
        || !load_attach(ld, o, vp, vn, &vlan)
        || !ld_guest_mac(ld, o, vp, vn)
        || !load_vnic_gateway(ld, o, vp, vn)
        || !ld_vnic_vlans(ld, o, vp, vn)
        || !ld_parse_class(ld, o, vp, 0, vn->cls, &vn->priv)) {
        return false;
    }
    if (!vn->has_mac) {
        char full[JP_LEN + 8];
        snprintf(full, sizeof full, "%s/%s", spath, vn->name);
        ld_derive_mac(full, true, &vn->mac);
    }
    /* A backend applies to virtio only: QEMU itself emulates e1000 and
     * rtl8139, so for them the backend is always CFG_BE_NONE.  A backend
     * left over with an emulated model is not an error, because the
     * contract's own example variant switches "model" to "e1000" and
     * leaves "backend" as it was. */
    vn->model = (enum cfg_vnic_model) model;
    vn->backend = vn->model != CFG_VNIC_VIRTIO ? CFG_BE_NONE
                  : backend >= 0 ? (enum cfg_backend) (backend + 1)
                  : CFG_BE_VHOST_NET;
    if (ring & (ring - 1)) {
        /* Split virtqueues must be a power of two in size (virtio 1.1,
         * 2.6); QEMU allows at most 1024. */
        jp_key(path, vp, "ring");
        return vh_diag_fail(ld->diag, path, "%lld is not a power of two; a "
                            "virtqueue's size must be one", ring);
    }
    vn->queues = (int) queues;
    vn->vlan = (int) vlan;
    vn->ring = (int) ring;
    return ld_vnic_offloads(ld, o, vp, vn);
}

static bool
load_vm(struct ld *ld, const cJSON *o, const char *vp,
        const struct cfg_host *host, struct cfg_vm *vm)
{
    char path[JP_LEN], spath[JP_LEN];
    long long vcpus = 1;
    const cJSON *pin, *nics;

    vm->jpath = ld_strdup(vp);
    if (!ld_is_object(ld, o, vp) || !ld_keys(ld, o, vp, &sch_vm)
        || !ld_name(ld, o, vp, &vm->name)
        || !ld_int(ld, o, vp, "vcpus", false, 1, 256, NULL, &vcpus)
        || !ld_array(ld, o, vp, "pin", &pin)
        || !ld_array(ld, o, vp, "nics", &nics)) {
        return false;
    }
    vm->vcpus = (int) vcpus;

    if (pin) {
        jp_key(path, vp, "pin");
        vm->n_pin = (size_t) cJSON_GetArraySize(pin);
        if (vm->n_pin != (size_t) vm->vcpus) {
            return vh_diag_fail(ld->diag, path, "pin lists %zu core%s but "
                                "the VM has %d vCPU%s; give one host core "
                                "per vCPU", vm->n_pin,
                                vm->n_pin == 1 ? "" : "s", vm->vcpus,
                                vm->vcpus == 1 ? "" : "s");
        }
        vm->pin = ld_calloc(vm->n_pin, sizeof *vm->pin);
        size_t i = 0;
        for (const cJSON *c = pin->child; c; c = c->next, i++) {
            char cp[JP_LEN];
            jp_idx(cp, path, i);
            double d = cJSON_IsNumber(c) ? c->valuedouble : -1;
            if (!cJSON_IsNumber(c) || d != floor(d)) {
                return vh_diag_fail(ld->diag, cp, "expected a host core "
                                    "number, got %s", ld_type_name(c));
            }
            if (d < 0 || d >= host->cpu.cores) {
                return vh_diag_fail(ld->diag, cp, "core %.15g does not "
                                    "exist; host '%s' has cores 0 to %d",
                                    d, host->name, host->cpu.cores - 1);
            }
            vm->pin[i] = (int) d;
        }
    }

    snprintf(spath, sizeof spath, "%s/%s", host->name, vm->name);
    jp_key(path, vp, "nics");
    if (!ld_count_total(ld, nics, path, &ld->n_vnics, LD_MAX_VNICS,
                        "VM NICs")) {
        return false;
    }
    vm->n_nics = nics ? (size_t) cJSON_GetArraySize(nics) : 0;
    vm->nics = ld_calloc(vm->n_nics, sizeof *vm->nics);
    size_t i = 0;
    for (const cJSON *c = nics ? nics->child : NULL; c; c = c->next, i++) {
        char np[JP_LEN];
        jp_idx(np, path, i);
        if (!load_vnic(ld, c, np, spath, i, &vm->nics[i])) {
            return false;
        }
        ld_vnic_mtu(host, &vm->nics[i]);
    }
    return true;
}

/* The host's IOMMU.  Besides the contract's "enabled", three extensions:
 * "posted_interrupts" (VT-d posted interrupts, which need interrupt
 * remapping and so the IOMMU), "iotlb_entries" and "page_size". */
static bool
load_iommu(struct ld *ld, const cJSON *o, const char *ip,
           struct cfg_host *host)
{
    static const char *const pages[] = { "4K", "2M" };
    char path[JP_LEN];
    long long entries = VH_DEF_IOTLB_ENTRIES;
    int page = 0;

    if (!ld_bool(ld, o, ip, "enabled", &host->iommu_enabled)
        || !ld_bool(ld, o, ip, "posted_interrupts",
                    &host->posted_interrupts)
        || !ld_int(ld, o, ip, "iotlb_entries", false, 1, 4096, NULL,
                   &entries)
        || !ld_enum(ld, o, ip, "page_size", "IOMMU page size", pages, 2,
                    &page)) {
        return false;
    }
    if (host->posted_interrupts && !host->iommu_enabled) {
        jp_key(path, ip, "posted_interrupts");
        return vh_diag_fail(ld->diag, path, "posted interrupts are delivered "
                            "by the IOMMU's interrupt remapping (VT-d); "
                            "they need \"enabled\": true");
    }
    host->iotlb_entries = (int) entries;
    host->iommu_page_size = page ? 2u << 20 : VH_DEF_IOMMU_PAGE_SIZE;
    return true;
}

/* Loads 'key' (an array of objects) of host 'h' with 'fn'. */
#define LOAD_LIST(KEY, ARR, N, CALL)                                     \
    do {                                                                \
        const cJSON *arr_;                                              \
        char ap_[JP_LEN];                                               \
        if (!ld_array(ld, h, hp, KEY, &arr_)) {                         \
            return false;                                               \
        }                                                               \
        jp_key(ap_, hp, KEY);                                           \
        if ((!strcmp(KEY, "vms")                                        \
             && !ld_count_total(ld, arr_, ap_, &ld->n_vms, LD_MAX_VMS,  \
                                "VMs"))                                 \
            || (!strcmp(KEY, "nics")                                    \
                && !ld_count_total(ld, arr_, ap_, &ld->n_nics,          \
                                   LD_MAX_NICS, "host NICs"))) {        \
            return false;                                               \
        }                                                               \
        N = arr_ ? (size_t) cJSON_GetArraySize(arr_) : 0;               \
        ARR = ld_calloc(N, sizeof *ARR);                                \
        size_t i = 0;                                                   \
        for (const cJSON *c = arr_ ? arr_->child : NULL; c;             \
             c = c->next, i++) {                                        \
            char ep[JP_LEN];                                            \
            jp_idx(ep, ap_, i);                                         \
            if (!(CALL)) {                                              \
                return false;                                           \
            }                                                           \
        }                                                               \
    } while (0)

static bool
load_host(struct ld *ld, const cJSON *h, const char *hp,
          struct cfg_host *host)
{
    const cJSON *iommu;
    char ip[JP_LEN];

    host->jpath = ld_strdup(hp);
    host->iotlb_entries = VH_DEF_IOTLB_ENTRIES;
    host->iommu_page_size = VH_DEF_IOMMU_PAGE_SIZE;
    if (!ld_is_object(ld, h, hp) || !ld_keys(ld, h, hp, &sch_host)
        || !ld_name(ld, h, hp, &host->name)
        || !load_cpu(ld, h, hp, host)
        || !ld_idle_host(ld, h, hp, host)
        || !ld_sub(ld, h, hp, "iommu", &sch_iommu, &iommu, ip)
        || (iommu && !load_iommu(ld, iommu, ip, host))) {
        return false;
    }
    ld->n_cores += (size_t) host->cpu.cores;
    if (ld->n_cores > LD_MAX_CORES) {
        char path[JP_LEN];
        jp_key(path, hp, "cpu");
        return vh_diag_fail(ld->diag, path, "the hosts up to this one have "
                            "%zu cores in all, more than the %d a scenario "
                            "may hold", ld->n_cores, LD_MAX_CORES);
    }
    LOAD_LIST("nics", host->nics, host->n_nics,
              load_nic(ld, c, ep, host->name, &host->nics[i]));
    LOAD_LIST("bridges", host->bridges, host->n_bridges,
              load_bridge(ld, c, ep, host->cpu.cores, host->name,
                          &host->bridges[i]));
    LOAD_LIST("vms", host->vms, host->n_vms,
              load_vm(ld, c, ep, host, &host->vms[i]));
    /* Containers and their networks (loader/scenario_containers.c). */
    return ld_networks(ld, h, hp, host) && ld_containers(ld, h, hp, host);
}

bool
ld_hosts(struct ld *ld, const cJSON *root)
{
    struct cfg_scenario *sc = ld->sc;
    const cJSON *hosts;

    if (!ld_array_max(ld, root, "", "hosts", LD_MAX_HOSTS, "hosts",
                      &hosts)) {
        return false;
    }
    sc->n_hosts = (size_t) cJSON_GetArraySize(hosts);
    sc->hosts = ld_calloc(sc->n_hosts, sizeof *sc->hosts);
    size_t i = 0;
    for (const cJSON *h = hosts ? hosts->child : NULL; h; h = h->next, i++) {
        char hp[JP_LEN];
        jp_idx(hp, "hosts", i);
        if (!load_host(ld, h, hp, &sc->hosts[i])) {
            return false;
        }
    }
    return true;
}

static bool
load_switch(struct ld *ld, const cJSON *o, const char *sp,
            struct cfg_switch *sw)
{
    int mode = CFG_SW_8021Q;
    long long ports = 0, buf = VH_DEF_SWITCH_PORT_BUFFER;

    sw->jpath = ld_strdup(sp);
    sw->speed_bps = 10000000000ULL;
    if (!ld_is_object(ld, o, sp)
        || !ld_enum(ld, o, sp, "mode", "switch mode", cfg_switch_mode_names,
                    N_NAMES(cfg_switch_mode_names), &mode)) {
        return false;
    }
    sw->cls = dev_class_find(DEV_FAM_SWITCH, cfg_switch_mode_names[mode]);
    if (!sw->cls) {
        /* Before its keys: those of a mode without a model are not
         * known yet, and the mode is what to say. */
        char path[JP_LEN];
        jp_key(path, sp, "mode");
        return vh_diag_fail(ld->diag, path, "not supported yet: switch mode "
                            "'%s'", cfg_switch_mode_names[mode]);
    }
    if (!ld_keys_class(ld, o, sp, &sch_switch, DEV_FAM_SWITCH, sw->cls)
        || !ld_name(ld, o, sp, &sw->name)
        || !ld_int(ld, o, sp, "ports", true, 1, 1024, NULL, &ports)
        || !ld_speed(ld, o, sp, "speed", &sw->speed_bps)
        || !ld_int(ld, o, sp, "port_buffer", false, 1, 1000000, NULL,
                   &buf)
        /* Only a class that lists "uplink" lets it through its keys. */
        || !ld_str(ld, o, sp, "uplink", false, &sw->uplink)
        || !ld_parse_class(ld, o, sp, 0, sw->cls, &sw->priv)) {
        return false;
    }
    sw->mode = (enum cfg_switch_mode) mode;
    if (!ld_switch_discovery(ld, o, sp, sw)) {
        return false;
    }
    sw->ports = (int) ports;
    sw->port_buffer = (int) buf;
    return ld_acl(ld, o, sp, sw) && ld_vepa(ld, o, sp, sw)
           && ld_switch_links(ld, o, sp, sw)
           && ld_switch_pvlan(ld, o, sp, sw);
}

bool
ld_switches(struct ld *ld, const cJSON *root)
{
    struct cfg_scenario *sc = ld->sc;
    const cJSON *arr;

    if (!ld_array_max(ld, root, "", "switches", LD_MAX_SWITCHES,
                      "switches", &arr)) {
        return false;
    }
    sc->n_switches = (size_t) cJSON_GetArraySize(arr);
    sc->switches = ld_calloc(sc->n_switches, sizeof *sc->switches);
    size_t i = 0;
    for (const cJSON *s = arr ? arr->child : NULL; s; s = s->next, i++) {
        char sp[JP_LEN];
        jp_idx(sp, "switches", i);
        if (!load_switch(ld, s, sp, &sc->switches[i])) {
            return false;
        }
    }
    return true;
}
