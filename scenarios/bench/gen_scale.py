#!/usr/bin/env python3
"""scenarios/bench/gen_scale.py: the scaling benchmark scenarios.

Writes into DIR (default build/bench) one scenario per row of the scaling
tables that tests/bench.sh prints, each at 600 kpps of 64-byte UDP offered
in total, whatever the row:

  scale_vms_N.json: N virtio/vhost-net guests (1 vCPU, unpinned) on one
      Linux bridge of a 32-core host; guest i sends to guest (i + 1) mod N
      at 600/N kpps.  Each guest's first ARP request is flooded to every
      other tap: N^2 copies, real work a real bridge does too.
  scale_flows_N.json: 4 such guests, N flows spread over them (guest
      i mod 4 to guest (i + 1) mod 4), 600/N kpps each.
  scale_ctrs_N.json: N containers on Docker's default bridge (docker0),
      container i to container (i + 1) mod N (one container: to the host),
      600/N kpps each.

Flows start spread over the first 100 ms, as guests and containers that
were not started at the same instant would (and so do their first ARP
floods), and at phases spread evenly over their period: flow k of n
sends k/n of a period after flow 0 does.  Starts alone, k * 100 ms / n,
can all fall on whole periods (100 containers at 6 kpps: a start every
999.9 us, a period of 166.7 us), and then every flow sends at the same
instants, a burst the scenario does not mean to measure.  Each scenario runs for 2 s; tests/bench.sh measures it from
1 s on (vhsim run --steady-from), when the floods are over.

Deterministic: the same files every time.
"""
import json
import os
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOTAL_PPS = 600000
CORES = 32
DURATION = "2s"
SPREAD_NS = 100000000   # Flows start over the first 100 ms.


def mac(i):
    return "52:54:00:%02x:%02x:%02x" % ((i >> 16) & 0xff, (i >> 8) & 0xff,
                                        i & 0xff)


def ip(i):
    """10.0.0.0/16 from 10.0.1.0 on: 1 + i in the last two bytes."""
    n = 256 + i
    return "10.0.%d.%d" % (n >> 8, n & 0xff)


def flow(name, src, dst, pps, k, n):
    # Starts spread over [10 us, 100 ms): flow k of n, moved on by less
    # than a period to the phase k/n of it.
    rate = "%gpps" % pps
    period_ns = 1e9 / float(rate[:-3])
    start_ns = 10000 + (SPREAD_NS - 10000) * k // max(n, 1)
    phase_ns = 10000 + period_ns * k / max(n, 1)
    start_ns += int((phase_ns - start_ns) % period_ns)
    return {"name": name, "from": src, "to": dst, "proto": "udp",
            "size": 64, "rate": rate, "start": "%dns" % start_ns}


def scenario(name, desc, desc_zh, host, flows):
    return {"name": name, "description": desc, "description_zh": desc_zh,
            "seed": 1, "duration": DURATION, "hosts": [host],
            "traffic": flows}


def vm_host(n_vms):
    vms = []
    for i in range(n_vms):
        vms.append({"name": "vm%d" % (i + 1), "vcpus": 1,
                    "nics": [{"name": "eth0", "mac": mac(i + 1),
                              "ip": ip(i) + "/16", "model": "virtio",
                              "backend": "vhost-net",
                              "attach": {"type": "bridge", "to": "br0"}}]})
    return {"name": "host1", "cpu": {"cores": CORES, "ghz": 2.6},
            "bridges": [{"name": "br0", "type": "linux-bridge",
                         "ports": []}],
            "vms": vms}


def vms_row(n):
    flows = [flow("f%d" % (i + 1), "host1/vm%d" % (i + 1),
                  "host1/vm%d" % ((i + 1) % n + 1), TOTAL_PPS / n, i, n)
             for i in range(n)]
    return scenario("scale_vms_%d" % n,
                    "Benchmark: %d guests on one Linux bridge, guest i to "
                    "guest i+1, 600 kpps of 64-byte UDP in total." % n,
                    "基准测试：一个 Linux 网桥上的 %d 个客户机，客户机 i "
                    "发往客户机 i+1，64 字节 UDP 共 600 kpps。" % n,
                    vm_host(n), flows)


def flows_row(n):
    flows = [flow("f%d" % (i + 1), "host1/vm%d" % (i % 4 + 1),
                  "host1/vm%d" % ((i + 1) % 4 + 1), TOTAL_PPS / n, i, n)
             for i in range(n)]
    return scenario("scale_flows_%d" % n,
                    "Benchmark: 4 guests on one Linux bridge, %d flows "
                    "among them, 600 kpps of 64-byte UDP in total." % n,
                    "基准测试：一个 Linux 网桥上的 4 个客户机，它们之间有 "
                    "%d 条流，64 字节 UDP 共 600 kpps。" % n,
                    vm_host(4), flows)


def ctrs_row(n):
    ctrs = [{"name": "c%d" % (i + 1)} for i in range(n)]
    host = {"name": "host1", "cpu": {"cores": CORES, "ghz": 2.6},
            "nics": [{"name": "eth0", "model": "82599", "speed": "10G",
                      "ip": "192.168.0.1/24"}],
            "containers": ctrs}
    if n == 1:
        flows = [flow("f1", "host1/c1", "host1", TOTAL_PPS, 0, 1)]
    else:
        flows = [flow("f%d" % (i + 1), "host1/c%d" % (i + 1),
                      "host1/c%d" % ((i + 1) % n + 1), TOTAL_PPS / n, i, n)
                 for i in range(n)]
    return scenario("scale_ctrs_%d" % n,
                    "Benchmark: %d containers on Docker's default bridge, "
                    "container i to container i+1, 600 kpps of 64-byte "
                    "UDP in total." % n,
                    "基准测试：Docker 默认网桥上的 %d 个容器，容器 i 发往"
                    "容器 i+1，64 字节 UDP 共 600 kpps。" % n, host, flows)


ROWS = {
    "vms": (vms_row, [2, 16, 64, 256, 1024, 4096]),
    "flows": (flows_row, [4, 64, 1024, 8192]),
    "ctrs": (ctrs_row, [1, 10, 100, 1000]),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "build",
                                                             "bench")
    os.makedirs(out, exist_ok=True)
    for kind, (make, sizes) in ROWS.items():
        for n in sizes:
            s = make(n)
            path = os.path.join(out, "%s.json" % s["name"])
            with open(path, "w") as f:
                json.dump(s, f, indent=1)
                f.write("\n")


if __name__ == "__main__":
    main()
