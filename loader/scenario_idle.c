/* loader/scenario_idle.c: the keys of the idle path, which set latency at
 * light load.
 *
 *   hosts[].apicv                APICv (posted interrupts, exitless EOI);
 *                                default true, as on any server CPU since
 *                                Ivy Bridge-EP with KVM's enable_apicv=1
 *   hosts[].halt_poll_ns         KVM's halt polling window, 0..1000000000;
 *                                default 200000 (kvm.halt_poll_ns)
 *   hosts[].cpu.cstate           "poll", "C1" or "C6": the deepest idle
 *                                state the cores may enter; default "C6",
 *                                as intel_idle allows out of the box
 *   hosts[].nics[].coalesce      as ethtool -C: "adaptive-rx" (default
 *                                true, the drivers' dynamic ITR) and
 *                                "rx-usecs" (0..1022; 0 is an interrupt
 *                                per frame) */
#include "loader/scenario_priv.h"

#define DEF_HALT_POLL_NS 200000

bool
ld_idle_host(struct ld *ld, const cJSON *h, const char *hp,
             struct cfg_host *host)
{
    static const char *const cstates[] = { "poll", "C1", "C6" };
    long long poll = DEF_HALT_POLL_NS;
    int cstate = CFG_CSTATE_C6;
    const cJSON *cpu;
    char cp[JP_LEN];

    host->apicv = true;
    if (!ld_bool(ld, h, hp, "apicv", &host->apicv)
        || !ld_int(ld, h, hp, "halt_poll_ns", false, 0, 1000000000,
                   "a second", &poll)
        || !ld_sub(ld, h, hp, "cpu", &sch_cpu, &cpu, cp)
        || (cpu && !ld_enum(ld, cpu, cp, "cstate", "C-state", cstates,
                            N_NAMES(cstates), &cstate))) {
        return false;
    }
    host->halt_poll_ns = (uint64_t) poll;
    host->cpu.cstate = (enum cfg_cstate) cstate;
    return true;
}

bool
ld_coalesce(struct ld *ld, const cJSON *nic, const char *np,
            struct cfg_nic *cfg)
{
    const cJSON *co;
    char cp[JP_LEN];
    long long usecs = -1;

    cfg->adaptive_rx = true;
    cfg->rx_usecs = -1;
    if (!ld_sub(ld, nic, np, "coalesce", &sch_coalesce, &co, cp)) {
        return false;
    }
    if (!co) {
        return true;
    }
    if (!ld_bool(ld, co, cp, "adaptive-rx", &cfg->adaptive_rx)
        || !ld_int(ld, co, cp, "rx-usecs", false, 0, 1022,
                   "the largest interval ixgbe accepts", &usecs)) {
        return false;
    }
    cfg->rx_usecs = (int) usecs;
    return true;
}
