/* tests/test_scenario.c: the scenario loader.  A table of bad scenarios,
 * each with the message (JSON path included) it must produce, and good
 * scenarios whose loaded values are checked against hand-worked answers.
 *
 * JSON is written with single quotes for readability; vh_test_dq() turns
 * them into double quotes before loading. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/core/config.h"
#include "models/core/world.h"
#include "sim/frame.h"
#include "tests/testutil.h"

/* With VHSIM_FUZZ_SEEDS set to a directory, every scenario these tests
 * load is also written there, named by a hash of its text: the fuzzer's
 * seed corpus gets the bad-input table (tests/fuzz/seed_corpus.sh). */
static void
save_seed(const char *text)
{
    const char *dir = getenv("VHSIM_FUZZ_SEEDS");
    if (!dir) {
        return;
    }
    uint64_t h = 14695981039346656037u;         /* FNV-1a. */
    for (const char *p = text; *p; p++) {
        h = (h ^ (unsigned char) *p) * 1099511628211u;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/t-%016llx.json", dir,
             (unsigned long long) h);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static struct cfg_scenario *
load(const char *json, const char *variant, struct vh_diag *d)
{
    char *text = vh_test_dq(json);
    save_seed(text);
    struct cfg_scenario *sc = cfg_load_string(text, "tests/t.json", variant,
                                              d);
    free(text);
    return sc;
}

/* ---- Building blocks: a small valid scenario, with holes ('x') where a
 * case adds keys. ---- */

#define NIC(x)     "{'name': 'eth0', 'link': 'sw/p1'" x "}"
#define BR(x)      "{'name': 'br0', 'ports': ['eth0']" x "}"
#define ATT        "'attach': {'type': 'bridge', 'to': 'br0'}"
#define VNIC(x)    "{'name': 'eth0', 'ip': '10.0.0.1/24'" x "}"
#define VNICB(x)   VNIC(", " ATT x)
#define VM(x, nic) "{'name': 'vm1'" x ", 'nics': [" nic "]}"
#define HOST(x, nics, brs, vms)                                          \
    "{'name': 'h1', 'iommu': {'enabled': true}" x ", 'nics': [" nics     \
    "], 'bridges': [" brs "], 'vms': [" vms "]}"
#define H1         HOST("", NIC(""), BR(""), VM("", VNICB("")))
#define REMOTE(x)                                                       \
    "{'name': 'remote', 'nics': [{'name': 'eth0', 'ip': '10.0.0.9/24', " \
    "'link': 'sw/p2'" x "}]}"
#define FLOW(x)    "{'name': 'f1', 'from': 'h1/vm1', 'to': 'remote', "     \
                   "'rate': '1Mpps'" x "}"
#define SCNF(front, hosts, flows, rest)                                  \
    "{" front "'hosts': [" hosts "], 'switches': [{'name': 'sw', "       \
    "'ports': 8}], 'traffic': [" flows "]" rest "}"
#define SCN(hosts, flows, rest) SCNF("", hosts, flows, rest)
#define HOSTS      H1 ", " REMOTE("")
#define WITH(rest) SCN(HOSTS, FLOW(""), rest)
/* Host h1 with one VM whose only NIC has keys 'x' (attach included). */
#define WITH_VNIC(x)                                                     \
    SCN(HOST("", NIC(""), BR(""), VM("", VNIC(x))) ", " REMOTE(""),      \
        FLOW(""), "")
#define WITH_VM(x)                                                       \
    SCN(HOST("", NIC(""), BR(""), VM(x, VNICB(""))) ", " REMOTE(""),     \
        FLOW(""), "")
#define WITH_NIC(x)                                                      \
    SCN(HOST("", NIC(x), BR(""), VM("", VNICB(""))) ", " REMOTE(""),     \
        FLOW(""), "")
#define WITH_FLOW(x) SCN(HOSTS, FLOW(x), "")
/* Host h1 built from its parts, with the remote host and flow f1. */
#define WITH_HOST(x, nics, brs, vms)                                     \
    SCN(HOST(x, nics, brs, vms) ", " REMOTE(""), FLOW(""), "")
/* Host h1 with an OVS bridge whose "sflow" is 'sf', its NIC with keys
 * 'nic' ('HIP' gives the host its address there). */
#define WITH_SFLOW(nic, sf)                                              \
    WITH_HOST("", NIC(nic), BR(", 'type': 'ovs', 'sflow': " sf),         \
              VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}")))
#define HIP        ", 'ip': '10.0.0.50/24'"

START_TEST(test_base_loads)
{
    struct vh_diag d;
    struct cfg_scenario *sc = load(WITH(""), NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    cfg_free(sc);
}
END_TEST

/* ---- Bad scenarios. ---- */

struct bad {
    const char *json;
    const char *msg;            /* Substring the error must contain. */
};

static const struct bad bad[] = {
    /* Keys. */
    { "{'nmae': 'x'}", "unknown key 'nmae'; did you mean 'name'?" },
    { "{'bandwidth': 1}", "unknown key 'bandwidth' in a scenario (expected "
      "one of name, description, seed" },
    { WITH_HOST(", 'vsm': []", NIC(""), BR(""), VM("", VNICB(""))),
      "hosts[0]: unknown key 'vsm'; did you mean 'vms'?" },
    { WITH_VNIC(", " ATT ", 'modle': 'virtio'"),
      "hosts[0].vms[0].nics[0]: unknown key 'modle'; did you mean 'model'?" },
    { "{'seed': 1, 'seed': 2}", "key 'seed' appears twice" },
    { SCN("{'iommu': {}}", "", ""), "hosts[0]: missing required key 'name'" },
    { WITH_VNIC(""), "hosts[0].vms[0].nics[0]: missing required key "
      "'attach'" },
    { "{'switches': [{'name': 'sw'}]}", "switches[0]: missing required key "
      "'ports'" },

    /* Types. */
    { "[1, 2]", "a scenario is a JSON object ({...}), not an array" },
    { WITH_HOST(", 'cpu': {'cores': '8'}", NIC(""), BR(""), VM("", VNICB(""))),
      "hosts[0].cpu.cores: expected a whole number, got a string (\"8\")" },
    { "{'hosts': {}}", "hosts: expected an array, got an object" },
    { "{'name': 7}", "name: expected a string, got a number (7)" },
    { WITH_NIC(", 'vmdq': 'yes'"), "hosts[0].nics[0].vmdq: expected true or "
      "false, got a string (\"yes\")" },
    { "{'seed': 1.5}", "seed: expected a whole number, got 1.5" },
    { "{'seed': -1}", "seed: -1 is out of range; expected 0 to" },

    /* Units. */
    { "{'duration': 10}", "duration: 10 has no unit; write a string such "
      "as \"10us\" or \"10ms\"" },
    { "{'duration': '10'}", "duration: \"10\" has no unit; write \"10us\"" },
    { "{'duration': '1e3ns'}", "duration: \"1e3ns\" has an exponent" },
    { "{'duration': '0ms'}", "duration: the run's duration must be more "
      "than zero" },
    { "{'duration': '5 ms'}", "space before its unit" },
    { WITH_NIC(", 'speed': '10'"), "hosts[0].nics[0].speed: \"10\" has no "
      "unit" },
    { WITH_FLOW(", 'start': '5sec'"), "traffic[0].start: unknown time unit "
      "'sec' in \"5sec\"; did you mean 's'?" },
    { SCN(HOSTS, "{'name': 'f1', 'from': 'h1/vm1', 'to': 'remote', "
          "'rate': 1000}", ""), "traffic[0].rate: 1000 has no unit" },
    { SCN(HOSTS, "{'name': 'f1', 'from': 'h1/vm1', 'to': 'remote', "
          "'rate': '0pps'}", ""), "traffic[0].rate: \"0pps\": a rate must "
      "be greater than zero" },

    /* Enumerations. */
    { WITH_VNIC(", " ATT ", 'model': 'virtoi'"),
      "hosts[0].vms[0].nics[0].model: unknown model 'virtoi'; did you mean "
      "'virtio'? (expected one of e1000, rtl8139, virtio)" },
    { WITH_VNIC(", 'attach': {'type': 'brige', 'to': 'br0'}"),
      "hosts[0].vms[0].nics[0].attach.type: unknown attach type 'brige'; "
      "did you mean 'bridge'?" },
    { WITH_HOST(", 'cpu': {'irqbalance': 'powersave'}", NIC(""), BR(""),
                VM("", VNICB(""))),
      "hosts[0].cpu.irqbalance: unknown irqbalance mode 'powersave'; did you "
      "mean 'power-save'?" },
    { WITH_NIC(", 'model': 'e1000'"), "hosts[0].nics[0].model: unknown NIC "
      "model 'e1000' (expected one of 82599, generic, i350, vic, x520)" },
    { WITH_FLOW(", 'proto': 'UDP'"), "traffic[0].proto: unknown proto 'UDP'; "
      "did you mean 'udp'?" },
    { "{'switches': [{'name': 'sw', 'ports': 8, 'mode': '802.1d'}]}",
      "switches[0].mode: unknown switch mode '802.1d'; did you mean "
      "'802.1q'?" },
    { WITH_HOST("", NIC(""), BR(", 'type': 'linux'"), VM("", VNICB(""))),
      "hosts[0].bridges[0].type: unknown bridge type "
      "'linux' (expected one of linux-bridge, ovs)" },

    /* Ranges. */
    { WITH_HOST(", 'cpu': {'cores': 0}", NIC(""), BR(""), VM("", VNICB(""))),
      "hosts[0].cpu.cores: 0 is out of range; expected 1 "
      "to 1024" },
    { WITH_HOST(", 'cpu': {'ghz': 0}", NIC(""), BR(""), VM("", VNICB(""))),
      "hosts[0].cpu.ghz: 0 GHz is out of range" },
    { WITH_HOST(", 'cpu': {'ghz': 10.5}", NIC(""), BR(""), VM("", VNICB(""))),
      "hosts[0].cpu.ghz: 10.5 GHz is out of range" },
    /* A clock that rounds to nothing in kHz divided by zero. */
    { WITH_HOST(", 'cpu': {'ghz': 1e-10}", NIC(""), BR(""), VM("", VNICB(""))),
      "hosts[0].cpu.ghz: 1e-10 GHz is out of range; expected 0.1 to 10" },
    { WITH(", 'variants': [{'name': 'v', 'set': {'h1.cpu.ghz': 1e-10}}]"),
      "variants[0]: variant 'v' does not load: hosts[0].cpu.ghz: 1e-10 GHz "
      "is out of range" },
    /* Costs that would wrap in a core's price or a hardware time. */
    { WITH(", 'costs': {'stack_tx': '2s'}"), "costs.stack_tx: \"2s\" is more "
      "than one primitive can cost (at most 1000000000cyc or 100ms per job" },
    { WITH(", 'costs': {'stack_tx': '5000000000cyc'}"), "costs.stack_tx: "
      "\"5000000000cyc\" is more than one primitive can cost" },
    { WITH(", 'costs': {'pcie_latency': '999999999s'}"), "costs.pcie_latency: "
      "\"999999999s\" is more than one primitive can cost" },
    { WITH_VM(", 'vcpus': 257"), "hosts[0].vms[0].vcpus: 257 is out of "
      "range; expected 1 to 256" },
    { WITH_VM(", 'vcpus': 1, 'pin': [4]"), "hosts[0].vms[0].pin[0]: core 4 "
      "does not exist; host 'h1' has cores 0 to 3" },
    { WITH_VM(", 'vcpus': 2, 'pin': [1]"), "hosts[0].vms[0].pin: pin lists 1 "
      "core but the VM has 2 vCPUs" },
    { WITH_NIC(", 'queues': 65"), "hosts[0].nics[0].queues: 65 is out of "
      "range; expected 1 to 64" },
    { WITH_VNIC(", " ATT ", 'vlan': 4095"), "hosts[0].vms[0].nics[0].vlan: "
      "4095 is out of range; expected 1 to 4094" },
    { WITH_FLOW(", 'size': 63"), "traffic[0].size: 63 is out of range; "
      "expected 64 to 1518 (64 bytes is Ethernet's minimum frame and 1518 "
      "the largest untagged frame without jumbo frames" },
    { WITH_FLOW(", 'size': 1519"), "traffic[0].size: 1519 is out of range; "
      "expected 64 to 1518" },
    { WITH_FLOW(", 'count': 0"), "traffic[0].count: 0 is out of range; "
      "expected 1 to" },
    { "{'switches': [{'name': 'sw', 'ports': 0}]}", "switches[0].ports: 0 is "
      "out of range; expected 1 to 1024" },
    { WITH_NIC(", 'rx_ring': 32"), "hosts[0].nics[0].rx_ring: 32 is out of "
      "range; expected 64 to 4096" },
    { WITH_VNIC(", " ATT ", 'ring': 384"), "hosts[0].vms[0].nics[0].ring: "
      "384 is not a power of two" },

    /* Model limits. */
    { WITH_NIC(", 'model': 'i350', 'speed': '10G'"), "hosts[0].nics[0].speed: "
      "the i350 runs at most at 1 Gbit/s; 10 Gbit/s is faster" },
    { WITH_NIC(", 'model': 'i350', 'sriov': {'vfs': 16}"),
      "hosts[0].nics[0].sriov.vfs: the i350 supports at most 8 VFs" },
    { WITH_VNIC(", " ATT ", 'model': 'e1000', 'backend': 'vhost-nat'"),
      "hosts[0].vms[0].nics[0].backend: unknown backend 'vhost-nat'; did you "
      "mean 'vhost-net'? (expected one of qemu, vhost-net, vhost-user)" },
    { WITH_VNIC(", " ATT ", 'mode': 'vepa'"), "hosts[0].vms[0].nics[0]: "
      "unknown key 'mode'" },
    { WITH_VNIC(", 'attach': {'type': 'bridge', 'to': 'br0', 'mode': "
                "'vepa'}"), "hosts[0].vms[0].nics[0].attach.mode: 'mode' "
      "applies only to attach types macvtap and vif" },

    /* Addresses. */
    { WITH_VNIC(", " ATT ", 'mac': '52:54:00:00:01'"),
      "hosts[0].vms[0].nics[0].mac: malformed MAC address '52:54:00:00:01'" },
    { WITH_VNIC(", " ATT ", 'mac': '01:00:5e:00:00:01'"),
      "hosts[0].vms[0].nics[0].mac: MAC address '01:00:5e:00:00:01' is a "
      "multicast address" },
    { WITH_HOST("", NIC(""), BR(""),
                VM("", "{'name': 'eth0', 'ip': " "'10.0.0.256/24', " ATT "}")),
      "hosts[0].vms[0].nics[0].ip: malformed IPv4 address '10.0.0.256/24'" },
    { WITH_HOST("", NIC(""), BR(""),
                VM("", "{'name': 'eth0', 'ip': " "'10.0.0.0/24', " ATT "}")),
      "hosts[0].vms[0].nics[0].ip: '10.0.0.0/24' is the network address of "
      "its /24 subnet" },
    { SCN(HOST("", NIC(""), BR(""), VM("", "{'name': 'eth0', " ATT "}"))
          ", " REMOTE(""), FLOW(""), ""),
      "hosts[0].vms[0].nics[0]: missing required key 'ip'" },
    { SCN(HOST("", NIC(""), BR(""), VM("", VNICB(", 'mac': "
               "'52:54:00:00:00:05'"))) ", " REMOTE(", 'mac': "
               "'52:54:00:00:00:05'"), FLOW(""), ""),
      "hosts[1].nics[0].mac: MAC address 52:54:00:00:00:05 is also used by "
      "hosts[0].vms[0].nics[0]" },
    { WITH_HOST("", NIC(", 'ip': '10.0.0.1/24'"), BR(""), VM("", VNICB(""))),
      "hosts[0].vms[0].nics[0].ip: IP address 10.0.0.1 "
      "is also used by hosts[0].nics[0]" },

    /* Names. */
    { WITH_HOST("", NIC(""), BR(""), VM("", VNICB("")) ", " VM("", VNICB(""))),
      "hosts[0].vms[1].name: duplicate VM name 'vm1' (also hosts[0].vms[0])" },
    { WITH_HOST("", NIC(""), "{'name': 'eth0'}", VM("", VNICB(""))),
      "hosts[0].bridges[0].name: bridge name 'eth0' is "
      "also the name of NIC hosts[0].nics[0]" },
    { "{'hosts': [{'name': 'sw'}], 'switches': [{'name': 'sw', 'ports': 1}]}",
      "switches[0].name: switch name 'sw' is also the name of host "
      "hosts[0]" },
    { "{'hosts': [{'name': 'a/b'}]}", "hosts[0].name: name 'a/b' may not "
      "contain '/'" },
    { SCN(HOSTS, FLOW("") ", " FLOW(""), ""), "traffic[1].name: duplicate "
      "flow name 'f1'" },

    /* Cables. */
    { WITH_NIC(", 'link': 'sw/eth0'"), "hosts[0].nics[0]: key 'link' appears "
      "twice" },
    { WITH_HOST("", "{'name': 'eth0', 'link': 'sw/eth1'}", BR(""),
                VM("", VNICB(""))),
      "hosts[0].nics[0].link: switch 'sw' has ports named p1 to p8; 'eth1' "
      "is not one" },
    { WITH_HOST("", "{'name': 'eth0', 'link': 'sw/p9'}", BR(""),
                VM("", VNICB(""))),
      "hosts[0].nics[0].link: switch 'sw' has ports p1 to p8; there is no "
      "'p9'" },
    { WITH_HOST("", "{'name': 'eth0', 'link': 'sx/p1'}", BR(""),
                VM("", VNICB(""))),
      "hosts[0].nics[0].link: the scenario has no host or switch named 'sx'; "
      "did you mean 'sw'?" },
    { SCN(H1 ", {'name': 'remote', 'nics': [{'name': 'eth0', 'ip': "
          "'10.0.0.9/24', 'link': 'sw/p1'}]}", FLOW(""), ""),
      "hosts[1].nics[0].link: 'sw/p1' is already cabled (by the link of "
      "h1/eth0)" },
    { WITH_HOST("", "{'name': 'eth0', 'link': 'remote/eth0'}", BR(""),
                VM("", VNICB(""))),
      "hosts[1].nics[0].link: 'remote/eth0' is already cabled (by the link "
      "of h1/eth0)" },
    { WITH_HOST("", "{'name': 'eth0', 'link': 'h1/br0'}", BR(""),
                VM("", VNICB(""))),
      "hosts[0].nics[0].link: 'h1/br0' is a bridge; a cable goes to a switch "
      "port" },

    /* Bridges and attachments. */
    { WITH_HOST("", NIC(""), "{'name': 'br0', 'ports': ['eth1']}",
                VM("", VNICB(""))),
      "hosts[0].bridges[0].ports[0]: host 'h1' has no NIC 'eth1'; did you "
      "mean 'eth0'?" },
    { WITH_HOST("", NIC(""), BR("") ", {'name': 'br1', 'ports': ['eth0']}",
                VM("", VNICB(""))),
      "hosts[0].bridges[1].ports[0]: NIC 'eth0' is already a port of bridge "
      "'br0'" },
    { WITH_VNIC(", 'attach': {'type': 'bridge', 'to': 'br1'}"),
      "hosts[0].vms[0].nics[0].attach.to: host 'h1' has no bridge 'br1'; did "
      "you mean 'br0'?" },
    { WITH_VNIC(", 'attach': {'type': 'bridge', 'to': 'eth0'}"),
      "hosts[0].vms[0].nics[0].attach.to: 'eth0' is a NIC, not a bridge" },
    { WITH_VNIC(", 'attach': {'type': 'bridge'}"),
      "hosts[0].vms[0].nics[0].attach: missing required key 'to'" },
    { SCN("{'name': 'h1', 'nics': [" NIC("") "], 'vms': [" VM("",
          VNIC(", 'attach': {'type': 'passthrough', 'to': 'eth0'}")) "]}, "
          REMOTE(""), FLOW(""), ""), "hosts[0].vms[0].nics[0].attach: "
      "assigning a device to a VM needs the IOMMU" },
    { WITH_VNIC(", 'attach': {'type': 'sriov-vf', 'to': 'eth0'}"),
      "hosts[0].vms[0].nics[0].attach.to: NIC 'eth0' has no VFs" },
    { WITH_VNIC(", 'attach': {'type': 'passthrough', 'to': 'eth0'}"),
      "hosts[0].vms[0].nics[0].attach.to: NIC 'eth0' is a port of bridge "
      "'br0'; a passed-through NIC leaves the host" },

    /* Traffic, captures, events. */
    { SCN(HOSTS, "{'name': 'f1', 'from': 'h1/vm1', 'to': 'rmote', 'rate': "
          "'1Mpps'}", ""), "traffic[0].to: the scenario has no host or "
      "switch named 'rmote'; did you mean 'remote'?" },
    { SCN(HOSTS, "{'name': 'f1', 'from': 'h1/vm2', 'to': 'remote', 'rate': "
          "'1Mpps'}", ""), "traffic[0].from: host 'h1' has no NIC, bridge or "
      "VM named 'vm2'; did you mean 'vm1'?" },
    { SCN(HOSTS, "{'name': 'f1', 'from': 'h1/vm1', 'to': 'h1', 'rate': "
          "'1Mpps'}", ""), "traffic[0].to: host 'h1' has no NIC or internal "
      "port with an \"ip\"" },
    { SCN(HOSTS, "{'name': 'f1', 'from': 'h1/vm1', 'to': 'h1/br0', 'rate': "
          "'1Mpps'}", ""), "traffic[0].to: 'h1/br0' is a bridge; a flow goes "
      "between VMs" },
    { SCN(HOSTS, "{'name': 'f1', 'from': 'remote', 'to': 'remote', 'rate': "
          "'1Mpps'}", ""), "traffic[0].to: a flow needs two different "
      "endpoints" },
    { SCN(HOSTS, "{'name': 'f1', 'from': 'h1/vm1', 'to': 'remote'}", ""),
      "traffic[0]: missing required key 'rate'" },
    { WITH_FLOW(", 'count': 5, 'duration': '1ms'"), "traffic[0].duration: "
      "give either 'count' or 'duration', not both" },
    { SCNF("'duration': '2ms', ", HOSTS, FLOW(", 'start': '3ms'"), ""),
      "traffic[0].start: the flow would start at 3ms, when the run has ended "
      "(duration 2ms)" },
    { WITH_FLOW(", 'proto': 'icmp', 'dport': 7"), "traffic[0].dport: 'dport' "
      "applies only to udp and tcp flows" },
    { WITH(", 'capture': [{'point': 'h1/eth9', 'file': 'x.pcap'}]"),
      "capture[0].point: host 'h1' has no NIC, bridge or VM named 'eth9'; "
      "did you mean 'eth0'?" },
    { WITH(", 'capture': [{'point': 'sw/p0', 'file': 'x.pcap'}]"),
      "capture[0].point: switch 'sw' has ports named p1 to p8; 'p0' is not "
      "one" },
    { WITH(", 'capture': [{'point': 'sw', 'file': 'x.pcap'}, {'point': "
           "'h1', 'file': 'x.pcap'}]"), "capture[1].file: 'x.pcap' is "
      "already written by capture[0]" },
    { WITH(", 'events': [{'at': '1ms', 'action': 'link-down', 'target': "
           "'h1/vm1'}]"), "events[0].target: 'h1/vm1' is a VM; a link event "
      "targets a NIC" },
    { WITH(", 'events': [{'at': '1ms', 'action': 'link-dwn', 'target': "
           "'h1/eth0'}]"), "events[0].action: unknown event action "
      "'link-dwn'; did you mean 'link-down'?" },
    { WITH(", 'events': [{'at': 1000, 'action': 'link-up', 'target': "
           "'h1/eth0'}]"), "events[0].at: 1000 has no unit" },
    { WITH(", 'events': [{'at': '1ms', 'action': 'link-up', 'target': "
           "'sw/p12'}]"), "events[0].target: switch 'sw' has ports p1 to "
      "p8; there is no 'p12'" },

    /* Variants. */
    { WITH(", 'variants': [{'name': 'v', 'set': {'h1/vm1/eth0.modle': "
           "'e1000'}}]"), "variants[0].set[\"h1/vm1/eth0.modle\"]: a VM NIC "
      "has no field 'modle'; did you mean 'model'?" },
    { WITH(", 'variants': [{'name': 'v', 'set': {'h1/vm9/eth0.model': "
           "'e1000'}}]"), "variants[0].set[\"h1/vm9/eth0.model\"]: host 'h1' "
      "has no NIC, bridge or VM named 'vm9'; did you mean 'vm1'?" },
    { WITH(", 'variants': [{'name': 'v', 'set': {'h1/vm1/eth0': 1}}]"),
      "variants[0].set[\"h1/vm1/eth0\"]: 'h1/vm1/eth0' is not of the form "
      "PATH.field" },
    { WITH(", 'variants': [{'name': 'v', 'set': {'h1/vm1.name': 'x'}}]"),
      "a variant cannot rename things" },
    { WITH(", 'variants': [{'name': 'v', 'set': {'h1.cpu.cores': 8}}, "
           "{'name': 'v', 'set': {}}]"), "variants[1].name: duplicate "
      "variant name 'v' (also variants[0])" },
    { WITH(", 'variants': [{'name': 'v', 'set': {'h1/vm1/eth0.model': "
           "'e1001'}}]"), "variants[0]: variant 'v' does not load: "
      "hosts[0].vms[0].nics[0].model: unknown model 'e1001'; did you mean "
      "'e1000'?" },
    { WITH(", 'variants': [{'name': 'v'}]"), "variants[0]: missing required "
      "key 'set'" },
    { WITH(", 'variants': [{'name': 'v', 'set': {'h1/eth0.vifz': 8}}]"),
      "variants[0].set[\"h1/eth0.vifz\"]: a NIC has no field 'vifz'; did "
      "you mean 'vifs'?" },
    { WITH(", 'variants': [{'name': 'v', 'set': {'h1/eth0.vifs': 8}}]"),
      "variants[0]: variant 'v' does not load: hosts[0].nics[0].vifs: "
      "'vifs' applies only to NICs of model vic" },
    { WITH(", 'variants': [{'name': 'a,b', 'set': {}}]"), "variants[0].name: "
      "name 'a,b' may not contain ','" },
    /* Control characters would be obeyed by the terminal that prints
     * them. */
    { "{'name': 'x\\u001b[2J'}", "name: the scenario's name may not "
      "contain control characters (byte 0x1b at position 2)" },
    { WITH(", 'variants': [{'name': 'v\\u0007', 'set': {}}]"),
      "variants[0].name: a name may not contain control characters (byte "
      "0x07 at position 2)" },


    /* Costs. */
    { WITH(", 'costs': {'pcie_latency': '100cyc'}"), "costs.pcie_latency: "
      "'pcie_latency' is time spent in hardware, not on a CPU" },
    { WITH(", 'costs': {'vmexti': '1000cyc'}"), "costs.vmexti: unknown cost "
      "'vmexti'; did you mean 'vmexit'?" },
    { WITH(", 'costs': {'vmexit': 1000}"), "costs.vmexit: \"1000\" has no "
      "unit" },
    { WITH(", 'costs': {'napi_budget': 1.5}"), "costs.napi_budget: \"1.5\" is "
      "not a plain whole number" },
    { WITH(", 'costs': {'napi_budget': '0'}"), "costs.napi_budget: a budget "
      "of 0 frames would never make progress; it must be at least 1" },

    /* JSON syntax. */
    { "{\n  'name': 'x',\n  'seed': 1,,\n}", "line 3, column 13: invalid "
      "JSON near ','" },
    { "", "line 1, column 1: invalid JSON (the text is empty)" },
    { "{} x", "line 1, column 4: invalid JSON near 'x'" },
    { "{'name': 'x'", "line 1, column 13: invalid JSON (it ends too early)" },

    /* Not supported yet: accepted syntax, refused with the place. */
    { WITH_HOST("", NIC(""), BR(", 'type': 'ovs', 'mirrors': [{'name': "
                                "'m0', 'select_all': true, 'output_port': "
                                "'nope'}]"),
                VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}"))),
      "hosts[0].bridges[0].mirrors[0].output_port: unknown port 'nope' (a "
      "port of bridge 'br0': a NIC, a port object, or a VM attached to "
      "it)" },
    { WITH_HOST("", NIC(""), BR(", 'type': 'ovs', 'mirrors': [{'name': "
                                "'m0', 'output_port': 'vm1'}]"),
                VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}"))),
      "hosts[0].bridges[0].mirrors[0]: a mirror selects nothing: give "
      "select_src_port, select_dst_port, select_vlan or \"select_all\": "
      "true" },
    { WITH_HOST("", NIC(""), BR(", 'type': 'ovs', 'datapath': 'system', "
                                "'flows': ['actions=outptu:1']"),
                VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}"))),
      "hosts[0].bridges[0].flows[0]: unknown action 'outptu' (did you "
      "mean 'output'?)" },
    { WITH_HOST("", NIC(""), BR(", 'type': 'ovs', 'datapath': 'kernel', "
                                "'flows': ['in_port=vm9,actions=drop']"),
                VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}"))),
      "hosts[0].bridges[0].flows[0]: unknown port 'vm9'" },
    /* sFlow. */
    { WITH_HOST("", NIC(HIP), BR(", 'sflow': {'collector': 'remote'}"),
                VM("", VNICB(""))),
      "hosts[0].bridges[0].sflow: 'sflow' applies only to bridges of type "
      "ovs" },
    { WITH_SFLOW(HIP, "5"), "hosts[0].bridges[0].sflow: expected an "
      "object" },
    { WITH_SFLOW(HIP, "{'sampling': 64}"), "hosts[0].bridges[0].sflow: "
      "missing required key 'collector'" },
    { WITH_SFLOW(HIP, "{'collector': 'remote', 'samplng': 64}"),
      "hosts[0].bridges[0].sflow: unknown key 'samplng'; did you mean "
      "'sampling'?" },
    { WITH_SFLOW(HIP, "{'collector': 'remote', 'sampling': 0}"),
      "hosts[0].bridges[0].sflow.sampling: 0 is out of range; expected 1 "
      "to 4294967295 (one frame in N; 1 samples every frame)" },
    { WITH_SFLOW(HIP, "{'collector': 'remote', 'header': 2000}"),
      "hosts[0].bridges[0].sflow.header: 2000 is out of range; expected 1 "
      "to 1308 (1308 bytes is the most one flow sample carries in a "
      "datagram)" },
    { WITH_SFLOW(HIP, "{'collector': 'remote', 'polling': '50us'}"),
      "hosts[0].bridges[0].sflow.polling: at least 100us (or 0 for "
      "none)" },
    { WITH_SFLOW(HIP, "{'collector': 'remote', 'polling': 1.5}"),
      "hosts[0].bridges[0].sflow.polling: expected whole seconds 0 to "
      "86400 as OVS writes it, or a time such as \"2ms\", got 1.5" },
    { WITH_SFLOW(HIP, "{'collector': 'remote', 'flush': 0}"),
      "hosts[0].bridges[0].sflow.flush: at least 100us" },
    { WITH_SFLOW(HIP, "{'collector': 'remote', 'collector_port': 0}"),
      "hosts[0].bridges[0].sflow.collector_port: 0 is out of range; "
      "expected 1 to 65535" },
    { WITH_SFLOW(HIP, "{'collector': 'remot'}"),
      "hosts[0].bridges[0].sflow.collector: the scenario has no host or "
      "switch named 'remot'; did you mean 'remote'?" },
    { WITH_SFLOW(HIP, "{'collector': 'h1'}"),
      "hosts[0].bridges[0].sflow.collector: 'h1' is the host the agent "
      "runs on; the collector is another host or a VM" },
    { WITH_SFLOW(HIP, "{'collector': 'sw'}"),
      "hosts[0].bridges[0].sflow.collector: 'sw' is a switch; an sFlow "
      "collector is a VM (\"host/vm\") or a host with an IP (\"host\")" },
    { WITH_SFLOW(HIP, "{'collector': 'remote', 'agent': 'eth9'}"),
      "hosts[0].bridges[0].sflow.agent: host 'h1' has no NIC or internal "
      "port 'eth9'; did you mean 'eth0'?" },
    { WITH_HOST("", NIC("") ", {'name': 'eth1', 'link': 'sw/p3'" HIP "}",
                BR(", 'type': 'ovs', 'sflow': {'collector': 'remote', "
                   "'agent': 'eth0'}"),
                VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}"))),
      "hosts[0].bridges[0].sflow.agent: 'eth0' of host 'h1' has no \"ip\" "
      "to be the agent address" },
    { WITH_SFLOW("", "{'collector': 'remote'}"),
      "hosts[0].bridges[0].sflow: host 'h1' has no address to send sFlow "
      "from: give one of its NICs an \"ip\"" },
    { WITH_SFLOW(", 'ip': '10.1.0.50/24'", "{'collector': 'remote'}"),
      "hosts[0].bridges[0].sflow.collector: 'remote' (10.0.0.9) is not in "
      "the subnet of the agent address 10.1.0.50/24 ('eth0'), which has no "
      "gateway to reach it" },
    { WITH_HOST("", NIC(""), BR(", 'type': 'ovs', "
                                "'other_config': {'max-idle': 'soon'}"),
                VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}"))),
      "hosts[0].bridges[0].other_config[\"max-idle\"]: expected a time "
      "such as \"10s\", or milliseconds as OVS writes it" },
    { WITH_HOST("", NIC(""), BR(", 'type': 'ovs', "
                                "'other_config': {'flow-limt': 5}"),
                VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}"))),
      "hosts[0].bridges[0].other_config: unknown key 'flow-limt'; did you "
      "mean 'flow-limit'?" },
    { WITH_HOST("", NIC(""), BR(", 'type': 'linux-bridge', "
                                "'other_config': {'flow-limit': 5}"),
                VM("", VNICB(""))),
      "hosts[0].bridges[0].other_config: 'other_config' applies only to "
      "bridges of type ovs" },
    { WITH_HOST("", NIC(""), BR(", 'type': 'ovs', 'datapath': 'dpdk', "
                                "'pmd_cores': [1, 9]"),
                VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}"))),
      "hosts[0].bridges[0].pmd_cores[1]: core 9 does not exist; the host "
      "has cores 0 to 3" },
    { WITH_HOST("", NIC(""), BR(", 'pmd_cores': [1]"), VM("", VNICB(""))),
      "hosts[0].bridges[0].pmd_cores: 'pmd_cores' applies only to bridges "
      "of type ovs with datapath dpdk" },
    { WITH_VNIC(", 'attach': {'type': 'macvtap', 'to': 'eth0'}"),
      "hosts[0].vms[0].nics[0].attach.to: NIC 'eth0' is a port of bridge "
      "'br0'; a NIC with macvtaps on it cannot also be in a bridge" },
    { SCN(HOST("", NIC(""), "",
               VM("", VNIC(", 'vlan': 10, 'attach': {'type': 'macvtap', "
                          "'to': 'eth0'}"))) ", " REMOTE(""), FLOW(""), ""),
      "hosts[0].vms[0].nics[0].vlan: not supported yet: VLANs" },
    /* Trunks to a VM the guest drives itself (a VF, a passed-through
     * NIC) are refused as for NAT and macvtap, not left unused. */
    { SCN(HOST("", NIC(", 'sriov': {'vfs': 2}"), "",
               VM("", VNIC(", 'trunks': [10, 20], 'attach': {'type': "
                          "'sriov-vf', 'to': 'eth0'}"))) ", " REMOTE(""),
          FLOW(""), ""),
      "hosts[0].vms[0].nics[0].trunks: not supported yet: VLAN trunks to a "
      "VM outside Open vSwitch and the Linux bridge" },
    { SCN(HOST("", NIC(""), "",
               VM("", VNIC(", 'trunks': [10], 'attach': {'type': "
                          "'passthrough', 'to': 'eth0'}"))) ", " REMOTE(""),
          FLOW(""), ""),
      "hosts[0].vms[0].nics[0].trunks: not supported yet: VLAN trunks to a "
      "VM outside Open vSwitch and the Linux bridge" },

    { WITH_HOST(", 'networks': [{'name': 's1', 'driver': 'sriov'}]",
                NIC(""), BR(""), VM("", VNICB(""))),
      "hosts[0].networks[0]: missing required key 'parent'" },
    { WITH_FLOW(", 'proto': 'tcp', 'cc': 'vegas'"), "traffic[0].cc: unknown "
      "congestion control 'vegas' (expected one of cubic, reno)" },
    { WITH(", 'events': [{'at': '1ms', 'action': 'migrate', 'target': "
           "'h1/vm1', 'to': 'remote'}]"), "events[0].to: host 'remote' has "
      "no bridge 'br0' for hosts[0].vms[0].nics[0] to join after migrating" },
    { WITH(", 'events': [{'at': '1ms', 'action': 'link-down', 'target': "
           "'h1/eth0', 'downtime': '1ms'}]"), "events[0].downtime: "
      "'downtime' applies only to the migrate action" },
    { SCN(HOST("", NIC(", 'sriov': {'vfs': 2}"), BR(""),
               VM("", VNIC(", 'attach': {'type': 'sriov-vf', 'to': "
                           "'eth0'}"))) ", "
          "{'name': 'h2', 'nics': [{'name': 'eth0', 'link': 'sw/p3'}], "
          "'bridges': [{'name': 'br0', 'ports': ['eth0']}]}, " REMOTE(""),
          FLOW(""), ", 'events': [{'at': '1ms', 'action': 'migrate', "
          "'target': 'h1/vm1', 'to': 'h2'}]"),
      "events[0].target: VM 'h1/vm1' cannot be live-migrated: its NIC "
      "hosts[0].vms[0].nics[0] is an assigned device (an SR-IOV VF), whose "
      "state lives in the hardware; detach it first" },
};

START_TEST(test_bad)
{
    const struct bad *b = &bad[_i];
    struct vh_diag d;
    struct cfg_scenario *sc = load(b->json, NULL, &d);
    ck_assert_msg(sc == NULL, "case %d loaded: %s", _i, b->json);
    ck_assert_msg(d.failed, "case %d: no error recorded", _i);
    ck_assert_msg(strstr(d.msg, b->msg) != NULL,
                  "case %d:\n  got:  %s\n  want: %s", _i, d.msg, b->msg);
}
END_TEST

/* ---- Good scenarios. ---- */

START_TEST(test_defaults)
{
    struct vh_diag d;
    struct cfg_scenario *sc = cfg_load_string("{}", "dir/empty.json", NULL,
                                              &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    ck_assert_str_eq(sc->name, "empty");
    ck_assert_str_eq(sc->file, "dir/empty.json");
    ck_assert_ptr_null(sc->description);
    ck_assert_uint_eq(sc->seed, 1);
    ck_assert_uint_eq(sc->duration, 10 * VH_MS);
    ck_assert_uint_eq(sc->n_hosts + sc->n_switches + sc->n_flows
                      + sc->n_captures + sc->n_events + sc->n_variants, 0);
    /* It loads, but there is nothing to run. */
    struct world *w = world_build(sc, &d);
    ck_assert_ptr_null(w);
    ck_assert_str_eq(d.msg, "hosts: nothing to simulate: the scenario has "
                     "no hosts and no switches");
    cfg_free(sc);

    sc = load(WITH(""), NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    ck_assert_uint_eq(sc->n_hosts, 2);
    const struct cfg_host *h = &sc->hosts[0];
    ck_assert_str_eq(h->name, "h1");
    ck_assert_str_eq(sc->hosts[1].name, "remote");
    ck_assert(!h->has_cpu);
    ck_assert_int_eq(h->cpu.cores, 4);
    ck_assert_uint_eq(h->cpu.khz, 2600000);
    ck_assert_int_eq(h->cpu.irqbalance, CFG_IRQ_PERFORMANCE);
    ck_assert(h->iommu_enabled);
    ck_assert(!sc->hosts[1].iommu_enabled);

    const struct cfg_nic *n = &h->nics[0];
    ck_assert_str_eq(n->model, "generic");
    ck_assert_uint_eq(n->speed_bps, 10000000000ULL);
    ck_assert_int_eq(n->queues, 1);
    ck_assert_int_eq(n->sriov_vfs, 0);
    ck_assert(!n->vmdq && !n->has_ip && !n->has_mac);
    ck_assert_str_eq(n->link, "sw/p1");
    ck_assert_str_eq(n->jpath, "hosts[0].nics[0]");
    /* A derived host NIC MAC: locally administered, unicast. */
    ck_assert_int_eq(n->mac.b[0], 0x02);

    const struct cfg_bridge *br = &h->bridges[0];
    ck_assert_int_eq(br->type, CFG_BR_LINUX);
    ck_assert_uint_eq(br->n_ports, 1);
    ck_assert_str_eq(br->ports[0], "eth0");
    ck_assert_uint_eq(br->ageing, 300 * VH_SEC);
    ck_assert(!br->vlan_filtering);

    const struct cfg_vm *vm = &h->vms[0];
    ck_assert_int_eq(vm->vcpus, 1);
    ck_assert_ptr_null(vm->pin);
    const struct cfg_vnic *v = &vm->nics[0];
    ck_assert_int_eq(v->model, CFG_VNIC_VIRTIO);
    ck_assert_int_eq(v->backend, CFG_BE_VHOST_NET);
    ck_assert_int_eq(v->queues, 1);
    ck_assert_int_eq(v->attach, CFG_AT_BRIDGE);
    ck_assert_str_eq(v->attach_to, "br0");
    ck_assert_ptr_null(v->attach_mode);
    ck_assert_int_eq(v->vf, -1);
    ck_assert_int_eq(v->vlan, -1);
    ck_assert_int_eq(v->ring, 256);
    ck_assert_uint_eq(v->ip, 0x0a000001);
    ck_assert_int_eq(v->prefix, 24);
    ck_assert(!v->has_mac);
    ck_assert(v->mac.b[0] == 0x52 && v->mac.b[1] == 0x54 && v->mac.b[2] == 0);

    const struct cfg_switch *sw = &sc->switches[0];
    ck_assert_int_eq(sw->mode, CFG_SW_8021Q);
    ck_assert_int_eq(sw->ports, 8);
    ck_assert_uint_eq(sw->speed_bps, 10000000000ULL);
    ck_assert_int_eq(sw->port_buffer, 1000);

    const struct cfg_flow *f = &sc->flows[0];
    ck_assert_int_eq(f->proto, CFG_PROTO_UDP);
    ck_assert_uint_eq(f->size, 64);
    ck_assert(f->pps == 1e6);
    ck_assert_uint_eq(f->count, 0);
    ck_assert_uint_eq(f->duration, 0);
    ck_assert_uint_eq(f->start, 0);
    ck_assert_int_eq(f->pattern, CFG_PAT_CBR);
    ck_assert_uint_eq(f->sport, 10000);
    ck_assert_uint_eq(f->dport, 9);
    ck_assert_ptr_null(f->pcap);

    /* The default costs are the calibration table's. */
    struct costs c;
    costs_defaults(&c);
    ck_assert(!memcmp(&c, &sc->costs, sizeof c));
    cfg_free(sc);
}
END_TEST

START_TEST(test_derived_macs)
{
    /* Derived MACs depend on the path only: the same on every load, and
     * different for different NICs. */
    struct vh_diag d;
    const char *two = SCN(HOST("", NIC(""), BR(""), VM("", VNICB(""))
                               ", {'name': 'vm2', 'nics': [{'name': "
                               "'eth0', 'ip': '10.0.0.2/24', " ATT "}]}")
                          ", " REMOTE(""), FLOW(""), "");
    struct cfg_scenario *a = load(two, NULL, &d);
    ck_assert_msg(a != NULL, "%s", d.msg);
    struct cfg_scenario *b = load(two, NULL, &d);
    ck_assert_msg(b != NULL, "%s", d.msg);
    const struct vh_mac *m1 = &a->hosts[0].vms[0].nics[0].mac;
    const struct vh_mac *m2 = &a->hosts[0].vms[1].nics[0].mac;
    ck_assert(vh_mac_eq(m1, &b->hosts[0].vms[0].nics[0].mac));
    ck_assert(!vh_mac_eq(m1, m2));
    ck_assert(!vh_mac_is_multicast(m1) && !vh_mac_is_multicast(m2));
    cfg_free(a);
    cfg_free(b);
}
END_TEST

/* A VM NIC without a name is the guest's "eth" and its place in nics[],
 * as the contract's port-extender example writes them; a name given
 * that takes a default one is refused as any duplicate is. */
START_TEST(test_vnic_default_names)
{
    struct vh_diag d;
    struct cfg_scenario *sc = load(
        SCN(HOST("", NIC(""), BR(""),
                 "{'name': 'vm1', 'nics': [{'ip': '10.0.0.1/24', " ATT "},"
                 " {'ip': '10.0.1.1/24', " ATT "}]}") ", " REMOTE(""),
            FLOW(""), ""), NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    ck_assert_str_eq(sc->hosts[0].vms[0].nics[0].name, "eth0");
    ck_assert_str_eq(sc->hosts[0].vms[0].nics[1].name, "eth1");
    cfg_free(sc);

    /* Variants name them so too. */
    sc = load(SCN(HOST("", NIC(""), BR(""),
                       "{'name': 'vm1', 'nics': [{'ip': '10.0.0.1/24', " ATT
                       "}, {'ip': '10.0.1.1/24', " ATT "}]}") ", " REMOTE(""),
                  FLOW(""), ", 'variants': [{'name': 'v', 'set': "
                  "{'h1/vm1/eth1.vlan': 7}}]"), "v", &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    ck_assert_int_eq(sc->hosts[0].vms[0].nics[0].vlan, -1);
    ck_assert_int_eq(sc->hosts[0].vms[0].nics[1].vlan, 7);
    cfg_free(sc);

    sc = load(SCN(HOST("", NIC(""), BR(""),
                       "{'name': 'vm1', 'nics': [{'name': 'eth1', "
                       "'ip': '10.0.0.1/24', " ATT "}, {'ip': '10.0.1.1/24', "
                       ATT "}]}") ", " REMOTE(""), FLOW(""), ""), NULL, &d);
    ck_assert_ptr_null(sc);
    ck_assert_msg(strstr(d.msg, "hosts[0].vms[0].nics[1]")
                  && strstr(d.msg, "eth1"), "%s", d.msg);
}
END_TEST

/* The variants' trial in 'check' holds against a variant only what is
 * wrong with it, not what vhsim cannot run yet, wherever the loader
 * finds that: here a migration of a VM an e1000 variant makes
 * unmigratable.  The variant alone refuses it. */
START_TEST(test_variant_trial_leaves_unsupported)
{
    const char *json =
        "{'duration': '10ms', 'hosts': ["
        " {'name': 'h1', 'nics': [{'name': 'eth0', 'link': 'sw/p1'}],"
        "  'bridges': [{'name': 'br0', 'ports': ['eth0']}],"
        "  'vms': [{'name': 'vm1', 'nics': [{'ip': '10.0.0.1/24',"
        "   'attach': {'type': 'bridge', 'to': 'br0'}}]}]},"
        " {'name': 'h2', 'nics': [{'name': 'eth0', 'link': 'sw/p2'}],"
        "  'bridges': [{'name': 'br0', 'ports': ['eth0']}]}],"
        " 'switches': [{'name': 'sw', 'ports': 2}],"
        " 'events': [{'at': '5ms', 'action': 'migrate', 'target': 'h1/vm1',"
        "  'to': 'h2'}],"
        " 'variants': [{'name': 'e1000', 'set': {'h1/vm1/eth0.model':"
        "  'e1000', 'h1/vm1/eth0.backend': null}}]}";
    struct vh_diag d;
    struct cfg_scenario *sc = load(json, NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    cfg_free(sc);
    sc = load(json, "e1000", &d);
    ck_assert_ptr_null(sc);
    ck_assert_msg(strstr(d.msg, "events[0].target: not supported yet: "
                         "migrating a VM whose NIC"), "%s", d.msg);
}
END_TEST

/* An OVS internal port's address is one of the host's: another NIC with
 * the same address is refused, naming both, as between two NICs. */
START_TEST(test_internal_port_address_unique)
{
    struct vh_diag d;
    struct cfg_scenario *sc = load(
        SCN(HOST("", NIC(""),
                 "{'name': 'br0', 'type': 'ovs', 'ports': ['eth0',"
                 " {'name': 'mgmt', 'type': 'internal',"
                 "  'ip': '10.0.0.1/24'}]}",
                 VM("", VNIC(", 'attach': {'type': 'ovs', 'to': 'br0'}")))
            ", " REMOTE(""), FLOW(""), ""), NULL, &d);
    ck_assert_ptr_null(sc);
    ck_assert_msg(strstr(d.msg, "IP address 10.0.0.1 is also used by")
                  && strstr(d.msg, "hosts[0].bridges[0].ports[1]"),
                  "%s", d.msg);
}
END_TEST

START_TEST(test_units_converted)
{
    struct vh_diag d;
    struct cfg_scenario *sc = load(
        "{'duration': '2.5us', 'seed': 42, 'name': 'u', 'description': 'd', "
        "'hosts': [{'name': 'h1', 'cpu': {'cores': 8, 'ghz': 3.1, "
        "'irqbalance': 'power-save'}, 'nics': [{'name': 'eth0', 'speed': "
        "'25Gbps', 'ip': '10.0.0.1/24', 'mac': '02:00:00:00:00:0A', "
        "'rx_ring': 1024}], 'bridges': [{'name': 'br0', 'ageing': '10s'}], "
        "'vms': [{'name': 'vm1', 'vcpus': 2, 'pin': [7, 0], 'nics': "
        "[{'name': 'eth0', 'ip': '10.0.0.2/24', 'ring': 1024, "
        "'mac': '52:54:00:ab:cd:ef', " ATT "}]}]}], "
        "'switches': [{'name': 'sw', 'ports': 4, 'speed': '100G', "
        "'port_buffer': 64}], "
        "'traffic': [{'name': 'a', 'from': 'h1/vm1', 'to': 'h1', 'size': "
        "1000, 'rate': '2Gbps', 'count': 3}, {'name': 'b', 'from': 'h1', "
        "'to': 'h1/vm1', 'proto': 'icmp', 'rate': '500kpps', 'duration': "
        "'1us', 'start': '250ns', 'pattern': 'poisson'}, {'name': 'c', "
        "'from': 'h1', 'to': 'h1/vm1', 'proto': 'icmp', 'rate': '1Gbps', "
        "'start': '1ps'}, {'name': 'd', 'from': 'h1', 'to': 'h1/vm1', "
        "'rate': '1kpps', 'sport': 5, 'dport': 53}], "
        "'capture': [{'point': 'sw/p4', 'file': 'a.pcap'}, {'point': "
        "'h1/vm1/eth0', 'file': 'b.pcap'}, {'point': 'h1/br0', 'file': "
        "'c.pcap'}], "
        "'events': [{'at': '1us', 'action': 'link-down', 'target': "
        "'h1/eth0'}, {'at': '2us', 'action': 'link-up', 'target': "
        "'sw/p1'}], "
        "'costs': {'vmexit': '2000cyc', 'napi_budget': 32, 'pcie_byte': "
        "'0.5ns/B'}}", NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);

    ck_assert_str_eq(sc->name, "u");
    ck_assert_str_eq(sc->description, "d");
    ck_assert_uint_eq(sc->seed, 42);
    ck_assert_uint_eq(sc->duration, 2500000);       /* 2.5 us in ps. */
    const struct cfg_host *h = &sc->hosts[0];
    ck_assert(h->has_cpu);
    ck_assert_int_eq(h->cpu.cores, 8);
    ck_assert_uint_eq(h->cpu.khz, 3100000);
    ck_assert_int_eq(h->cpu.irqbalance, CFG_IRQ_POWER_SAVE);
    ck_assert_uint_eq(h->nics[0].speed_bps, 25000000000ULL);
    ck_assert_int_eq(h->nics[0].rx_ring, 1024);
    ck_assert_int_eq(h->nics[0].tx_ring, 256);
    ck_assert(h->nics[0].has_mac && h->nics[0].has_ip);
    ck_assert_int_eq(h->nics[0].mac.b[5], 0x0a);
    ck_assert_uint_eq(h->bridges[0].ageing, 10 * VH_SEC);
    ck_assert_uint_eq(h->bridges[0].n_ports, 0);
    ck_assert_uint_eq(h->vms[0].n_pin, 2);
    ck_assert_int_eq(h->vms[0].pin[0], 7);
    ck_assert_int_eq(h->vms[0].pin[1], 0);
    ck_assert_int_eq(h->vms[0].nics[0].ring, 1024);
    ck_assert_int_eq(h->vms[0].nics[0].mac.b[3], 0xab);
    ck_assert(h->vms[0].nics[0].has_mac);
    ck_assert_uint_eq(sc->switches[0].speed_bps, 100000000000ULL);
    ck_assert_int_eq(sc->switches[0].port_buffer, 64);

    /* Bit rates: pps = bps / (size * 8); 2e9 / 8000 = 250000. */
    ck_assert(sc->flows[0].pps == 250000);
    ck_assert_uint_eq(sc->flows[0].count, 3);
    ck_assert_uint_eq(sc->flows[0].size, 1000);
    ck_assert(sc->flows[1].pps == 500000);
    ck_assert_uint_eq(sc->flows[1].size, 98);       /* ICMP default. */
    ck_assert_uint_eq(sc->flows[1].duration, 1000000);
    ck_assert_uint_eq(sc->flows[1].start, 250000);
    ck_assert_int_eq(sc->flows[1].pattern, CFG_PAT_POISSON);
    ck_assert_int_eq(sc->flows[1].proto, CFG_PROTO_ICMP);
    /* 1e9 / (98 * 8) = 1275510.204... */
    ck_assert_double_eq_tol(sc->flows[2].pps, 1275510.2040816, 1e-6);
    ck_assert_uint_eq(sc->flows[2].start, 1);
    /* Default source port: 10000 + the flow's index. */
    ck_assert_uint_eq(sc->flows[2].sport, 10002);
    ck_assert_uint_eq(sc->flows[3].sport, 5);
    ck_assert_uint_eq(sc->flows[3].dport, 53);

    ck_assert_uint_eq(sc->n_captures, 3);
    ck_assert_str_eq(sc->captures[1].point, "h1/vm1/eth0");
    ck_assert_uint_eq(sc->events[0].at, VH_US);
    ck_assert_int_eq(sc->events[1].action, CFG_EV_LINK_UP);
    ck_assert_str_eq(sc->events[1].target, "sw/p1");

    ck_assert(sc->costs.v[COST_VMEXIT].cyc == 2000);
    ck_assert_uint_eq(cost_count(&sc->costs, COST_NAPI_BUDGET), 32);
    ck_assert(sc->costs.v[COST_PCIE_BYTE].ns_per_byte == 0.5);
    cfg_free(sc);
}
END_TEST

START_TEST(test_nic_to_nic_cable)
{
    /* Two NICs naming each other are one cable; a third NIC on the same
     * end is not. */
    struct vh_diag d;
    struct cfg_scenario *sc = load(
        "{'hosts': [{'name': 'a', 'nics': [{'name': 'eth0', 'link': "
        "'b/eth0'}]}, {'name': 'b', 'nics': [{'name': 'eth0', 'link': "
        "'a/eth0'}]}]}", NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    cfg_free(sc);

    sc = load("{'hosts': [{'name': 'a', 'nics': [{'name': 'eth0', 'link': "
              "'b/eth0'}]}, {'name': 'b', 'nics': [{'name': 'eth0'}]}, "
              "{'name': 'c', 'nics': [{'name': 'eth0', 'link': "
              "'b/eth0'}]}]}", NULL, &d);
    ck_assert(sc == NULL);
    ck_assert_str_eq(d.msg, "hosts[2].nics[0].link: 'b/eth0' is already "
                     "cabled (by the link of a/eth0); a port takes one "
                     "cable");
}
END_TEST

#define VARIANTS                                                         \
    WITH(", 'variants': [{'name': 'big', 'set': {'h1.cpu.cores': 16, "  \
         "'h1/vm1/eth0.ring': 512, 'f1.rate': '2Mpps', 'sw.ports': 16}}, " \
         "{'name': 'nomac', 'set': {'remote/eth0.mac': null}}, "          \
         "{'name': 'e1000', 'set': {'h1/vm1/eth0.model': 'e1000'}}]")

START_TEST(test_variants)
{
    struct vh_diag d;
    /* The base: as written, with the variants' names. */
    char *json = strdup(VARIANTS);
    /* Give remote's NIC a MAC that the 'nomac' variant removes. */
    char *p = strstr(json, "'link': 'sw/p2'");
    ck_assert_ptr_nonnull(p);
    char *text = malloc(strlen(json) + 64);
    sprintf(text, "%.*s'mac': '02:00:00:00:00:99', %s", (int) (p - json),
            json, p);
    free(json);

    struct cfg_scenario *base = load(text, NULL, &d);
    ck_assert_msg(base != NULL, "%s", d.msg);
    ck_assert_uint_eq(base->n_variants, 3);
    ck_assert_str_eq(base->variant_names[0], "big");
    ck_assert_str_eq(base->variant_names[2], "e1000");
    ck_assert(!base->hosts[0].has_cpu);
    ck_assert_int_eq(base->hosts[0].vms[0].nics[0].ring, 256);
    ck_assert(base->hosts[1].nics[0].has_mac);
    ck_assert_int_eq(base->hosts[1].nics[0].mac.b[5], 0x99);

    /* Setting fields, one in an object ("cpu") that was not there. */
    struct cfg_scenario *big = load(text, "big", &d);
    ck_assert_msg(big != NULL, "%s", d.msg);
    ck_assert(big->hosts[0].has_cpu);
    ck_assert_int_eq(big->hosts[0].cpu.cores, 16);
    ck_assert_int_eq(big->hosts[0].vms[0].nics[0].ring, 512);
    ck_assert(big->flows[0].pps == 2e6);
    ck_assert_int_eq(big->switches[0].ports, 16);
    ck_assert_uint_eq(big->n_variants, 3);

    /* null removes the field: the MAC falls back to the derived one. */
    struct cfg_scenario *nomac = load(text, "nomac", &d);
    ck_assert_msg(nomac != NULL, "%s", d.msg);
    ck_assert(!nomac->hosts[1].nics[0].has_mac);
    ck_assert_int_eq(nomac->hosts[1].nics[0].mac.b[0], 0x02);
    ck_assert(!vh_mac_eq(&nomac->hosts[1].nics[0].mac,
                         &base->hosts[1].nics[0].mac));

    /* A variant switches the guest's device; the backend left in place
     * no longer applies. */
    struct cfg_scenario *e1000 = load(text, "e1000", &d);
    ck_assert_msg(e1000 != NULL, "%s", d.msg);
    ck_assert_int_eq(e1000->hosts[0].vms[0].nics[0].model, CFG_VNIC_E1000);
    ck_assert_int_eq(e1000->hosts[0].vms[0].nics[0].backend, CFG_BE_NONE);
    cfg_free(e1000);

    /* A variant may turn the NIC into another class and set that class's
     * own key; its name may have a dot. */
    struct cfg_scenario *vic = load(WITH(", 'variants': [{'name': '802.1br', "
                                         "'set': {'h1/eth0.model': 'vic', "
                                         "'h1/eth0.vifs': 4}}]"),
                                    "802.1br", &d);
    ck_assert_msg(vic != NULL, "%s", d.msg);
    ck_assert_str_eq(vic->hosts[0].nics[0].model, "vic");
    ck_assert_str_eq(vic->variant_names[0], "802.1br");
    cfg_free(vic);

    ck_assert_ptr_null(load(text, "bgi", &d));
    ck_assert_str_eq(d.msg, "variants: no variant named 'bgi'; did you mean "
                     "'big'? (the variants: big, nomac, e1000)");
    ck_assert_ptr_null(load(WITH(""), "big", &d));
    ck_assert_str_eq(d.msg, "variants: the scenario defines no variants, so "
                     "there is no variant 'big'");

    cfg_free(base);
    cfg_free(big);
    cfg_free(nomac);
    free(text);
}
END_TEST

START_TEST(test_files)
{
    struct vh_diag d;
    ck_assert_ptr_null(cfg_load("/nonexistent/dir/x.json", NULL, &d));
    ck_assert_msg(strstr(d.msg, "cannot open '/nonexistent/dir/x.json'"),
                  "%s", d.msg);

    char *dir = vh_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/broken.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\n  \"name\": \"x\"\n  \"seed\": 1\n}\n", f);
    fclose(f);
    ck_assert_ptr_null(cfg_load(path, NULL, &d));
    ck_assert_msg(strstr(d.msg, "line 3, column 3: invalid JSON"), "%s",
                  d.msg);

    snprintf(path, sizeof path, "%s/ok.json", dir);
    f = fopen(path, "w");
    fputs("{\"duration\": \"1ms\"}", f);
    fclose(f);
    struct cfg_scenario *sc = cfg_load(path, NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    ck_assert_str_eq(sc->name, "ok");
    ck_assert_str_eq(sc->file, path);
    ck_assert_uint_eq(sc->duration, VH_MS);
    cfg_free(sc);
    remove(path);
    snprintf(path, sizeof path, "%s/broken.json", dir);
    remove(path);
    rmdir(dir);
    free(dir);
}
END_TEST

START_TEST(test_demo)
{
    struct vh_diag d;
    struct cfg_scenario *sc = cfg_load("scenarios/demo.json", NULL, &d);
    ck_assert_msg(sc != NULL, "%s", d.msg);
    ck_assert_str_eq(sc->name, "demo");
    ck_assert_ptr_nonnull(sc->description);
    ck_assert_uint_eq(sc->seed, 1);
    ck_assert_uint_eq(sc->duration, 2 * VH_MS);
    ck_assert_uint_eq(sc->n_hosts, 2);
    ck_assert_uint_eq(sc->n_flows, 3);
    ck_assert_uint_eq(sc->n_captures, 3);
    const struct cfg_host *h = &sc->hosts[0];
    ck_assert_str_eq(h->name, "host1");
    ck_assert(h->iommu_enabled);
    ck_assert_int_eq(h->vms[0].pin[0], 2);
    ck_assert_int_eq(h->vms[1].pin[0], 3);
    ck_assert_str_eq(h->nics[0].model, "82599");
    ck_assert(sc->flows[0].pps == 1e5);
    ck_assert_uint_eq(sc->flows[0].start, 10 * VH_US);
    ck_assert_uint_eq(sc->flows[2].size, 98);
    ck_assert(sc->n_variants >= 1);
    cfg_free(sc);
}
END_TEST

/* The scenario format's published example, verbatim.  It must pass every check;
 * the only refusal allowed is for what is not built yet.  The base (a
 * virtio VM on a bridge and a VM with a VF of the same NIC) and the
 * "sr-iov" variant run now. */
static const char contract_example[] =
    "{\n"
    "  'name': 'virtio-vs-sriov',\n"
    "  'description': 'Free text shown in reports and in the GUI.',\n"
    "  'seed': 1,\n"
    "  'duration': '2ms',\n"
    "\n"
    "  'hosts': [\n"
    "    {\n"
    "      'name': 'host1',\n"
    "      'cpu':   { 'cores': 8, 'ghz': 2.6, 'irqbalance': 'performance' },\n"
    "      'iommu': { 'enabled': true },\n"
    "      'nics': [\n"
    "        { 'name': 'eth0', 'model': '82599', 'speed': '10G',\n"
    "          'queues': 4, 'vmdq': false, 'sriov': { 'vfs': 4 },\n"
    "          'link': 'tor1/p1' }\n"
    "      ],\n"
    "      'bridges': [\n"
    "        { 'name': 'br0', 'type': 'linux-bridge', 'ports': ['eth0'] }\n"
    "      ],\n"
    "      'vms': [\n"
    "        { 'name': 'vm1', 'vcpus': 2, 'pin': [2, 3],\n"
    "          'nics': [ { 'name': 'eth0', 'mac': '52:54:00:00:00:01',\n"
    "                      'ip': '10.0.0.1/24', 'model': 'virtio',\n"
    "                      'backend': 'vhost-net', 'queues': 1,\n"
    "                      'attach': { 'type': 'bridge', 'to': 'br0' } } ] },\n"
    "        { 'name': 'vm2', 'vcpus': 2,\n"
    "          'nics': [ { 'name': 'eth0', 'mac': '52:54:00:00:00:02',\n"
    "                      'ip': '10.0.0.2/24',\n"
    "                      'attach': { 'type': 'sriov-vf', 'to': 'eth0', 'vf': 0 } } ] }\n"
    "      ],\n"
    "      'containers': []\n"
    "    },\n"
    "    { 'name': 'remote',\n"
    "      'nics': [ { 'name': 'eth0', 'mac': '02:00:00:00:00:64',\n"
    "                  'ip': '10.0.0.100/24', 'link': 'tor1/p2' } ] }\n"
    "  ],\n"
    "\n"
    "  'switches': [\n"
    "    { 'name': 'tor1', 'mode': '802.1q', 'ports': 8 }\n"
    "  ],\n"
    "\n"
    "  'traffic': [\n"
    "    { 'name': 'f1', 'from': 'host1/vm1', 'to': 'remote', 'proto': 'udp',\n"
    "      'size': 64, 'rate': '1Mpps', 'start': '10us', 'count': 1000 },\n"
    "    { 'name': 'p1', 'from': 'host1/vm2', 'to': 'host1/vm1', 'proto': 'icmp',\n"
    "      'size': 98, 'rate': '10kpps', 'count': 5 }\n"
    "  ],\n"
    "\n"
    "  'capture': [\n"
    "    { 'point': 'host1/eth0', 'file': 'traces/host1-eth0.pcap' },\n"
    "    { 'point': 'tor1/p1',    'file': 'traces/tor1-p1.pcap' }\n"
    "  ],\n"
    "\n"
    "  'events': [\n"
    "    { 'at': '1ms', 'action': 'link-down', 'target': 'host1/eth0' }\n"
    "  ],\n"
    "\n"
    "  'variants': [\n"
    "    { 'name': 'e1000',     'set': { 'host1/vm1/eth0.model': 'e1000' } },\n"
    "    { 'name': 'vhost-net', 'set': { 'host1/vm1/eth0.backend': 'vhost-net' } },\n"
    "    { 'name': 'sr-iov',    'set': { 'host1/vm1/eth0.attach':\n"
    "                                      { 'type': 'sriov-vf', 'to': 'eth0' } } }\n"
    "  ],\n"
    "\n"
    "  'costs': { 'vmexit': '1200cyc' }\n"
    "}\n";

START_TEST(test_contract_example)
{
    struct vh_diag d;
    static const char *const variants[] = {
        NULL, "e1000", "vhost-net", "sr-iov",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        struct cfg_scenario *sc = load(contract_example, variants[i], &d);
        bool must_load = !variants[i] || !strcmp(variants[i], "sr-iov");
        ck_assert_msg(sc || (!must_load && strstr(d.msg, "not supported "
                                                          "yet: ")),
                      "variant %s: %s", variants[i] ? variants[i] : "base",
                      d.msg);
        cfg_free(sc);
    }
}
END_TEST

static Suite *
scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("bad");
    tcase_add_test(tc, test_base_loads);
    tcase_add_loop_test(tc, test_bad, 0, (int) (sizeof bad / sizeof bad[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("good");
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_derived_macs);
    tcase_add_test(tc, test_vnic_default_names);
    tcase_add_test(tc, test_variant_trial_leaves_unsupported);
    tcase_add_test(tc, test_internal_port_address_unique);
    tcase_add_test(tc, test_units_converted);
    tcase_add_test(tc, test_nic_to_nic_cable);
    tcase_add_test(tc, test_variants);
    tcase_add_test(tc, test_files);
    tcase_add_test(tc, test_demo);
    tcase_add_test(tc, test_contract_example);
    suite_add_tcase(s, tc);
    return s;
}

VH_SUITE(scenario_suite)
