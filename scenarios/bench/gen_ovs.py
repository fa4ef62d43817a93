#!/usr/bin/env python3
"""scenarios/bench/gen_ovs.py: the Open vSwitch benchmark scenarios.

Writes into DIR (default build/bench):

  ovs_rules_N.json for N in 1, 100 and 10000: UDP from a remote host to a
      VM behind an OVS bridge on the kernel datapath, 300 kpps for 1 s
      cycling through 1,024 source ports, with N rules in table 0:
        - N = 1: OVS's default, priority=0,actions=normal: one megaflow
          mask;
        - otherwise N - 11 rules of one mask, nw_dst=10.A.B.C/32 at
          distinct priorities (none is the VM's address; the classifier
          keeps them in one subtable), 10 rules on the UDP source port
          with masks of 7 to 16 bits that split the 1,024 ports into
          blocks of 512, 256, ... 1, each block matched by its own
          subtable so that its megaflows get a mask of their own: ten
          datapath masks, the kernel searching them one by one; and
          the NORMAL fallback.  The 100- and 10,000-rule sets differ only
          in the size of the /32 subtable.
  ovs_emc.json: scenarios/ovs-dpdk-emc.json run for 400 ms (1 Mpps on
      one PMD), with the one variant flows-100000.

Deterministic: the same files every time.  'make bench' runs this, then
tests/bench.sh runs the files.
"""
import json
import os
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPORT = 0x2000          # The 1,024 source ports: 0x2000..0x23ff.
FLOWS = 1024


def port_rules():
    """Ten rules on tp_src, least specific (and highest priority) first.

    Rule k has a mask of 7 + k bits and matches the 2^(9 - k) ports from
    0x2000 + 2^(9 - k) on: 0x2200-0x23ff (k = 0, 7 bits), 0x2100-0x21ff
    (8 bits), ..., 0x2001 (16 bits).  A frame that fails rules 0..k-1 and
    matches rule k visited their subtables and no later one, so its
    megaflow's tp_src mask has 7 + k bits; port 0x2000 fails them all and
    takes the fallback, with all 16.
    """
    rules = []
    for k in range(10):
        bits = 7 + k
        mask = (0xffff << (16 - bits)) & 0xffff
        value = SPORT + (0x200 >> k)
        rules.append("priority=%d,udp,tp_src=0x%04x/0x%04x,actions=normal"
                     % (900 - k, value, mask))
    return rules


def dst_rules(n):
    """n rules of one mask: nw_dst=10.A.B.C/32, distinct priorities, never
    the VM's 10.0.0.1 (they start at 10.1.0.0)."""
    rules = []
    for i in range(n):
        a = 1 + i // 65536
        b = (i // 256) % 256
        c = i % 256
        rules.append("priority=%d,ip,nw_dst=10.%d.%d.%d,actions=drop"
                     % (1000 + i, a, b, c))
    return rules


def rules_scenario(n):
    if n == 1:
        flows = ["priority=0,actions=normal"]
    else:
        flows = dst_rules(n - 11) + port_rules() + ["priority=0,actions=normal"]
    assert len(flows) == n
    return {
        "name": "ovs_rules_%d" % n,
        "description": "Benchmark: 300 kpps of 64-byte UDP in 1,024 flows "
                       "from a remote host to a VM through Open vSwitch's "
                       "kernel datapath with %d rule%s in table 0 (written by "
                       "scenarios/bench/gen_ovs.py, which says what they "
                       "are). make bench reports host cycles per packet and "
                       "delivered packets per wall-clock second."
                       % (n, "" if n == 1 else "s"),
        "description_zh": "基准测试：1,024 条流共 300 kpps 的 64 字节 UDP，"
                          "从一台远端主机经 Open vSwitch 的内核数据路径发往"
                          "一台虚拟机，表 0 中有 %d 条规则（由 "
                          "scenarios/bench/gen_ovs.py 写出，其中说明了这些"
                          "规则是什么）。make bench 报告宿主机每包的周期数和"
                          "每秒（墙钟时间）送达的包数。" % n,
        "seed": 1,
        "duration": "1s",
        "hosts": [
            {
                "name": "host1",
                "cpu": {"cores": 4, "ghz": 2.6},
                "nics": [{"name": "eth0", "model": "82599", "speed": "10G",
                          "link": "tor1/p1"}],
                "bridges": [{"name": "br0", "type": "ovs",
                             "datapath": "kernel", "ports": ["eth0"],
                             "flows": flows}],
                "vms": [{"name": "vm1", "pin": [2], "nics": [
                    {"name": "eth0", "mac": "52:54:00:00:00:01",
                     "ip": "10.0.0.1/24",
                     "attach": {"type": "ovs", "to": "br0"}}]}],
            },
            {
                "name": "remote",
                "cpu": {"cores": 4, "ghz": 2.6},
                "nics": [{"name": "eth0", "model": "82599",
                          "mac": "02:00:00:00:00:64",
                          "ip": "10.0.0.100/24", "link": "tor1/p2"}],
            },
        ],
        "switches": [{"name": "tor1", "mode": "802.1q", "ports": 4}],
        "traffic": [{"name": "load", "from": "remote", "to": "host1/vm1",
                     "proto": "udp", "size": 64, "rate": "300kpps",
                     "start": "10us", "sport": SPORT,
                     "concurrent_flows": FLOWS}],
    }


def emc_scenario():
    with open(os.path.join(TOP, "scenarios", "ovs-dpdk-emc.json")) as f:
        s = json.load(f)
    s["name"] = "ovs_emc"
    s["description"] = ("Benchmark: scenarios/ovs-dpdk-emc.json for 400 ms, "
                        "1 Mpps of 64-byte UDP through one PMD, in one flow "
                        "or (variant flows-100000) cycling through 100,000. "
                        "make bench reports host cycles per packet, the "
                        "PMD's processing cycles per packet and delivered "
                        "packets per wall-clock second.")
    # Replaces the copied scenario's, which describes the original.
    s["description_zh"] = ("基准测试：scenarios/ovs-dpdk-emc.json 运行 400 ms，"
                           "1 Mpps 的 64 字节 UDP 经过一个 PMD，为一条流，"
                           "或（变体 flows-100000）循环 100,000 条流。"
                           "make bench 报告宿主机每包的周期数、PMD 每包的"
                           "处理周期数和每秒（墙钟时间）送达的包数。")
    s["duration"] = "400ms"
    s["traffic"][0]["duration"] = "398ms"
    s["variants"] = [v for v in s["variants"] if v["name"] == "flows-100000"]
    assert len(s["variants"]) == 1
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build",
                                                             "bench")
    os.makedirs(out, exist_ok=True)
    files = [("ovs_rules_%d.json" % n, rules_scenario(n))
             for n in (1, 100, 10000)]
    files.append(("ovs_emc.json", emc_scenario()))
    for name, s in files:
        with open(os.path.join(out, name), "w") as f:
            json.dump(s, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
